/**
 * An L2-regularised logistic-regression probe on standardized, sparse clip-pooled SAE features,
 * trained by full-batch gradient descent with a backtracking (Armijo) line search, in plain TS.
 * Loss: mean log-loss + (l2 / 2) ||w||² (the intercept is not penalised). Standardization uses
 * the training samples' mean and standard deviation; a feature constant on them gets weight 0.
 * Features stay sparse: with v = w / σ, the logit is b - v·μ + Σ_nz v_j x_j, so one pass costs
 * O(non-zeros + width), never O(samples x width).
 */
import { SeededRandom } from '../../../native-models/common/seeded-random.js';

export interface SparseSample {
  features: Int32Array;
  values: Float32Array;
  /** 1: positive class (non-speech), 0: negative. */
  label: 0 | 1;
}

export interface ProbeOptions {
  l2: number;
  iterations: number;
}

export interface ProbeFit {
  /** Weights on the standardized features (positive: pushes towards the positive class). */
  weights: Float64Array;
  bias: number;
  mean: Float64Array;
  std: Float64Array;
  loss: number;
  iterations: number;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

export function standardization(samples: readonly SparseSample[], width: number): { mean: Float64Array; std: Float64Array } {
  const sum = new Float64Array(width);
  const sumSq = new Float64Array(width);
  for (const s of samples) {
    for (let t = 0; t < s.features.length; t++) {
      const j = s.features[t]!;
      const v = s.values[t]!;
      sum[j]! += v;
      sumSq[j]! += v * v;
    }
  }
  const n = Math.max(samples.length, 1);
  const mean = sum.map((v) => v / n);
  const std = sumSq.map((v, j) => Math.sqrt(Math.max(0, v / n - mean[j]! * mean[j]!)));
  return { mean, std };
}

/** Logits of samples under standardized weights. */
export function probeLogits(fit: Pick<ProbeFit, 'weights' | 'bias' | 'mean' | 'std'>, samples: readonly SparseSample[]): Float64Array {
  const v = fit.weights.map((w, j) => (fit.std[j]! > 0 ? w / fit.std[j]! : 0));
  let offset = fit.bias;
  for (let j = 0; j < v.length; j++) offset -= v[j]! * fit.mean[j]!;
  return Float64Array.from(samples, (s) => {
    let z = offset;
    for (let t = 0; t < s.features.length; t++) z += v[s.features[t]!]! * s.values[t]!;
    return z;
  });
}

export function trainLogisticProbe(samples: readonly SparseSample[], width: number, options: ProbeOptions, throwIfCancelled?: () => void): ProbeFit {
  const { mean, std } = standardization(samples, width);
  const n = samples.length;
  const lossAt = (weights: Float64Array, bias: number) => {
    const z = probeLogits({ weights, bias, mean, std }, samples);
    let loss = 0;
    for (let i = 0; i < n; i++) loss += samples[i]!.label === 1 ? softplus(-z[i]!) : softplus(z[i]!);
    let norm = 0;
    for (const w of weights) norm += w * w;
    return { loss: loss / n + (options.l2 / 2) * norm, z };
  };
  let weights = new Float64Array(width);
  let bias = 0;
  let current = lossAt(weights, bias);
  let step = 1;
  let done = 0;
  for (; done < options.iterations; done++) {
    if (done % 16 === 0) throwIfCancelled?.();
    // Gradient: residuals r = p - y, then X_std^T r / n + l2 w, with X_std applied sparsely.
    const r = Float64Array.from(current.z, (z, i) => sigmoid(z) - samples[i]!.label);
    const xr = new Float64Array(width);
    let rSum = 0;
    for (let i = 0; i < n; i++) {
      const s = samples[i]!;
      rSum += r[i]!;
      for (let t = 0; t < s.features.length; t++) xr[s.features[t]!]! += r[i]! * s.values[t]!;
    }
    const grad = new Float64Array(width);
    let gradNormSq = (rSum / n) ** 2;
    for (let j = 0; j < width; j++) {
      if (std[j]! > 0) grad[j] = (xr[j]! - mean[j]! * rSum) / (n * std[j]!) + options.l2 * weights[j]!;
      gradNormSq += grad[j]! * grad[j]!;
    }
    const gradBias = rSum / n;
    if (gradNormSq < 1e-20) break;
    for (let tries = 0; tries < 60; tries++) {
      const nextWeights = weights.map((w, j) => w - step * grad[j]!);
      const nextBias = bias - step * gradBias;
      const next = lossAt(nextWeights, nextBias);
      if (next.loss <= current.loss - 0.5 * step * gradNormSq) {
        weights = nextWeights;
        bias = nextBias;
        current = next;
        step *= 1.5;
        break;
      }
      step /= 2;
    }
  }
  return { weights, bias, mean, std, loss: current.loss, iterations: done };
}

/** Share of samples whose predicted class (logit > 0) is their label. */
export function probeAccuracy(fit: ProbeFit, samples: readonly SparseSample[]): number {
  const z = probeLogits(fit, samples);
  let right = 0;
  samples.forEach((s, i) => (right += (z[i]! > 0 ? 1 : 0) === s.label ? 1 : 0));
  return right / Math.max(samples.length, 1);
}

/**
 * A seeded, stratified held-out split: `fraction` of each class (rounded, at least one when the
 * class has two or more samples and fraction > 0), never the whole class.
 */
export function heldOutSplit<T extends { label: 0 | 1 }>(samples: readonly T[], fraction: number, seed: number): { train: T[]; heldOut: T[] } {
  const rng = new SeededRandom(seed);
  const train: T[] = [];
  const heldOut: T[] = [];
  for (const label of [0, 1] as const) {
    const of = samples.filter((s) => s.label === label);
    for (let i = of.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [of[i], of[j]] = [of[j]!, of[i]!];
    }
    let count = fraction > 0 && of.length >= 2 ? Math.max(1, Math.round(fraction * of.length)) : 0;
    count = Math.min(count, of.length - 1);
    heldOut.push(...of.slice(0, Math.max(count, 0)));
    train.push(...of.slice(Math.max(count, 0)));
  }
  return { train, heldOut };
}
