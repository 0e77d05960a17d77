/**
 * Streams an activation run through an SAE's encoder, batch by batch: which clip, frame and time
 * each row is, and the codes of the rows (only the latents that fired). RAM: one batch.
 */
import { join } from 'node:path';
import type { ActivationRunSummary } from '../../common/contract.js';
import type { AnalysisShard } from '../analysis/analyse-saes.js';
import { rowRefs, shardRowMap, type RowRefs } from '../analysis/shard-rows.js';
import { createCodeEncoder, type SparseCodes } from '../analysis/sparse-codes.js';
import type { ActivationsRepo } from '../extraction/activations-repo.js';
import { readShardRows } from '../training/shuffled-batches.js';
import type { PaperEvalTuning } from './definition.js';
import type { LoadedSae } from './sae-source.js';

export interface RowBatch extends RowRefs {
  /** Row-major [rows, dModel] activations of the layer. */
  rows: Float32Array;
}

export interface CodeBatch extends RowRefs {
  codes: SparseCodes;
}

export interface StreamOptions {
  tuning?: PaperEvalTuning;
  throwIfCancelled?: () => void;
  /** Called after each batch with the run's rows done so far. */
  onRows?: (done: number, total: number) => void;
}

export function runShards(activations: ActivationsRepo, run: ActivationRunSummary): AnalysisShard[] {
  return activations.shardFiles(run.id).map((s) => ({ path: join(run.dir, s.file), name: s.file, frames: s.frames, spans: activations.spansOfShard(run.id, s.shardIndex) }));
}

/** The layer's activations of every row of the run, in shard order. */
export async function* runRowBatches(activations: ActivationsRepo, run: ActivationRunSummary, layer: number, options: StreamOptions = {}): AsyncGenerator<RowBatch> {
  const batchRows = options.tuning?.batchRows ?? 4096;
  let done = 0;
  for (const shard of runShards(activations, run)) {
    if (shard.frames === 0) continue;
    const map = shardRowMap(shard.name, shard.frames, shard.spans, run.frameRateHz);
    for (let start = 0; start < shard.frames; start += batchRows) {
      options.throwIfCancelled?.();
      const end = Math.min(shard.frames, start + batchRows);
      const rows = await readShardRows(shard.path, layer, run.dModel, start, end);
      yield { ...rowRefs(map, start, end), rows };
      done += end - start;
      options.onRows?.(done, run.frames);
    }
  }
}

/** The SAE's codes of every row of the run (at the SAE's layer). */
export async function* runCodeBatches(activations: ActivationsRepo, run: ActivationRunSummary, sae: LoadedSae, options: StreamOptions = {}): AsyncGenerator<CodeBatch> {
  const encoder = await createCodeEncoder(sae.weights, sae.selection, options.tuning?.device);
  try {
    for await (const batch of runRowBatches(activations, run, sae.sae.layer, options)) {
      const codes = await encoder.run(batch.rows);
      yield { clipIds: batch.clipIds, frames: batch.frames, times: batch.times, codes };
    }
  } finally {
    await encoder.dispose();
  }
}
