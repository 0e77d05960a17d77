/**
 * dictionary_learning checkpoints (saprmarks/dictionary_learning; the AudioSAE paper's released
 * SAEs, `layer_N/ae.pt` + `config.json`): `ae.pt` is a torch.save'd state_dict of
 * - `encoder.weight` [dict_size, activation_dim], `encoder.bias` [dict_size] (nn.Linear),
 * - `decoder.weight` [activation_dim, dict_size] (nn.Linear without bias), `b_dec` [activation_dim],
 * - `k` (int scalar), `threshold` (float scalar, -1 until learned).
 * Both `AutoEncoderTopK` and `BatchTopKSAE` encode `relu(encoder(x - b_dec))` and decode
 * `decoder(f) + b_dec`; TopK keeps each row's k largest, BatchTopK (at inference) keeps values
 * above the scalar threshold. So W_enc = encoder.weightᵀ, W_dec = decoder.weightᵀ, and the
 * scalar threshold fills the per-latent one (our graph uses max(θ, 0), the same as dictionary_learning's
 * `relu(...) > θ` for any θ).
 * `config.json` is `{"trainer": {dict_class, activation_dim, dict_size, k, layer, lm_name, seed, ...}}`;
 * it is optional beside a bare `ae.pt` (then BatchTopKSAE, the released checkpoints' class).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../../electron/common/errors.js';
import { readTorchStateDict, type TorchTensor } from '../formats/torch-checkpoint.js';
import { readJson } from './sae-checkpoint.js';
import { parseSaeConfig, type SaeArchitectureKind, type SaeConfig } from './sae-config.js';
import type { SaeWeights } from './sae-weights.js';

export const DICTIONARY_LEARNING_WEIGHTS_FILE = 'ae.pt';
export const DICTIONARY_LEARNING_CONFIG_FILE = 'config.json';

const DICT_CLASSES: Record<string, SaeArchitectureKind> = { BatchTopKSAE: 'batchtopk', AutoEncoderTopK: 'topk' };
const KNOWN_KEYS = new Set(['encoder.weight', 'encoder.bias', 'decoder.weight', 'b_dec', 'k', 'threshold']);

export interface DictionaryLearningImport {
  config: SaeConfig;
  weights: SaeWeights;
  /** The layer and model named in config.json, when it has them. */
  layer: number | null;
  lmName: string | null;
  weightsPath: string;
}

/** `path` is the folder holding ae.pt (+ config.json) or the ae.pt file itself. */
export function dictionaryLearningPaths(path: string): { weightsPath: string; configPath: string } {
  const isFile = existsSync(path) && statSync(path).isFile();
  const folder = isFile ? dirname(path) : path;
  return { weightsPath: isFile ? path : join(folder, DICTIONARY_LEARNING_WEIGHTS_FILE), configPath: join(folder, DICTIONARY_LEARNING_CONFIG_FILE) };
}

function trainerConfig(configPath: string): Record<string, unknown> {
  if (!existsSync(configPath)) return {};
  const raw = readJson(configPath);
  if (typeof raw !== 'object' || raw === null) throw new AppError('bad_input', `${configPath} is not a dictionary_learning config (expected a JSON object).`);
  const trainer = (raw as Record<string, unknown>)['trainer'];
  return (typeof trainer === 'object' && trainer !== null ? trainer : raw) as Record<string, unknown>;
}

function tensor(tensors: Map<string, TorchTensor>, name: string, shape: number[], path: string): TorchTensor {
  const t = tensors.get(name);
  if (t === undefined) throw new AppError('bad_input', `${path} has no '${name}': it is not a dictionary_learning TopK/BatchTopK SAE.`);
  if (t.shape.join(',') !== shape.join(',')) throw new AppError('bad_input', `${path}: '${name}' has shape [${t.shape}], expected [${shape}].`);
  return t;
}

function scalar(tensors: Map<string, TorchTensor>, name: string): number | undefined {
  const t = tensors.get(name);
  return t !== undefined && t.data.length === 1 ? t.data[0] : undefined;
}

export async function importDictionaryLearning(path: string): Promise<DictionaryLearningImport> {
  const { weightsPath, configPath } = dictionaryLearningPaths(path);
  if (!existsSync(weightsPath)) throw new AppError('not_found', `${path} is not a dictionary_learning checkpoint: ${basename(weightsPath)} is missing.`);
  const trainer = trainerConfig(configPath);
  const dictClass = String(trainer['dict_class'] ?? 'BatchTopKSAE');
  const architecture = DICT_CLASSES[dictClass];
  if (architecture === undefined) {
    throw new AppError('bad_input', `${configPath}: dict_class '${dictClass}' cannot be imported; AudioSAE Lab reads ${Object.keys(DICT_CLASSES).join(' and ')}.`);
  }
  const { tensors } = await readTorchStateDict(weightsPath);
  const unknown = [...tensors.keys()].filter((k) => !KNOWN_KEYS.has(k));
  if (unknown.length > 0) throw new AppError('bad_input', `${weightsPath} holds tensors a ${dictClass} does not have (${unknown.join(', ')}); it is another architecture.`);
  const encoderWeight = tensors.get('encoder.weight');
  if (encoderWeight === undefined || encoderWeight.shape.length !== 2) throw new AppError('bad_input', `${weightsPath} has no 2-D 'encoder.weight': it is not a dictionary_learning SAE.`);
  const [dSae, dIn] = encoderWeight.shape as [number, number];
  for (const [key, actual] of [['activation_dim', dIn], ['dict_size', dSae]] as const) {
    if (trainer[key] !== undefined && Number(trainer[key]) !== actual) {
      throw new AppError('bad_input', `${configPath} says ${key} ${String(trainer[key])}, but ${basename(weightsPath)} is ${actual}: the two files are from different SAEs.`);
    }
  }
  const encoderBias = tensor(tensors, 'encoder.bias', [dSae], weightsPath);
  const decoderWeight = tensor(tensors, 'decoder.weight', [dIn, dSae], weightsPath);
  const bDec = tensor(tensors, 'b_dec', [dIn], weightsPath);
  const k = scalar(tensors, 'k') ?? Number(trainer['k']);
  if (!Number.isInteger(k) || k <= 0) throw new AppError('bad_input', `${weightsPath} has no usable k (neither a 'k' tensor nor config.json's trainer.k).`);
  const threshold = scalar(tensors, 'threshold') ?? (architecture === 'batchtopk' ? undefined : 0);
  if (threshold === undefined) throw new AppError('bad_input', `${weightsPath} has no 'threshold': a BatchTopKSAE needs its learned threshold for inference.`);

  const W_enc = new Float32Array(dIn * dSae);
  const W_dec = new Float32Array(dSae * dIn);
  for (let i = 0; i < dSae; i++) {
    for (let j = 0; j < dIn; j++) {
      W_enc[j * dSae + i] = encoderWeight.data[i * dIn + j]!;
      W_dec[i * dIn + j] = decoderWeight.data[j * dSae + i]!;
    }
  }
  const weights: SaeWeights = { dIn, dSae, W_enc, b_enc: encoderBias.data, W_dec, b_dec: bDec.data, threshold: new Float32Array(dSae).fill(threshold) };
  const layer = Number.isInteger(trainer['layer']) ? (trainer['layer'] as number) : null;
  const lmName = typeof trainer['lm_name'] === 'string' ? trainer['lm_name'] : null;
  const seed = Number.isInteger(trainer['seed']) && (trainer['seed'] as number) >= 0 ? (trainer['seed'] as number) : 0;
  const config = parseSaeConfig({ architecture, dIn, dSae, k: Math.min(k, dSae), seed, hookName: layer === null ? '' : `layer_${layer}`, modelName: lmName ?? '' });
  return { config, weights, layer, lmName, weightsPath };
}
