/**
 * Classification probing and unlearning on SAE codes (AudioSAE paper, issue 9 item 2), pure
 * science with no store or job code.
 *
 * - Ranking: within each training fold, feature j's score for class c is
 *   mean(activation_j | class c) - mean(activation_j | not c); features are ranked by it, highest
 *   first (a feature firing only on c comes first).
 * - Probes: the L2 logistic regression of ../steering/logistic-probe.ts. With two classes, one
 *   binary probe (positive = second class) on the union of both classes' top-k features; with more,
 *   one-vs-rest probes (class c's probe sees c's top-k), prediction = argmax of the logits.
 * - Folds: stratified, seeded; accuracy is pooled over all held-out predictions.
 * - Unlearning: class c's top-k features (ranked on the training fold) are zeroed in train and
 *   held-out samples, a probe on all remaining features is retrained, and c's held-out recall and
 *   overall accuracy are reported as k grows.
 */
import { AppError } from '../../common/errors.js';
import { SeededRandom } from '../../../native-models/common/seeded-random.js';
import { probeLogits, trainLogisticProbe, type ProbeOptions, type SparseSample } from '../steering/logistic-probe.js';

export interface LabelledCode {
  features: Int32Array;
  values: Float32Array;
  /** Index into `classes`. */
  label: number;
}

export interface ProbingOptions {
  kSweep: readonly number[];
  folds: number;
  seed: number;
  /** Share of full-probe accuracy that the reported smallest k must reach (default 0.9). */
  targetShare: number;
  probe: ProbeOptions;
  /** Skip the unlearning curves (the k sweep only); perClass[].unlearning is then empty. */
  skipUnlearning?: boolean;
  throwIfCancelled?: () => void;
}

export interface ProbingResult {
  classes: string[];
  samples: number;
  width: number;
  fullAccuracy: number;
  sweep: { k: number; accuracy: number }[];
  /** Smallest k whose accuracy reaches targetShare x fullAccuracy; null when none does. */
  kToTarget: number | null;
  /** Per class: its top features (ranked on all samples) and the unlearning curve. */
  perClass: { className: string; topFeatures: number[]; unlearning: { k: number; classAccuracy: number; overallAccuracy: number }[] }[];
}

/** Stratified, seeded fold index per sample (0..folds-1). */
export function stratifiedFolds(labels: readonly number[], folds: number, seed: number): Int32Array {
  const rng = new SeededRandom(seed);
  const fold = new Int32Array(labels.length);
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  let offset = 0;
  for (const c of classes) {
    const of: number[] = [];
    labels.forEach((l, i) => l === c && of.push(i));
    for (let i = of.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [of[i], of[j]] = [of[j]!, of[i]!];
    }
    of.forEach((i, r) => (fold[i] = (r + offset) % folds));
    offset += of.length;
  }
  return fold;
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

/** Predicted class of each held-out sample, given per-class (or binary) feature subsets. */
function predict(train: readonly LabelledCode[], test: readonly LabelledCode[], classCount: number, width: number, subsetFor: (c: number) => Int32Array | null, options: ProbingOptions): Int32Array {
  if (classCount === 2) {
    const a = subsetFor(0);
    const b = subsetFor(1);
    const keep = a && b ? Int32Array.from(new Set([...a, ...b])) : null;
    const tr = restrict(train, keep, width, (l) => l === 1);
    const te = restrict(test, keep, width, (l) => l === 1);
    const fit = trainLogisticProbe(tr.rows, tr.width, options.probe, options.throwIfCancelled);
    return Int32Array.from(probeLogits(fit, te.rows), (z) => (z > 0 ? 1 : 0));
  }
  const best = new Float64Array(test.length).fill(-Infinity);
  const out = new Int32Array(test.length);
  for (let c = 0; c < classCount; c++) {
    const keep = subsetFor(c);
    const tr = restrict(train, keep, width, (l) => l === c);
    const te = restrict(test, keep, width, (l) => l === c);
    const fit = trainLogisticProbe(tr.rows, tr.width, options.probe, options.throwIfCancelled);
    probeLogits(fit, te.rows).forEach((z, i) => {
      if (z > best[i]!) {
        best[i] = z;
        out[i] = c;
      }
    });
  }
  return out;
}

function zeroed(samples: readonly LabelledCode[], removed: Set<number>): LabelledCode[] {
  return samples.map((s) => {
    const keep: number[] = [];
    for (let t = 0; t < s.features.length; t++) if (!removed.has(s.features[t]!)) keep.push(t);
    return { label: s.label, features: Int32Array.from(keep, (t) => s.features[t]!), values: Float32Array.from(keep, (t) => s.values[t]!) };
  });
}

export function runProbing(samples: readonly LabelledCode[], classes: readonly string[], width: number, options: ProbingOptions): ProbingResult {
  const counts = classes.map((_, c) => samples.filter((s) => s.label === c).length);
  if (classes.length < 2 || counts.filter((n) => n > 0).length < 2) {
    throw new AppError('bad_input', `Probing needs at least two classes with samples; found ${classes.length} (${classes.join(', ')}). Pick a label key whose values differ across clips.`);
  }
  if (counts.some((n) => n < options.folds)) {
    throw new AppError('bad_input', `Every class needs at least ${options.folds} samples for ${options.folds} folds; counts: ${classes.map((c, i) => `${c}=${counts[i]}`).join(', ')}. Lower folds or add clips.`);
  }
  const fold = stratifiedFolds(samples.map((s) => s.label), options.folds, options.seed);
  const ks = [...new Set(options.kSweep.map((k) => Math.min(Math.max(1, Math.floor(k)), width)))].sort((a, b) => a - b);
  const predictions = new Map<string, Int32Array>();
  const record = (key: string, idx: number[], pred: Int32Array) => {
    const all = predictions.get(key) ?? new Int32Array(samples.length).fill(-1);
    idx.forEach((i, r) => (all[i] = pred[r]!));
    predictions.set(key, all);
  };
  for (let f = 0; f < options.folds; f++) {
    const trainIdx: number[] = [];
    const testIdx: number[] = [];
    fold.forEach((g, i) => (g === f ? testIdx : trainIdx).push(i));
    const train = trainIdx.map((i) => samples[i]!);
    const test = testIdx.map((i) => samples[i]!);
    const ranking = rankFeaturesPerClass(train, classes.length, width);
    record('full', testIdx, predict(train, test, classes.length, width, () => null, options));
    for (const k of ks) record(`k${k}`, testIdx, predict(train, test, classes.length, width, (c) => ranking[c]!.subarray(0, k), options));
    for (let c = 0; c < (options.skipUnlearning ? 0 : classes.length); c++) {
      for (const k of ks) {
        const removed = new Set(ranking[c]!.subarray(0, k));
        record(`u${c}:${k}`, testIdx, predict(zeroed(train, removed), zeroed(test, removed), classes.length, width, () => null, options));
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
      topFeatures: Array.from(overall[c]!.subarray(0, Math.min(20, width))),
      unlearning: (options.skipUnlearning ? [] : ks).map((k) => ({ k, classAccuracy: accuracy(`u${c}:${k}`, c), overallAccuracy: accuracy(`u${c}:${k}`) })),
    })),
  };
}
