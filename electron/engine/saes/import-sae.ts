/**
 * saes.import: reads an SAE checkpoint (own, SAELens or dictionary_learning), checks it fits the
 * model layer, copies it into `<saesDir>/<id>/final/` in our own format and registers it as a
 * complete, imported SAE, carrying over the labels of an earlier SAE with the same weights.
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ModelRow, SaeFormat, SaeSummary } from '../../common/contract.js';
import { AppError } from '../../common/errors.js';
import { importDictionaryLearning } from '../../../native-models/sae/dictionary-learning-format.js';
import { loadSaeCheckpoint, saveSaeCheckpoint } from '../../../native-models/sae/sae-checkpoint.js';
import type { SaeConfig } from '../../../native-models/sae/sae-config.js';
import type { SaeWeights } from '../../../native-models/sae/sae-weights.js';
import { importSaeLens } from '../../../native-models/sae/saelens-format.js';
import type { ModelsRepo } from '../store/models-repo.js';
import type { SaesRepo } from '../training/saes-repo.js';
import { detectSaeFormat, type ConcreteSaeFormat } from './detect-sae-format.js';
import { type SaeIoRepo, weightsFingerprint } from './sae-io-repo.js';

const FORMAT_NAMES: Record<ConcreteSaeFormat, string> = { audiosae: 'AudioSAE Lab', saelens: 'SAELens', dictionary_learning: 'dictionary_learning' };

export interface SaeImportDeps {
  models: ModelsRepo;
  saes: SaesRepo;
  io: SaeIoRepo;
  saesDir: string;
}

export interface SaeImportParams {
  path: string;
  format: SaeFormat;
  modelId: number;
  layer: number;
}

async function readCheckpoint(path: string, format: ConcreteSaeFormat): Promise<{ config: SaeConfig; weights: SaeWeights }> {
  if (format === 'audiosae') return loadSaeCheckpoint(path);
  if (format === 'saelens') return importSaeLens(path);
  return importDictionaryLearning(path);
}

/** The model and layer an SAE is imported for must exist and be as wide as the SAE's input. */
export function checkFitsLayer(model: ModelRow, layer: number, dIn: number, path: string): void {
  if (layer > model.layers) {
    throw new AppError('bad_input', `${model.repoId} has ${model.layers} layers (0-${model.layers}); layer ${layer} does not exist.`);
  }
  if (dIn !== model.dModel) {
    throw new AppError(
      'bad_input',
      `The SAE in ${path} reads ${dIn}-wide activations (d_in), but layer ${layer} of ${model.repoId} is ${model.dModel} wide (d_model). Pick an SAE trained on this model.`,
      { saeDIn: dIn, layerWidth: model.dModel },
    );
  }
}

/** NaN or infinite weights (a diverged run, a corrupt file) would poison every evaluation; refuse them. */
export function checkFiniteWeights(weights: SaeWeights, path: string): void {
  for (const name of ['W_enc', 'b_enc', 'W_dec', 'b_dec', 'threshold'] as const) {
    const values = weights[name];
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) {
        throw new AppError('bad_input', `The SAE in ${path} has a non-finite value (${values[i]}) in ${name} at index ${i}: the checkpoint is corrupt or its training diverged. Re-export it from a good checkpoint.`);
      }
    }
  }
}

export async function importSae(deps: SaeImportDeps, params: SaeImportParams): Promise<SaeSummary> {
  const path = resolve(params.path);
  const detected = detectSaeFormat(path, params.layer);
  if (params.format !== 'auto' && params.format !== detected) {
    throw new AppError('bad_input', `${path} holds an SAE in ${FORMAT_NAMES[detected]} format (not ${FORMAT_NAMES[params.format]}); import it with format auto or ${detected}.`);
  }
  const format = detected;
  const model = deps.models.get(params.modelId);
  if (model === undefined) throw new AppError('not_found', `No model with id ${params.modelId}; download it first (audiosae models download).`);
  const { config, weights } = await readCheckpoint(path, format);
  checkFitsLayer(model, params.layer, config.dIn, path);
  checkFiniteWeights(weights, path);
  const fingerprint = weightsFingerprint(weights, config.architecture);
  const stored: SaeConfig = { ...config, hookName: `layer_${params.layer}`, modelName: model.repoId };
  const id = deps.io.insert({
    modelId: model.id,
    layer: params.layer,
    architecture: config.architecture,
    k: config.k,
    width: config.dSae,
    seed: config.seed,
    config: stored,
    sourceFormat: format,
    sourcePath: path,
    fingerprint,
  });
  const folder = join(deps.saesDir, String(id), 'final');
  try {
    saveSaeCheckpoint(folder, stored, weights);
    deps.io.complete(id, folder, fingerprint);
  } catch (error) {
    rmSync(join(deps.saesDir, String(id)), { recursive: true, force: true });
    deps.io.remove(id);
    throw error;
  }
  return deps.saes.get(id)!;
}
