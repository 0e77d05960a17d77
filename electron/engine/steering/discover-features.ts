/**
 * One read of the runs' shards through the SAE's encoder (codes only), gathering per-feature frame
 * tallies of each set and each clip's max activation per feature (clip pooling), then the scores:
 * firing rates and means per frame, AUROC and a logistic probe on the clip-pooled values.
 * RAM: one batch of rows and codes, plus the clip-pooled sparse vectors (features fired per clip).
 */
import type { DiscoveryScore } from '../../common/contract.js';
import { AppError } from '../../common/errors.js';
import type { ExecutionDevice } from '../../../native-models/onnx/runtime.js';
import type { InferenceSelection } from '../../../native-models/sae/inference-graph.js';
import type { SaeWeights } from '../../../native-models/sae/sae-weights.js';
import type { AnalysisShard } from '../analysis/analyse-saes.js';
import { rowRefs, shardRowMap } from '../analysis/shard-rows.js';
import { createCodeEncoder } from '../analysis/sparse-codes.js';
import { readShardRows } from '../training/shuffled-batches.js';
import { newFrameTally } from './discrimination-scores.js';
import { clipAurocs, rankFeatures, type FeatureScores } from './feature-ranking.js';
import { heldOutSplit, probeAccuracy, trainLogisticProbe, type SparseSample } from './logistic-probe.js';

export interface DiscoveryRun {
  shards: readonly AnalysisShard[];
  frameRateHz: number;
  /** 1: the clip belongs to the positive (non-speech) set, 0: the negative (speech) set. */
  classOf(clipId: number): 0 | 1;
}

export interface DiscoveryInput {
  runs: readonly DiscoveryRun[];
  layer: number;
  dModel: number;
  weights: SaeWeights;
  selection: InferenceSelection;
  score: DiscoveryScore;
  l2: number;
  iterations: number;
  heldOutFraction: number;
  seed: number;
  batchRows?: number;
  device?: ExecutionDevice;
  onProgress?: (done: number, total: number, message: string) => void;
  throwIfCancelled?: () => void;
}

export interface DiscoveryOutput {
  scores: FeatureScores[];
  heldOutAccuracy: number | null;
  positive: { clips: number; frames: number };
  negative: { clips: number; frames: number };
}

/** A clip's max activation per feature, as a sparse sample (features in increasing order). */
function toSample(pooled: Map<number, number>, label: 0 | 1): SparseSample {
  const features = Int32Array.from([...pooled.keys()].sort((a, b) => a - b));
  return { features, values: Float32Array.from(features, (j) => pooled.get(j)!), label };
}

export async function discoverFeatures(input: DiscoveryInput): Promise<DiscoveryOutput> {
  const width = input.weights.dSae;
  const batchRows = input.batchRows ?? 4096;
  const tallies = [newFrameTally(width), newFrameTally(width)] as const; // [negative, positive]
  const total = input.runs.reduce((n, r) => n + r.shards.reduce((m, s) => m + s.frames, 0), 0);
  const samples: SparseSample[] = [];
  let done = 0;
  const encoder = await createCodeEncoder(input.weights, input.selection, input.device);
  try {
    for (const [runIndex, run] of input.runs.entries()) {
      const pooled = new Map<number, { label: 0 | 1; max: Map<number, number> }>();
      for (const shard of run.shards) {
        if (shard.frames === 0) continue;
        const map = shardRowMap(shard.name, shard.frames, shard.spans, run.frameRateHz);
        for (let start = 0; start < shard.frames; start += batchRows) {
          input.throwIfCancelled?.();
          const end = Math.min(shard.frames, start + batchRows);
          const codes = await encoder.run(await readShardRows(shard.path, input.layer, input.dModel, start, end));
          const { clipIds } = rowRefs(map, start, end);
          for (let r = 0; r < codes.rows; r++) {
            const clipId = clipIds[r]!;
            let clip = pooled.get(clipId);
            if (!clip) pooled.set(clipId, (clip = { label: run.classOf(clipId), max: new Map() }));
            const tally = tallies[clip.label];
            tally.frames++;
            for (let t = codes.rowStart[r]!; t < codes.rowStart[r + 1]!; t++) {
              const j = codes.features[t]!;
              const v = codes.values[t]!;
              if (!(v > 0)) continue;
              tally.fired[j]!++;
              tally.sums[j]! += v;
              if (v > (clip.max.get(j) ?? 0)) clip.max.set(j, v);
            }
          }
          done += end - start;
          input.onProgress?.(done, total, `run ${runIndex + 1} of ${input.runs.length}: encoding frames`);
        }
      }
      for (const clip of pooled.values()) samples.push(toSample(clip.max, clip.label));
    }
  } finally {
    await encoder.dispose();
  }
  const positiveClips = samples.filter((s) => s.label === 1).length;
  const negativeClips = samples.length - positiveClips;
  if (positiveClips === 0 || negativeClips === 0) {
    throw new AppError('bad_input', `The ${positiveClips === 0 ? 'non-speech' : 'speech'} set holds no frames: give activation runs (or a label) with clips on both sides.`);
  }
  input.onProgress?.(done, total, 'training the logistic probe');
  const { train, heldOut } = heldOutSplit(samples, input.heldOutFraction, input.seed);
  const fit = trainLogisticProbe(train, width, { l2: input.l2, iterations: input.iterations }, input.throwIfCancelled);
  input.throwIfCancelled?.();
  return {
    scores: rankFeatures({ neg: tallies[0], pos: tallies[1], aurocs: clipAurocs(samples, width), probeWeights: fit.weights, score: input.score }),
    heldOutAccuracy: heldOut.length > 0 ? probeAccuracy(fit, heldOut) : null,
    positive: { clips: positiveClips, frames: tallies[1].frames },
    negative: { clips: negativeClips, frames: tallies[0].frames },
  };
}
