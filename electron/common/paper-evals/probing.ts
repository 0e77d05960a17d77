/**
 * Classification probing and unlearning (AudioSAE paper): features ranked per class, logistic
 * probes on the top-k for a k sweep, the k needed to reach a share of the full probe's accuracy,
 * and unlearning curves (a class's top features removed). Audio level (clip max-pooled codes) or
 * frame level; one SAE per layer gives the curves across layers.
 */
import { z } from 'zod';
import { labelKeyName, rowId, saeIdList, seed, type PaperReference } from './shared.js';

export const PROBING_LEVELS = ['audio', 'frame'] as const;

export const probingParams = z
  .object({
    runId: rowId,
    saeIds: saeIdList,
    /** The clip label holding the class (e.g. `category`, `folder`, `speaker_sex`). */
    labelKey: labelKeyName,
    /** Restrict to these values (default: every value with enough samples). */
    classes: z.array(z.string().min(1).max(200)).min(2).max(1000).optional(),
    level: z.enum(PROBING_LEVELS).default('audio'),
    kSweep: z.array(z.number().int().min(1).max(1_000_000)).min(1).max(64).default([1, 2, 5, 10, 20, 50, 100, 150, 200, 500, 1000, 2000, 3000]),
    folds: z.number().int().min(2).max(20).default(5),
    targetShare: z.number().min(0.1).max(1).default(0.9),
    unlearning: z.boolean().default(true),
    /** frame level: frames sampled per class (seeded). */
    maxFramesPerClass: z.number().int().min(10).max(1_000_000).default(20_000),
    l2: z.number().min(0).max(100).default(1e-3),
    iterations: z.number().int().min(10).max(10_000).default(200),
    seed,
  })
  .strict();
export type ProbingParams = z.output<typeof probingParams>;

export interface ProbingLayerResult {
  saeId: number;
  layer: number;
  width: number;
  samples: number;
  fullAccuracy: number;
  sweep: { k: number; accuracy: number }[];
  kToTarget: number | null;
  perClass: { className: string; samples: number; topFeatures: number[]; unlearning: { k: number; classAccuracy: number; overallAccuracy: number }[] }[];
}

export interface ProbingEvalResult {
  level: (typeof PROBING_LEVELS)[number];
  task: 'binary' | 'multiclass';
  classes: string[];
  targetShare: number;
  layers: ProbingLayerResult[];
  reference: PaperReference;
}
