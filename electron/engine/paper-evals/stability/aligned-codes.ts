/**
 * Codes of two SAEs of different models on the same moments of the same audio: frames of run A
 * are sampled evenly (every s-th row, at most `maxFrames`), each is paired with the frame of run B
 * of the same clip nearest in time (frame rates may differ), dropped when B has no frame within
 * one frame period of it; then both SAEs encode their runs and keep the paired rows, in pair order.
 */
import type { ActivationRunSummary } from '../../../common/contract.js';
import { AppError } from '../../../common/errors.js';
import { shardRowMap } from '../../analysis/shard-rows.js';
import type { SparseCodes } from '../../analysis/sparse-codes.js';
import type { ActivationsRepo } from '../../extraction/activations-repo.js';
import type { PaperEvalTuning } from '../definition.js';
import { runCodeBatches, runShards } from '../run-codes.js';
import type { LoadedSae } from '../sae-source.js';

export interface AlignedCodes {
  a: SparseCodes;
  b: SparseCodes;
  frames: number;
}

interface ClipFrames {
  times: number[];
  rows: number[];
}

/** Run rows per clip, sorted by time, without reading activations. */
function framesByClip(activations: ActivationsRepo, run: ActivationRunSummary): Map<number, ClipFrames> {
  const byClip = new Map<number, ClipFrames>();
  let offset = 0;
  for (const shard of runShards(activations, run)) {
    if (shard.frames === 0) continue;
    const map = shardRowMap(shard.name, shard.frames, shard.spans, run.frameRateHz);
    for (let r = 0; r < shard.frames; r++) {
      let clip = byClip.get(map.clipIds[r]!);
      if (!clip) byClip.set(map.clipIds[r]!, (clip = { times: [], rows: [] }));
      clip.times.push(map.times[r]!);
      clip.rows.push(offset + r);
    }
    offset += shard.frames;
  }
  for (const clip of byClip.values()) {
    const order = clip.times.map((_, i) => i).sort((x, y) => clip.times[x]! - clip.times[y]!);
    clip.times = order.map((i) => clip.times[i]!);
    clip.rows = order.map((i) => clip.rows[i]!);
  }
  return byClip;
}

export function nearestFrame(clip: ClipFrames, time: number): number {
  let lo = 0;
  let hi = clip.times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (clip.times[mid]! < time) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(clip.times[lo - 1]! - time) <= Math.abs(clip.times[lo]! - time)) lo--;
  return lo;
}

class CodeRows {
  private rowStart: number[] = [0];
  private features: number[] = [];
  private values: number[] = [];

  push(codes: SparseCodes, row: number): void {
    for (let e = codes.rowStart[row]!; e < codes.rowStart[row + 1]!; e++) {
      this.features.push(codes.features[e]!);
      this.values.push(codes.values[e]!);
    }
    this.rowStart.push(this.features.length);
  }

  toCodes(): SparseCodes {
    return { rows: this.rowStart.length - 1, rowStart: Int32Array.from(this.rowStart), features: Int32Array.from(this.features), values: Float32Array.from(this.values) };
  }
}

export async function alignedCodes(
  activations: ActivationsRepo,
  runA: ActivationRunSummary,
  saeA: LoadedSae,
  runB: ActivationRunSummary,
  saeB: LoadedSae,
  maxFrames: number,
  options: { tuning?: PaperEvalTuning; throwIfCancelled?: () => void } = {},
): Promise<AlignedCodes> {
  if (runA.datasetId !== runB.datasetId) {
    throw new AppError('bad_input', `Activation runs ${runA.id} and ${runB.id} come from different datasets (${runA.datasetId} and ${runB.datasetId}): extract both models on the same dataset to correlate their features.`);
  }
  const framesOfB = framesByClip(activations, runB);
  const tolerance = 1 / Math.min(runA.frameRateHz, runB.frameRateHz);
  const stride = Math.max(1, Math.ceil(runA.frames / maxFrames));
  const codesA = new CodeRows();
  const pairedRowsOfB: number[] = [];
  let row = 0;
  for await (const batch of runCodeBatches(activations, runA, saeA, options)) {
    for (let r = 0; r < batch.codes.rows; r++, row++) {
      if (row % stride !== 0) continue;
      const clip = framesOfB.get(batch.clipIds[r]!);
      if (!clip) continue;
      const nearest = nearestFrame(clip, batch.times[r]!);
      if (Math.abs(clip.times[nearest]! - batch.times[r]!) > tolerance) continue;
      codesA.push(batch.codes, r);
      pairedRowsOfB.push(clip.rows[nearest]!);
    }
  }
  // Rows of B in run order, each kept once even when several A frames pair with it.
  const wanted = [...new Set(pairedRowsOfB)].sort((x, y) => x - y);
  const keptAt = new Map<number, number>();
  const keptB = new CodeRows();
  let cursor = 0;
  row = 0;
  for await (const batch of runCodeBatches(activations, runB, saeB, options)) {
    for (let r = 0; r < batch.codes.rows && cursor < wanted.length; r++, row++) {
      if (row !== wanted[cursor]) continue;
      keptAt.set(row, cursor++);
      keptB.push(batch.codes, r);
    }
    if (cursor === wanted.length) break;
  }
  const kept = keptB.toCodes();
  const codesB = new CodeRows();
  for (const rowOfB of pairedRowsOfB) codesB.push(kept, keptAt.get(rowOfB)!);
  const a = codesA.toCodes();
  return { a, b: codesB.toCodes(), frames: a.rows };
}
