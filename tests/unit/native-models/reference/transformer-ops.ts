/**
 * The transformer pieces the plain TypeScript reference encoders share (float64): linear,
 * LayerNorm, multi-head self-attention, exact GELU. Written from PyTorch's definitions; shares
 * nothing with the graph code in native-models/ but the weight types.
 */
import type { LayerNormWeights, LinearWeights } from '../../../../native-models/fixtures/whisper-encoder-fixture.js';

/** The projections of one self-attention block (Whisper and HuBERT name them alike). */
export interface AttentionWeights {
  qProj: LinearWeights;
  kProj: LinearWeights;
  vProj: LinearWeights;
  outProj: LinearWeights;
}

/** rows x in -> rows x out, y = x W^T + b with W [out, in]. */
export function linear(x: Float64Array, rows: number, w: LinearWeights): Float64Array {
  const out = new Float64Array(rows * w.outFeatures);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < w.outFeatures; o++) {
      let sum = w.bias ? w.bias[o]! : 0;
      for (let i = 0; i < w.inFeatures; i++) sum += x[r * w.inFeatures + i]! * w.weight[o * w.inFeatures + i]!;
      out[r * w.outFeatures + o] = sum;
    }
  }
  return out;
}

/** LayerNorm over the last dimension `d` of row-major [rows, d]. */
export function layerNorm(x: Float64Array, w: LayerNormWeights, d: number, eps = 1e-5): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / d; r++) {
    let mean = 0;
    for (let c = 0; c < d; c++) mean += x[r * d + c]!;
    mean /= d;
    let variance = 0;
    for (let c = 0; c < d; c++) variance += (x[r * d + c]! - mean) ** 2;
    variance /= d; // biased, as nn.LayerNorm
    const inv = 1 / Math.sqrt(variance + eps);
    for (let c = 0; c < d; c++) out[r * d + c] = (x[r * d + c]! - mean) * inv * w.weight[c]! + w.bias[c]!;
  }
  return out;
}

/** Multi-head self-attention (no mask) over [steps, d], with the output projection. */
export function selfAttention(x: Float64Array, steps: number, d: number, heads: number, layer: AttentionWeights): Float64Array {
  const headDim = d / heads;
  const scale = headDim ** -0.5;
  const q = linear(x, steps, layer.qProj).map((v) => v * scale);
  const k = linear(x, steps, layer.kProj);
  const v = linear(x, steps, layer.vProj);
  const context = new Float64Array(steps * d);
  const scores = new Float64Array(steps);
  for (let h = 0; h < heads; h++) {
    const offset = h * headDim;
    for (let i = 0; i < steps; i++) {
      let max = -Infinity;
      for (let j = 0; j < steps; j++) {
        let dot = 0;
        for (let c = 0; c < headDim; c++) dot += q[i * d + offset + c]! * k[j * d + offset + c]!;
        scores[j] = dot;
        if (dot > max) max = dot;
      }
      let total = 0;
      for (let j = 0; j < steps; j++) {
        scores[j] = Math.exp(scores[j]! - max);
        total += scores[j]!;
      }
      for (let c = 0; c < headDim; c++) {
        let sum = 0;
        for (let j = 0; j < steps; j++) sum += scores[j]! * v[j * d + offset + c]!;
        context[i * d + offset + c] = sum / total;
      }
    }
  }
  return linear(context, steps, layer.outProj);
}

/** Exact GELU: x/2 (1 + erf(x / sqrt 2)). */
export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

/** erf to ~1e-15: Maclaurin series for |x| < 3, the erfc continued fraction beyond. */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 3) {
    let term = a;
    let sum = a;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-a * a) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(a) = exp(-a²)/sqrt(pi) * 1/(a + 1/2/(a + 1/(a + 3/2/(a + ...)))), evaluated bottom-up.
  let fraction = a;
  for (let n = 60; n >= 1; n--) fraction = a + n / 2 / fraction;
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / fraction;
  return Math.sign(x) * (1 - erfc);
}
