/**
 * Classification probing and unlearning on SAE codes (AudioSAE paper, issue 9 item 2), pure
 * science with no store or job code.
 *
 * - Ranking: within each training fold, feature j's score for class c is
 *   mean(activation_j | class c) - mean(activation_j | not c); features are ranked by it, highest
 *   first (a feature firing only on c comes first).
 * - Probes: the L2 logistic regression of ../steering/logistic-probe.ts, trained by
 *   probe-training.ts (warm start from the previous k, early stopping on the loss). With two classes, one
 *   binary probe (positive = second class) on the union of both classes' top-k features; with more,
 *   one-vs-rest probes (class c's probe sees c's top-k), prediction = argmax of the logits.
 * - Folds: stratified, seeded; accuracy is pooled over all held-out predictions. Samples that share
 *   a `group` (the frames of one clip) always fall in the same fold: frames of a clip are
 *   correlated, and splitting them between train and held-out folds would inflate accuracy.
 * - Unlearning: class c's top-k features (ranked on the training fold) are zeroed in train and
 *   held-out samples, a probe on all remaining features is retrained, and c's held-out recall and
 *   overall accuracy are reported as k grows.
 */
import { AppError } from '../../common/errors.js';
import { SeededRandom } from '../../../native-models/common/seeded-random.js';
import { probeLogits, type ProbeFit, type SparseSample } from '../steering/logistic-probe.js';
import { trainProbe, type ProbeStart, type ProbeTrainingOptions } from './probe-training.js';

export interface LabelledCode {
  features: Int32Array;
  values: Float32Array;
  /** Index into `classes`. */
  label: number;
  /** Samples of one group (e.g. the frames of one clip) stay in one fold. */
  group?: number;
}

export interface ProbingOptions {
  kSweep: readonly number[];
  folds: number;
  seed: number;
  /** Share of full-probe accuracy that the reported smallest k must reach (default 0.9). */
  targetShare: number;
  probe: ProbeTrainingOptions;
  /** Skip the unlearning curves (the k sweep only); perClass[].unlearning is then empty. */
  skipUnlearning?: boolean;
  throwIfCancelled?: () => void;
  /** Probes trained so far of `total` (for job progress). */
  onProbe?: (done: number, total: number) => void;
}

export interface ProbingResult {
  classes: string[];
  samples: number;
  width: number;
  fullAccuracy: number;
  sweep: { k: number; accuracy: number }[];
  /** Smallest k whose accuracy reaches targetShare x fullAccuracy; null when none does. */
  kToTarget: number | null;
  /** Per class: samples, its recall under the full probe, its top features (ranked on all samples) and the unlearning curve. */
  perClass: { className: string; samples: number; fullRecall: number; topFeatures: number[]; unlearning: { k: number; classAccuracy: number; overallAccuracy: number }[] }[];
}

/**
 * Stratified, seeded fold index per sample (0..folds-1). With `groups`, whole groups are dealt
 * to folds (stratified by the group's class, which must be one per group).
 */
export function stratifiedFolds(labels: readonly number[], folds: number, seed: number, groups?: readonly number[]): Int32Array {
  const rng = new SeededRandom(seed);
  const groupOf = groups ?? labels.map((_, i) => i);
  const labelOfGroup = new Map<number, number>();
  groupOf.forEach((g, i) => {
    const earlier = labelOfGroup.get(g);
    if (earlier !== undefined && earlier !== labels[i]) throw new AppError('bad_input', `Group ${g} holds samples of two classes; a clip must have one class.`);
    labelOfGroup.set(g, labels[i]!);
  });
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  const foldOfGroup = new Map<number, number>();
  let offset = 0;
  for (const c of classes) {
    const of = [...labelOfGroup].filter(([, l]) => l === c).map(([g]) => g).sort((a, b) => a - b);
    for (let i = of.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [of[i], of[j]] = [of[j]!, of[i]!];
    }
    of.forEach((g, r) => foldOfGroup.set(g, (r + offset) % folds));
    offset += of.length;
  }
  return Int32Array.from(groupOf, (g) => foldOfGroup.get(g)!);
}

/** Features ranked per class by mean(class) - mean(rest), highest first. */
export function rankFeaturesPerClass(samples: readonly LabelledCode[], classCount: number, width: number): Int32Array[] {
  const sums = Array.from({ length: classCount }, () => new Float64Array(width));
  const counts = new Float64Array(classCount);
  const total = new Float64Array(width);
  for (const s of samples) {
    counts[s.label]! += 1;
    const sum = sums[s.label]!;
    for (let t = 0; t < s.features.length; t++) {
      sum[s.features[t]!]! += s.values[t]!;
      total[s.features[t]!]! += s.values[t]!;
    }
  }
  return sums.map((sum, c) => {
    const n = counts[c]!;
    const rest = samples.length - n;
    const score = sum.map((v, j) => (n > 0 ? v / n : 0) - (rest > 0 ? (total[j]! - v) / rest : 0));
    const order = Int32Array.from({ length: width }, (_, j) => j);
    return order.sort((a, b) => score[b]! - score[a]! || a - b);
  });
}

/** Restricts samples to `keep` (remapped to 0..keep.length-1) as binary probe samples. */
function restrict(samples: readonly LabelledCode[], keep: Int32Array | null, width: number, positive: (label: number) => boolean): { rows: SparseSample[]; width: number } {
  const map = new Int32Array(width).fill(-1);
  if (keep) keep.forEach((j, i) => (map[j] = i));
  else map.forEach((_, j) => (map[j] = j));
  const rows = samples.map((s) => {
    const f: number[] = [];
    const v: number[] = [];
    for (let t = 0; t < s.features.length; t++) {
      const m = map[s.features[t]!]!;
      if (m >= 0) {
        f.push(m);
        v.push(s.values[t]!);
      }
    }
    return { features: Int32Array.from(f), values: Float32Array.from(v), label: positive(s.label) ? 1 : 0 } as SparseSample;
  });
  return { rows, width: keep ? keep.length : width };
}

/** A probe's weights by feature id (the full width) and bias: the warm start of the next probe. */
type WarmStart = ProbeStart;

function gather(warm: WarmStart | undefined, keep: Int32Array | null): ProbeStart | undefined {
  if (!warm) return undefined;
  return { weights: keep ? Float64Array.from(keep, (j) => warm.weights[j]!) : warm.weights, bias: warm.bias };
}

function scatter(fit: ProbeFit, keep: Int32Array | null, width: number): WarmStart {
  if (!keep) return { weights: fit.weights, bias: fit.bias };
  const weights = new Float64Array(width);
  keep.forEach((j, i) => (weights[j] = fit.weights[i]!));
  return { weights, bias: fit.bias };
}

/**
 * Predicted class of each held-out sample, given per-class (or binary) feature subsets; each probe
 * starts from `warm` (the previous probe of the same class) and its fit is returned for the next.
 */
function predict(train: readonly LabelledCode[], test: readonly LabelledCode[], classCount: number, width: number, subsetFor: (c: number) => Int32Array | null, options: ProbingOptions, warm: readonly (WarmStart | undefined)[] = []): { pred: Int32Array; fits: WarmStart[] } {
  const fitOne = (keep: Int32Array | null, positive: (label: number) => boolean, start: WarmStart | undefined) => {
    const tr = restrict(train, keep, width, positive);
    const te = restrict(test, keep, width, positive);
    const fit = trainProbe(tr.rows, tr.width, options.probe, gather(start, keep), options.throwIfCancelled);
    return { logits: probeLogits(fit, te.rows), fit: scatter(fit, keep, width) };
  };
  if (classCount === 2) {
    const a = subsetFor(0);
    const b = subsetFor(1);
    const keep = a && b ? Int32Array.from(new Set([...a, ...b])) : null;
    const { logits, fit } = fitOne(keep, (l) => l === 1, warm[0]);
    return { pred: Int32Array.from(logits, (z) => (z > 0 ? 1 : 0)), fits: [fit] };
  }
  const best = new Float64Array(test.length).fill(-Infinity);
  const out = new Int32Array(test.length);
  const fits: WarmStart[] = [];
  for (let c = 0; c < classCount; c++) {
    const { logits, fit } = fitOne(subsetFor(c), (l) => l === c, warm[c]);
    fits.push(fit);
    logits.forEach((z, i) => {
      if (z > best[i]!) {
        best[i] = z;
        out[i] = c;
      }
    });
  }
  return { pred: out, fits };
}

function zeroed(samples: readonly LabelledCode[], removed: Set<number>): LabelledCode[] {
  return samples.map((s) => {
    const keep: number[] = [];
    for (let t = 0; t < s.features.length; t++) if (!removed.has(s.features[t]!)) keep.push(t);
    return { label: s.label, features: Int32Array.from(keep, (t) => s.features[t]!), values: Float32Array.from(keep, (t) => s.values[t]!) };
  });
}

/** Lets the event loop run (a cancel request, RPC calls) between probes. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function runProbing(samples: readonly LabelledCode[], classes: readonly string[], width: number, options: ProbingOptions): Promise<ProbingResult> {
  const counts = classes.map((_, c) => samples.filter((s) => s.label === c).length);
  if (classes.length < 2 || counts.filter((n) => n > 0).length < 2) {
    throw new AppError('bad_input', `Probing needs at least two classes with samples; found ${classes.length} (${classes.join(', ')}). Pick a label key whose values differ across clips.`);
  }
  if (counts.some((n) => n < options.folds)) {
    throw new AppError('bad_input', `Every class needs at least ${options.folds} samples for ${options.folds} folds; counts: ${classes.map((c, i) => `${c}=${counts[i]}`).join(', ')}. Lower folds or add clips.`);
  }
  const grouped = samples.some((s) => s.group !== undefined);
  const groups = grouped ? samples.map((s, i) => s.group ?? -1 - i) : undefined;
  if (groups) {
    const groupsOf = classes.map((_, c) => new Set(groups.filter((_, i) => samples[i]!.label === c)).size);
    if (groupsOf.some((n) => n < options.folds)) {
      throw new AppError('bad_input', `Every class needs at least ${options.folds} clips for ${options.folds} folds (a clip's frames stay in one fold); clips: ${classes.map((c, i) => `${c}=${groupsOf[i]}`).join(', ')}. Lower folds or add clips.`);
    }
  }
  const fold = stratifiedFolds(samples.map((s) => s.label), options.folds, options.seed, groups);
  const ks = [...new Set(options.kSweep.map((k) => Math.min(Math.max(1, Math.floor(k)), width)))].sort((a, b) => a - b);
  const predictions = new Map<string, Int32Array>();
  const record = (key: string, idx: number[], pred: Int32Array) => {
    const all = predictions.get(key) ?? new Int32Array(samples.length).fill(-1);
    idx.forEach((i, r) => (all[i] = pred[r]!));
    predictions.set(key, all);
  };
  // Removing every feature leaves nothing to probe: unlearning stops below the width.
  const unlearningKs = ks.filter((k) => k < width);
  const probesPerFold = (classes.length === 2 ? 1 : classes.length) * (1 + ks.length + (options.skipUnlearning ? 0 : classes.length * unlearningKs.length));
  const probeTotal = probesPerFold * options.folds;
  let probesDone = 0;
  const counted = async (pred: Int32Array): Promise<Int32Array> => {
    probesDone += classes.length === 2 ? 1 : classes.length;
    options.onProbe?.(probesDone, probeTotal);
    await yieldToEventLoop();
    options.throwIfCancelled?.();
    return pred;
  };
  for (let f = 0; f < options.folds; f++) {
    const trainIdx: number[] = [];
    const testIdx: number[] = [];
    fold.forEach((g, i) => (g === f ? testIdx : trainIdx).push(i));
    const train = trainIdx.map((i) => samples[i]!);
    const test = testIdx.map((i) => samples[i]!);
    const ranking = rankFeaturesPerClass(train, classes.length, width);
    // Ascending k with warm starts: each probe starts from the previous k's weights.
    let warm: WarmStart[] = [];
    for (const k of ks) {
      const step = predict(train, test, classes.length, width, (c) => ranking[c]!.subarray(0, k), options, warm);
      record(`k${k}`, testIdx, await counted(step.pred));
      warm = step.fits;
    }
    const full = predict(train, test, classes.length, width, () => null, options, warm);
    record('full', testIdx, await counted(full.pred));
    for (let c = 0; c < (options.skipUnlearning ? 0 : classes.length); c++) {
      let unlearningWarm = full.fits;
      for (const k of unlearningKs) {
        const removed = new Set(ranking[c]!.subarray(0, k));
        const step = predict(zeroed(train, removed), zeroed(test, removed), classes.length, width, () => null, options, unlearningWarm);
        record(`u${c}:${k}`, testIdx, await counted(step.pred));
        unlearningWarm = step.fits;
      }
    }
  }
  const accuracy = (key: string, only?: number) => {
    const pred = predictions.get(key)!;
    let right = 0;
    let n = 0;
    samples.forEach((s, i) => {
      if (only !== undefined && s.label !== only) return;
      n++;
      if (pred[i] === s.label) right++;
    });
    return n ? right / n : 0;
  };
  const fullAccuracy = accuracy('full');
  const sweep = ks.map((k) => ({ k, accuracy: accuracy(`k${k}`) }));
  const reached = sweep.find((p) => p.accuracy >= options.targetShare * fullAccuracy);
  const overall = rankFeaturesPerClass(samples, classes.length, width);
  return {
    classes: [...classes],
    samples: samples.length,
    width,
    fullAccuracy,
    sweep,
    kToTarget: reached ? reached.k : null,
    perClass: classes.map((className, c) => ({
      className,
      samples: counts[c]!,
      fullRecall: accuracy('full', c),
      topFeatures: Array.from(overall[c]!.subarray(0, Math.min(20, width))),
      unlearning: (options.skipUnlearning ? [] : unlearningKs).map((k) => ({ k, classAccuracy: accuracy(`u${c}:${k}`, c), overallAccuracy: accuracy(`u${c}:${k}`) })),
    })),
  };
}
