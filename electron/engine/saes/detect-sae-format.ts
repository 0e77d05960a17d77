/**
 * Which checkpoint format a path holds: our own folder (cfg.json with format 'audiosae-sae'), a
 * SAELens folder (cfg.json + sae_weights.safetensors), or dictionary_learning (ae.pt, as a folder
 * or the file itself). A folder of per-layer subfolders (the AudioSAE release: layer_1 ... layer_N)
 * is refused with a pointer to the one to import.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { SaeFormat } from '../../common/contract.js';
import { AppError } from '../../common/errors.js';
import { DICTIONARY_LEARNING_WEIGHTS_FILE } from '../../../native-models/sae/dictionary-learning-format.js';
import { OWN_CONFIG_FILE, readJson } from '../../../native-models/sae/sae-checkpoint.js';
import { SAELENS_WEIGHTS_FILE } from '../../../native-models/sae/saelens-format.js';

export type ConcreteSaeFormat = Exclude<SaeFormat, 'auto'>;

export function detectSaeFormat(path: string, layer?: number): ConcreteSaeFormat {
  if (!existsSync(path)) throw new AppError('not_found', `${path} does not exist.`);
  if (statSync(path).isFile()) {
    if (extname(path) === '.pt' || extname(path) === '.pth') return 'dictionary_learning';
    throw new AppError('bad_input', `${path} is a file; give an SAE folder (cfg.json + weights) or a dictionary_learning ae.pt.`);
  }
  const config = join(path, OWN_CONFIG_FILE);
  if (existsSync(config)) {
    const raw = readJson(config) as { format?: unknown };
    if (raw.format === 'audiosae-sae') return 'audiosae';
    if (existsSync(join(path, SAELENS_WEIGHTS_FILE))) return 'saelens';
  }
  if (existsSync(join(path, DICTIONARY_LEARNING_WEIGHTS_FILE))) return 'dictionary_learning';
  const layers = readdirSync(path).filter((n) => /^layer_\d+$/.test(n));
  if (layers.length > 0) {
    const pick = layer !== undefined && layers.includes(`layer_${layer}`) ? `layer_${layer}` : layers[0]!;
    throw new AppError('bad_input', `${path} holds one SAE per layer (${layers.length} folders like ${layers[0]}); import one of them, e.g. ${join(path, pick)}.`);
  }
  throw new AppError(
    'bad_input',
    `${path} holds no SAE checkpoint this app reads: expected cfg.json (AudioSAE Lab), cfg.json + ${SAELENS_WEIGHTS_FILE} (SAELens) or ${DICTIONARY_LEARNING_WEIGHTS_FILE} + config.json (dictionary_learning).`,
  );
}
