/**
 * Per-frame feature activations over one clip: the clip's rows of the SAE's layer, read from the
 * analysed run's shards through its activation spans, encoded with the SAE.
 */
import { join } from 'node:path';
import type { ActivationRunSummary } from '../../common/contract.js';
import { AppError } from '../../common/errors.js';
import type { SaeEncoder } from '../../../native-models/sae/inference-graph.js';
import type { ActivationsRepo } from '../extraction/activations-repo.js';
import { readShardRows } from '../training/shuffled-batches.js';

/** Rows encoded per ONNX call, so a long clip does not build one huge [frames, dSae] tensor. */
const ENCODE_ROWS = 2048;

export interface ClipCodes {
  startSec: number;
  frames: number;
  dSae: number;
  /** Row-major [frames, dSae]. */
  codes: Float32Array;
}

export async function clipCodes(activations: ActivationsRepo, run: ActivationRunSummary, layer: number, clipId: number, encoder: SaeEncoder, dSae: number): Promise<ClipCodes> {
  const spans = activations.spansOfClip(run.id, clipId);
  if (spans.length === 0) throw new AppError('not_found', `Clip ${clipId} is not in activation run ${run.id} (the run this SAE was analysed on); pick a clip of dataset ${run.datasetId}.`);
  const files = new Map(activations.shardFiles(run.id).map((s) => [s.shardIndex, s.file]));
  const first = spans[0]!.firstFrame;
  const frames = Math.max(...spans.map((s) => s.firstFrame + s.frames)) - first;
  const dIn = run.dModel;
  const x = new Float32Array(frames * dIn);
  for (const span of spans) {
    const file = files.get(span.shardIndex);
    if (file === undefined) throw new AppError('not_found', `Activation shard ${span.shardIndex} of run ${run.id} is not recorded; re-extract the run.`);
    const rows = await readShardRows(join(run.dir, file), layer, dIn, span.rowOffset, span.rowOffset + span.frames);
    x.set(rows, (span.firstFrame - first) * dIn);
  }
  const codes = new Float32Array(frames * dSae);
  for (let start = 0; start < frames; start += ENCODE_ROWS) {
    const end = Math.min(frames, start + ENCODE_ROWS);
    const out = await encoder.run(x.subarray(start * dIn, end * dIn));
    codes.set(out.codes, start * dSae);
  }
  return { startSec: spans[0]!.startSec, frames, dSae, codes };
}

/** The given features' per-frame values, or the `limit` features with the highest peak on the clip (dead on it left out), strongest first. */
export function pickFeatures(clip: ClipCodes, features: readonly number[] | undefined, limit: number): { feature: number; max: number; values: number[] }[] {
  const { frames, dSae, codes } = clip;
  const max = new Float32Array(dSae);
  for (let f = 0; f < frames; f++) {
    const row = f * dSae;
    for (let j = 0; j < dSae; j++) if (codes[row + j]! > max[j]!) max[j] = codes[row + j]!;
  }
  let chosen: number[];
  if (features) {
    const outside = features.find((f) => f >= dSae);
    if (outside !== undefined) throw new AppError('invalid_params', `Feature ${outside} does not exist: this SAE has ${dSae} features (0..${dSae - 1}).`);
    chosen = [...new Set(features)];
  } else {
    chosen = Array.from({ length: dSae }, (_, j) => j)
      .filter((j) => max[j]! > 0)
      .sort((a, b) => max[b]! - max[a]! || a - b)
      .slice(0, limit);
  }
  return chosen
    .map((feature) => ({ feature, max: max[feature]!, values: Array.from({ length: frames }, (_, f) => codes[f * dSae + feature]!) }))
    .sort((a, b) => b.max - a.max || a.feature - b.feature);
}
