/**
 * Runs SAEs over an activation run's frames and gathers per-feature statistics, top clips and
 * quantile samples. SAEs of the same layer share each read of the shards; codes exist one batch
 * at a time (RAM: one batch of rows plus one of codes, whatever the run's size), except that the
 * sparse codes of pass 1 are kept for pass 2 within a fixed budget. Two passes: the second, for the
 * quantile samples, needs each feature's max from the first.
 */
import { AppError } from '../../common/errors.js';
import type { ExecutionDevice } from '../../../native-models/onnx/runtime.js';
import type { InferenceSelection } from '../../../native-models/sae/inference-graph.js';
import type { SaeWeights } from '../../../native-models/sae/sae-weights.js';
import type { ActivationSpan } from '../extraction/activations-repo.js';
import { readShardRows } from '../training/shuffled-batches.js';
import { densityHistogram, FeatureStatistics, type DensityHistogram, type FrameExample } from './feature-statistics.js';
import { QuantileSampler, type QuantileExample } from './quantile-sampler.js';
import { rowRefs, shardRowMap, type RowRefs } from './shard-rows.js';
import { createCodeEncoder, type CodeEncoder, type SparseCodes } from './sparse-codes.js';

export interface AnalysisShard {
  path: string;
  /** For messages, e.g. the file name. */
  name: string;
  frames: number;
  spans: readonly ActivationSpan[];
}

export interface SaeToAnalyse {
  saeId: number;
  layer: number;
  weights: SaeWeights;
  selection: InferenceSelection;
}

export interface AnalysisInput {
  shards: readonly AnalysisShard[];
  dModel: number;
  frameRateHz: number;
  saes: readonly SaeToAnalyse[];
  topN: number;
  quantileSamples: number;
  /** Seeds the quantile reservoirs. */
  seed?: number;
  /** Rows per encoder call. */
  batchRows?: number;
  device?: ExecutionDevice;
  /** RAM for pass 1's codes, reused by pass 2 instead of encoding again (default DEFAULT_CODE_CACHE_BYTES; 0: always encode again). */
  codeCacheBytes?: number;
  /** Frames encoded so far (x SAEs, x passes) of `total`. */
  onProgress?: (done: number, total: number, message: string) => void;
  throwIfCancelled?: () => void;
}

export interface SaeFeatureAnalysis {
  saeId: number;
  frames: number;
  density: Float64Array;
  /** Mean over the frames it fired on; 0 when dead. */
  meanActivation: Float64Array;
  maxActivation: Float32Array;
  top: FrameExample[][];
  quantiles: QuantileExample[][];
  histogram: DensityHistogram;
}

export const DEFAULT_ANALYSIS_BATCH_ROWS = 4096;
/** Sparse codes of pass 1 kept in RAM for pass 2, per layer; ~670k frames of one SAE at k 50. */
export const DEFAULT_CODE_CACHE_BYTES = 256 * 1024 * 1024;

export async function analyseSaes(input: AnalysisInput): Promise<SaeFeatureAnalysis[]> {
  const batchRows = input.batchRows ?? DEFAULT_ANALYSIS_BATCH_ROWS;
  for (const sae of input.saes) {
    if (sae.weights.dIn !== input.dModel) {
      throw new AppError('bad_input', `SAE ${sae.saeId} reads ${sae.weights.dIn}-wide activations but the run's layers are ${input.dModel} wide: analyse it on a run of the model it was trained for.`);
    }
  }
  const frames = input.shards.reduce((n, s) => n + s.frames, 0);
  if (frames === 0) throw new AppError('bad_input', 'The activation run holds no frames to analyse.');
  const passes = input.quantileSamples > 0 ? 2 : 1;
  const total = frames * input.saes.length * passes;
  let done = 0;
  const layers = [...new Set(input.saes.map((s) => s.layer))].sort((a, b) => a - b);
  const results = new Map<number, SaeFeatureAnalysis>();

  for (const layer of layers) {
    const group = input.saes.filter((s) => s.layer === layer);
    const encoders: CodeEncoder[] = [];
    try {
      for (const sae of group) encoders.push(await createCodeEncoder(sae.weights, sae.selection, input.device));
      const message = (pass: number) => `layer ${layer}, ${group.length} SAE${group.length === 1 ? '' : 's'}: ${pass === 1 ? 'statistics' : 'quantile samples'} (pass ${pass}/${passes})`;
      const sweep = async (pass: number, consume: (index: number, codes: SparseCodes, refs: RowRefs) => void) => {
        await forEachBatch(input, layer, batchRows, async (x, refs) => {
          for (const [i, encoder] of encoders.entries()) consume(i, await encoder.run(x), refs);
          done += refs.clipIds.length * group.length;
          input.onProgress?.(done, total, message(pass));
        });
      };
      const stats = group.map((s) => new FeatureStatistics(s.weights.dSae, input.topN));
      // Pass 1's codes, kept for pass 2 while they fit the budget (then pass 2 encodes again).
      let cache: { codes: SparseCodes[]; refs: RowRefs }[] | null = passes === 2 ? [] : null;
      let cachedBytes = 0;
      await sweep(1, (i, codes, refs) => {
        stats[i]!.add(codes, refs);
        if (cache === null) return;
        if (i === 0) cache.push({ codes: [], refs });
        cache.at(-1)!.codes.push(codes);
        cachedBytes += codes.values.byteLength + codes.features.byteLength + codes.rowStart.byteLength + (i === 0 ? refs.clipIds.length * 16 : 0);
        if (cachedBytes > (input.codeCacheBytes ?? DEFAULT_CODE_CACHE_BYTES)) cache = null;
      });
      const samplers = group.map((s, i) => new QuantileSampler(s.weights.dSae, stats[i]!.max, input.quantileSamples, (input.seed ?? 0) + s.saeId));
      if (passes === 2 && cache !== null) {
        for (const batch of cache) {
          input.throwIfCancelled?.();
          batch.codes.forEach((codes, i) => samplers[i]!.add(codes, batch.refs));
          done += batch.refs.clipIds.length * group.length;
          input.onProgress?.(done, total, message(2));
        }
        input.throwIfCancelled?.();
      } else if (passes === 2) {
        await sweep(2, (i, codes, refs) => samplers[i]!.add(codes, refs));
      }
      group.forEach((sae, i) => results.set(sae.saeId, summarise(sae, stats[i]!, samplers[i]!)));
    } finally {
      for (const encoder of encoders) await encoder.dispose();
    }
  }
  return input.saes.map((s) => results.get(s.saeId)!);
}

async function forEachBatch(input: AnalysisInput, layer: number, batchRows: number, fn: (x: Float32Array, refs: RowRefs) => Promise<void>): Promise<void> {
  for (const shard of input.shards) {
    if (shard.frames === 0) continue;
    const map = shardRowMap(shard.name, shard.frames, shard.spans, input.frameRateHz);
    for (let start = 0; start < shard.frames; start += batchRows) {
      input.throwIfCancelled?.();
      const end = Math.min(shard.frames, start + batchRows);
      const x = await readShardRows(shard.path, layer, input.dModel, start, end);
      await fn(x, rowRefs(map, start, end));
    }
  }
  input.throwIfCancelled?.();
}

function summarise(sae: SaeToAnalyse, stats: FeatureStatistics, sampler: QuantileSampler): SaeFeatureAnalysis {
  const { dSae } = sae.weights;
  const density = new Float64Array(dSae);
  const meanActivation = new Float64Array(dSae);
  for (let j = 0; j < dSae; j++) {
    const n = stats.counts[j]!;
    density[j] = n / stats.frames;
    meanActivation[j] = n > 0 ? stats.sums[j]! / n : 0;
  }
  return {
    saeId: sae.saeId,
    frames: stats.frames,
    density,
    meanActivation,
    maxActivation: stats.max,
    top: stats.top(),
    quantiles: Array.from({ length: dSae }, (_, j) => sampler.examples(j)),
    histogram: densityHistogram(density),
  };
}
