/**
 * SAELens checkpoints: a folder with `cfg.json` and `sae_weights.safetensors` (W_enc [d_in, d_sae],
 * W_dec [d_sae, d_in], b_enc, b_dec, and `threshold` [d_sae] for JumpReLU). TopK exports as
 * SAELens' `topk`; BatchTopK as `jumprelu` with its learned threshold, which is how SAELens runs a
 * BatchTopK SAE at inference. The config carries both the SAELens 6 keys (`architecture`,
 * `metadata`) and the older top-level ones (`hook_name`, `activation_fn_kwargs`) so either loader reads it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../electron/common/errors.js';
import { parseSaeConfig, type SaeConfig } from './sae-config.js';
import { readJson, readWeights, writeJsonAtomically, writeWeights } from './sae-checkpoint.js';
import type { SaeWeights } from './sae-weights.js';

export const SAELENS_CONFIG_FILE = 'cfg.json';
export const SAELENS_WEIGHTS_FILE = 'sae_weights.safetensors';

export function exportSaeLens(folder: string, config: SaeConfig, weights: SaeWeights): void {
  mkdirSync(folder, { recursive: true });
  const architecture = config.architecture === 'topk' ? 'topk' : 'jumprelu';
  const names = architecture === 'topk' ? (['W_enc', 'W_dec', 'b_enc', 'b_dec'] as const) : (['W_enc', 'W_dec', 'b_enc', 'b_dec', 'threshold'] as const);
  writeWeights(join(folder, SAELENS_WEIGHTS_FILE), weights, {}, names);
  const metadata = { model_name: config.modelName, hook_name: config.hookName, trained_as: config.architecture, k: config.k, seed: config.seed, exported_by: 'audiosae-lab' };
  writeJsonAtomically(join(folder, SAELENS_CONFIG_FILE), {
    architecture,
    d_in: config.dIn,
    d_sae: config.dSae,
    dtype: 'float32',
    device: 'cpu',
    apply_b_dec_to_input: true,
    normalize_activations: 'none',
    reshape_activations: 'none',
    ...(architecture === 'topk' ? { k: config.k, activation_fn: 'topk', activation_fn_kwargs: { k: config.k } } : {}),
    model_name: config.modelName,
    hook_name: config.hookName,
    metadata,
  });
}

export interface ImportOptions {
  /** The width of the layer the SAE is meant for; a different d_in is refused. */
  expectedDIn?: number;
}

export async function importSaeLens(folder: string, options: ImportOptions = {}): Promise<{ config: SaeConfig; weights: SaeWeights }> {
  const configPath = join(folder, SAELENS_CONFIG_FILE);
  if (!existsSync(configPath)) throw new AppError('not_found', `${folder} is not a SAELens checkpoint: ${SAELENS_CONFIG_FILE} is missing.`);
  const cfg = readJson(configPath) as Record<string, unknown>;
  const metadata = (typeof cfg['metadata'] === 'object' && cfg['metadata'] !== null ? cfg['metadata'] : {}) as Record<string, unknown>;
  const architecture = String(cfg['architecture'] ?? (cfg['activation_fn'] === 'topk' || cfg['activation_fn_str'] === 'topk' ? 'topk' : 'standard'));
  if (architecture !== 'topk' && architecture !== 'jumprelu') {
    throw new AppError('bad_input', `${configPath}: SAELens architecture '${architecture}' cannot be imported; AudioSAE Lab reads 'topk' and 'jumprelu'.`);
  }
  const normalization = cfg['normalize_activations'] ?? 'none';
  if (normalization !== 'none' && normalization !== null) {
    throw new AppError('bad_input', `${configPath}: normalize_activations '${String(normalization)}' is not supported; only 'none' can be imported.`);
  }
  const dIn = Number(cfg['d_in']);
  const dSae = Number(cfg['d_sae']);
  if (!Number.isInteger(dIn) || !Number.isInteger(dSae) || dIn <= 0 || dSae <= 0) throw new AppError('bad_input', `${configPath}: d_in and d_sae must be positive integers.`);
  if (options.expectedDIn !== undefined && options.expectedDIn !== dIn) {
    throw new AppError('bad_input', `The SAE in ${folder} reads ${dIn}-wide activations (d_in), but the layer is ${options.expectedDIn} wide. Pick an SAE trained on this model and layer.`);
  }
  const kwargs = (cfg['activation_fn_kwargs'] ?? {}) as Record<string, unknown>;
  const k = Number(cfg['k'] ?? kwargs['k'] ?? metadata['k'] ?? Math.min(50, dSae));
  const names = architecture === 'topk' ? ['W_enc', 'W_dec', 'b_enc', 'b_dec'] : ['W_enc', 'W_dec', 'b_enc', 'b_dec', 'threshold'];
  const weights = await readWeights(join(folder, SAELENS_WEIGHTS_FILE), dIn, dSae, names);
  if (cfg['apply_b_dec_to_input'] === false) foldDecoderBiasIntoEncoder(weights);
  const config = parseSaeConfig({
    architecture: architecture === 'topk' ? 'topk' : 'batchtopk',
    dIn,
    dSae,
    k: Math.min(k, dSae),
    hookName: String(cfg['hook_name'] ?? metadata['hook_name'] ?? ''),
    modelName: String(cfg['model_name'] ?? metadata['model_name'] ?? ''),
  });
  return { config, weights };
}

/** x W_enc + b_enc = (x - b_dec) W_enc + (b_enc + b_dec W_enc): our encoder always centres on b_dec. */
function foldDecoderBiasIntoEncoder(weights: SaeWeights): void {
  const { dIn, dSae } = weights;
  for (let j = 0; j < dIn; j++) {
    const bias = weights.b_dec[j]!;
    for (let i = 0; i < dSae; i++) weights.b_enc[i]! += bias * weights.W_enc[j * dSae + i]!;
  }
}
