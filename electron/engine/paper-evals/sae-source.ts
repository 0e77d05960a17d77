/**
 * An SAE ready for an evaluation: its row, config, weights and inference selection, with the
 * checks every kind needs (complete, saved weights, a run of its model holding its layer).
 */
import type { ActivationRunSummary, SaeSummary } from '../../common/contract.js';
import { AppError } from '../../common/errors.js';
import { saeArchitecture } from '../../../native-models/sae/architecture-registry.js';
import { inferenceSelectionFor, type InferenceSelection } from '../../../native-models/sae/inference-graph.js';
import { loadSaeCheckpoint } from '../../../native-models/sae/sae-checkpoint.js';
import type { SaeConfig } from '../../../native-models/sae/sae-config.js';
import type { SaeWeights } from '../../../native-models/sae/sae-weights.js';
import { analysisRun } from '../analysis/feature-analyser.js';
import type { PaperEvalDeps } from './definition.js';

export interface LoadedSae {
  sae: SaeSummary;
  config: SaeConfig;
  weights: SaeWeights;
  selection: InferenceSelection;
}

/** The SAE row, or a clear error when it is missing, unfinished or has no weights. */
export function evaluableSae(deps: PaperEvalDeps, saeId: number): SaeSummary {
  const sae = deps.saes.get(saeId);
  if (!sae) throw new AppError('not_found', `No SAE with id ${saeId}.`);
  if (sae.status !== 'complete') throw new AppError('bad_input', `SAE ${sae.id} is ${sae.status}; finish its training (resume the job) before evaluating it.`);
  if (sae.checkpointPath === null) throw new AppError('bad_input', `SAE ${sae.id} has no saved weights.`);
  return sae;
}

/** The run `runId` checked against the SAE (same model, holds its layer, same width). */
export function runForSae(deps: PaperEvalDeps, sae: SaeSummary, runId: number): ActivationRunSummary {
  const run = deps.activations.get(runId);
  if (!run) throw new AppError('not_found', `No activation run with id ${runId}.`);
  if (run.modelId !== sae.modelId) {
    throw new AppError('bad_input', `Activation run ${runId} was extracted with model ${run.modelId}, but SAE ${sae.id} belongs to model ${sae.modelId}: pick a run of model ${sae.modelId}.`);
  }
  return analysisRun(deps.activations, sae, runId);
}

export async function loadSae(deps: PaperEvalDeps, saeId: number): Promise<LoadedSae> {
  const sae = evaluableSae(deps, saeId);
  const { config, weights } = await loadSaeCheckpoint(sae.checkpointPath!);
  return { sae, config, weights, selection: inferenceSelectionFor(saeArchitecture(config.architecture).inferenceSelection, config.k) };
}
