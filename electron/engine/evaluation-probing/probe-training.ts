/**
 * The probing sweep's logistic probe: the objective and standardization of
 * ../steering/logistic-probe.ts (mean log-loss + l2/2 |w|² on standardized sparse features,
 * intercept free), trained by gradient descent with an Armijo line search, plus two things that
 * make a k sweep fast:
 * - a warm start (weights of a probe on a nested feature subset, by feature id), and
 * - early stopping once an iteration lowers the loss by less than `tolerance` of it, or the line
 *   search can no longer lower it at all.
 */
import { probeLogits, standardization, type ProbeFit, type ProbeOptions, type SparseSample } from '../steering/logistic-probe.js';

export interface ProbeTrainingOptions extends ProbeOptions {
  /** Relative loss decrease below which training stops (default 1e-6; 0 runs every iteration). */
  tolerance?: number;
}

export interface ProbeStart {
  weights: Float64Array;
  bias: number;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

export function trainProbe(samples: readonly SparseSample[], width: number, options: ProbeTrainingOptions, start?: ProbeStart, throwIfCancelled?: () => void): ProbeFit {
  const { mean, std } = standardization(samples, width);
  const n = samples.length;
  const tolerance = options.tolerance ?? 1e-6;
  const lossAt = (weights: Float64Array, bias: number) => {
    const z = probeLogits({ weights, bias, mean, std }, samples);
    let loss = 0;
    for (let i = 0; i < n; i++) loss += samples[i]!.label === 1 ? softplus(-z[i]!) : softplus(z[i]!);
    let norm = 0;
    for (const w of weights) norm += w * w;
    return { loss: loss / n + (options.l2 / 2) * norm, z };
  };
  let weights = start ? Float64Array.from(start.weights, (w, j) => (std[j]! > 0 ? w : 0)) : new Float64Array(width);
  let bias = start?.bias ?? 0;
  let current = lossAt(weights, bias);
  let step = 1;
  let done = 0;
  for (; done < options.iterations; done++) {
    if (done % 16 === 0) throwIfCancelled?.();
    const xr = new Float64Array(width);
    let rSum = 0;
    for (let i = 0; i < n; i++) {
      const s = samples[i]!;
      const r = sigmoid(current.z[i]!) - s.label;
      rSum += r;
      for (let t = 0; t < s.features.length; t++) xr[s.features[t]!]! += r * s.values[t]!;
    }
    const grad = new Float64Array(width);
    let gradNormSq = (rSum / n) ** 2;
    for (let j = 0; j < width; j++) {
      if (std[j]! > 0) grad[j] = (xr[j]! - mean[j]! * rSum) / (n * std[j]!) + options.l2 * weights[j]!;
      gradNormSq += grad[j]! * grad[j]!;
    }
    if (gradNormSq < 1e-20) break;
    const before = current.loss;
    let moved = false;
    for (let tries = 0; tries < 40; tries++) {
      const nextWeights = weights.map((w, j) => w - step * grad[j]!);
      const nextBias = bias - (step * rSum) / n;
      const next = lossAt(nextWeights, nextBias);
      if (next.loss <= current.loss - 0.5 * step * gradNormSq) {
        weights = nextWeights;
        bias = nextBias;
        current = next;
        step *= 1.5;
        moved = true;
        break;
      }
      step /= 2;
    }
    if (!moved || before - current.loss < tolerance * Math.max(Math.abs(before), 1e-12)) {
      done++;
      break;
    }
  }
  return { weights, bias, mean, std, loss: current.loss, iterations: done };
}
