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
    /** Probe training stops once an iteration lowers the loss by less than this share of it (0: run every iteration). */
    tolerance: z.number().min(0).max(0.01).default(1e-6),
    seed,
  })
  .strict();
export type ProbingParams = z.output<typeof probingParams>;

export interface ProbingUnlearningPoint {
  /** Top features of the class removed. */
  k: number;
  /** The class's held-out recall with them removed (probe retrained on the rest). */
  classAccuracy: number;
  overallAccuracy: number;
}

export interface ProbingClassResult {
  className: string;
  samples: number;
  /** Held-out recall of the class under the full probe (the unlearning curve's start). */
  fullRecall: number;
  /** Highest mean(class) - mean(rest) first, ranked on all samples (at most 20). */
  topFeatures: number[];
  unlearning: ProbingUnlearningPoint[];
}

export interface ProbingLayerResult {
  saeId: number;
  layer: number;
  width: number;
  samples: number;
  /** Pooled held-out accuracy of the probe on every feature. */
  fullAccuracy: number;
  /** k clamped to the width, ascending. */
  sweep: { k: number; accuracy: number }[];
  /** Smallest k of the sweep reaching targetShare x fullAccuracy; null when none does. */
  kToTarget: number | null;
  perClass: ProbingClassResult[];
}

export interface ProbingEvalResult {
  level: (typeof PROBING_LEVELS)[number];
  task: 'binary' | 'multiclass';
  classes: string[];
  /** Clips of each class (in `classes` order) used. */
  clipsPerClass: number[];
  /** Clips left out: several values of the key, or a value not among `classes`. */
  skippedClips: { multiValued: number; otherValue: number };
  /** With no `classes` given: values left out for having fewer clips than folds. */
  droppedClasses: string[];
  folds: number;
  targetShare: number;
  /** The paper's range of k for this task (binary ~10-150, multiclass 500-3000). */
  paperKRange: [number, number];
  layers: ProbingLayerResult[];
  reference: PaperReference;
}
