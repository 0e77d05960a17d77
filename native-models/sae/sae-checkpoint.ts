/**
 * The project's own SAE checkpoint: a folder with `sae.safetensors` (F32 W_enc [dIn, dSae],
 * b_enc, W_dec [dSae, dIn], b_dec, threshold [dSae]) and `cfg.json` (the validated SaeConfig).
 * Both files are written atomically (temp file, fsync, rename), the config last, so a folder with
 * a config always holds complete weights.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../electron/common/errors.js';
import { readSafetensorsHeader, readSafetensorsTensor, writeSafetensors } from '../formats/safetensors.js';
import { parseSaeConfig, type SaeConfig } from './sae-config.js';
import type { SaeWeights } from './sae-weights.js';

export const OWN_WEIGHTS_FILE = 'sae.safetensors';
export const OWN_CONFIG_FILE = 'cfg.json';
const FORMAT = 'audiosae-sae';
const TENSORS = ['W_enc', 'b_enc', 'W_dec', 'b_dec', 'threshold'] as const;

export function saveSaeCheckpoint(folder: string, config: SaeConfig, weights: SaeWeights): void {
  mkdirSync(folder, { recursive: true });
  writeWeights(join(folder, OWN_WEIGHTS_FILE), weights, {});
  writeJsonAtomically(join(folder, OWN_CONFIG_FILE), { format: FORMAT, version: 1, config });
}

export async function loadSaeCheckpoint(folder: string): Promise<{ config: SaeConfig; weights: SaeWeights }> {
  const configPath = join(folder, OWN_CONFIG_FILE);
  if (!existsSync(configPath)) throw new AppError('not_found', `${folder} holds no SAE checkpoint (${OWN_CONFIG_FILE} is missing).`);
  const raw = readJson(configPath) as { format?: unknown; config?: unknown };
  if (raw.format !== FORMAT) throw new AppError('bad_input', `${configPath} is not an AudioSAE checkpoint config (format '${String(raw.format)}').`);
  const config = parseSaeConfig(raw.config);
  const weights = await readWeights(join(folder, OWN_WEIGHTS_FILE), config.dIn, config.dSae, TENSORS);
  return { config, weights };
}

/** Writes the five tensors as F32 safetensors (shared with the SAELens exporter). */
export function writeWeights(path: string, weights: SaeWeights, metadata: Record<string, string>, names: readonly (typeof TENSORS)[number][] = TENSORS): void {
  const shapes = { W_enc: [weights.dIn, weights.dSae], b_enc: [weights.dSae], W_dec: [weights.dSae, weights.dIn], b_dec: [weights.dIn], threshold: [weights.dSae] };
  writeSafetensors(
    path,
    names.map((name) => ({ name, dtype: 'F32' as const, shape: shapes[name], bytes: new Uint8Array(weights[name].buffer, weights[name].byteOffset, weights[name].byteLength) })),
    metadata,
  );
}

/** Reads and shape-checks the tensors; a missing `threshold` reads as zeros. */
export async function readWeights(path: string, dIn: number, dSae: number, names: readonly string[]): Promise<SaeWeights> {
  if (!existsSync(path)) throw new AppError('not_found', `SAE weights ${path} do not exist.`);
  const header = readSafetensorsHeader(path);
  const expected: Record<string, number[]> = { W_enc: [dIn, dSae], b_enc: [dSae], W_dec: [dSae, dIn], b_dec: [dIn], threshold: [dSae] };
  const weights: SaeWeights = { dIn, dSae, W_enc: new Float32Array(0), b_enc: new Float32Array(0), W_dec: new Float32Array(0), b_dec: new Float32Array(0), threshold: new Float32Array(dSae) };
  for (const name of names) {
    const info = header.tensors.get(name);
    if (info === undefined) {
      if (name === 'threshold') continue;
      throw new AppError('bad_input', `${path} has no tensor '${name}'.`);
    }
    if (info.shape.join(',') !== expected[name]!.join(',')) {
      throw new AppError('bad_input', `${path}: '${name}' has shape [${info.shape}], the config says [${expected[name]}].`);
    }
    weights[name as (typeof TENSORS)[number]] = (await readSafetensorsTensor(path, name)).data;
  }
  return weights;
}

export function writeJsonAtomically(path: string, value: unknown): void {
  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w');
  try {
    writeSync(fd, `${JSON.stringify(value, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
}

export function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    throw new AppError('bad_input', `${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
