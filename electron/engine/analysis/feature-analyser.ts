/**
 * Analyses SAEs on an activation run and stores the result: validation of the pair, the passes
 * over the shards (analyse-saes.ts), suggested labels from the dataset labels of each feature's
 * top clips, and one transaction per SAE. Used by the `saes.analyze` job and by training's last phase.
 */
import { join } from 'node:path';
import type { ActivationRunSummary, SaeSummary } from '../../common/contract.js';
import { AppError } from '../../common/errors.js';
import type { ExecutionDevice } from '../../../native-models/onnx/runtime.js';
import { saeArchitecture } from '../../../native-models/sae/architecture-registry.js';
import { inferenceSelectionFor } from '../../../native-models/sae/inference-graph.js';
import type { SaeWeights } from '../../../native-models/sae/sae-weights.js';
import type { ActivationsRepo } from '../extraction/activations-repo.js';
import { enrichment, suggestedLabel } from '../features/enrichment.js';
import type { AnalysisRepo, FeatureExampleRecord, FeatureStatRecord } from './analysis-repo.js';
import { analyseSaes, type SaeFeatureAnalysis } from './analyse-saes.js';

/** Defaults of `saes.analyze`, also used by training's analysis phase. */
export const DEFAULT_TOP_N = 20;
export const DEFAULT_QUANTILE_SAMPLES = 5;

export interface FeatureAnalyserOptions {
  device?: ExecutionDevice;
  /** Rows per encoder call (default 4096). */
  batchRows?: number;
  /** Called after each SAE's analysis is stored. */
  onStored?: (saeId: number) => void;
}

export interface SaeForAnalysis {
  saeId: number;
  layer: number;
  architecture: string;
  k: number;
  weights: SaeWeights;
}

export interface AnalyseRequest {
  run: ActivationRunSummary;
  saes: readonly SaeForAnalysis[];
  topN: number;
  quantileSamples: number;
  jobId: number | null;
  onProgress?: (done: number, total: number, message: string) => void;
  throwIfCancelled?: () => void;
}

export interface AnalyseResult {
  saeIds: number[];
  runId: number;
  frames: number;
  seconds: number;
  /** Frames x SAEs x passes per second. */
  framesPerSecond: number;
}

/** The run to analyse `sae` on, or a clear error: explicit for imported SAEs, the SAE's own otherwise. */
export function analysisRun(activations: ActivationsRepo, sae: SaeSummary, runId: number | undefined): ActivationRunSummary {
  if (sae.status !== 'complete') throw new AppError('bad_input', `SAE ${sae.id} is ${sae.status}; finish its training (resume the job) before analysing it.`);
  const id = runId ?? sae.runId;
  if (id === null) throw new AppError('bad_input', `SAE ${sae.id} was imported and has no activation run: pass runId (a run of model ${sae.modelId} holding layer ${sae.layer}).`);
  const run = activations.get(id);
  if (!run) throw new AppError('not_found', `No activation run with id ${id}.`);
  if (run.status !== 'complete') throw new AppError('bad_input', `Activation run ${id} is ${run.status}; finish its extraction (resume the job) before analysing on it.`);
  if (run.frames === 0) throw new AppError('bad_input', `Activation run ${id} holds no frames to analyse.`);
  if (!run.layers.includes(sae.layer)) throw new AppError('bad_input', `SAE ${sae.id} reads layer ${sae.layer}, which activation run ${id} does not hold (it has layers ${run.layers.join(', ')}).`);
  const dIn = sae.config['dIn'];
  if (typeof dIn === 'number' && dIn !== run.dModel) {
    throw new AppError('bad_input', `SAE ${sae.id} reads ${dIn}-wide activations but activation run ${id} is ${run.dModel} wide: pick a run of the model it was trained for.`);
  }
  return run;
}

export async function analyseAndStore(activations: ActivationsRepo, analyses: AnalysisRepo, options: FeatureAnalyserOptions, request: AnalyseRequest): Promise<AnalyseResult> {
  const { run } = request;
  const started = performance.now();
  const shards = activations.shardFiles(run.id).map((s) => ({ path: join(run.dir, s.file), name: s.file, frames: s.frames, spans: activations.spansOfShard(run.id, s.shardIndex) }));
  const results = await analyseSaes({
    shards,
    dModel: run.dModel,
    frameRateHz: run.frameRateHz,
    saes: request.saes.map((s) => ({ saeId: s.saeId, layer: s.layer, weights: s.weights, selection: inferenceSelectionFor(saeArchitecture(s.architecture).inferenceSelection, s.k) })),
    topN: request.topN,
    quantileSamples: request.quantileSamples,
    batchRows: options.batchRows,
    device: options.device,
    onProgress: request.onProgress,
    throwIfCancelled: request.throwIfCancelled,
  });
  request.throwIfCancelled?.();
  const labels = analyses.clipLabels(run.datasetId);
  const base = analyses.labelBase(run.datasetId);
  for (const result of results) {
    const stats = featureStats(result, (clipIds) => suggestedLabel(enrichment(clipIds.map((id) => labels.get(id) ?? {}), base)));
    analyses.replace({ saeId: result.saeId, runId: run.id, frames: result.frames, topN: request.topN, histogram: result.histogram, jobId: request.jobId }, stats, featureExamples(result));
    options.onStored?.(result.saeId);
  }
  const seconds = (performance.now() - started) / 1000;
  const encoded = run.frames * results.length * (request.quantileSamples > 0 ? 2 : 1);
  return { saeIds: results.map((r) => r.saeId), runId: run.id, frames: run.frames, seconds, framesPerSecond: encoded / Math.max(seconds, 1e-9) };
}

function featureStats(result: SaeFeatureAnalysis, label: (topClipIds: number[]) => string | null): FeatureStatRecord[] {
  return Array.from(result.density, (density, feature) => ({
    feature,
    density,
    meanActivation: result.meanActivation[feature]!,
    maxActivation: result.maxActivation[feature]!,
    suggestedLabel: result.top[feature]!.length > 0 ? label(result.top[feature]!.map((e) => e.clipId)) : null,
  }));
}

function featureExamples(result: SaeFeatureAnalysis): FeatureExampleRecord[] {
  const rows: FeatureExampleRecord[] = [];
  result.top.forEach((examples, feature) => examples.forEach((e, rank) => rows.push({ feature, kind: 'top', rank, ...e, quantile: null })));
  result.quantiles.forEach((examples, feature) => examples.forEach((e, rank) => rows.push({ feature, kind: 'quantile', rank, ...e })));
  return rows;
}
