/**
 * A plain TypeScript Whisper encoder forward pass, written from transformers' WhisperEncoder
 * (float64 accumulation), used to check the ONNX fixture. Shares nothing with the graph code but
 * the weight arrays.
 */
import type {
  Conv1dWeights,
  LayerNormWeights,
  LinearWeights,
  WhisperEncoderWeights,
} from '../../../../native-models/fixtures/whisper-encoder-fixture.js';

/** features [nMels, frames] (one batch item) -> last_hidden_state [frames / 2, dModel], row-major. */
export function whisperEncoderReference(weights: WhisperEncoderWeights, features: Float32Array, frames: number): Float64Array {
  return whisperEncoderHiddenStates(weights, features, frames).final;
}

export interface ReferenceHiddenStates {
  /** layers[0] is the input to the first block, layers[N] the output of block N; each [frames / 2, dModel]. */
  layers: Float64Array[];
  /** After the final LayerNorm (last_hidden_state). */
  final: Float64Array;
}

/** Every layer's residual stream, numbered as in the AudioSAE paper (layer 0 = input to block 1). */
export function whisperEncoderHiddenStates(weights: WhisperEncoderWeights, features: Float32Array, frames: number): ReferenceHiddenStates {
  const { dModel: d, heads } = weights.spec;
  // Convs work channels-first [C, T], like PyTorch.
  const c1 = conv1d(features, frames, weights.conv1, 1).map(gelu);
  const c2 = conv1d(c1, frames, weights.conv2, 2).map(gelu);
  const steps = c2.length / d;
  // Transpose to [T, d] and add the positions.
  let x = new Float64Array(steps * d);
  for (let t = 0; t < steps; t++) for (let c = 0; c < d; c++) x[t * d + c] = c2[c * steps + t]! + weights.embedPositions[t * d + c]!;

  const layers = [x];
  for (const layer of weights.layers) {
    const attn = selfAttention(layerNorm(x, layer.selfAttnLayerNorm, d), steps, d, heads, layer);
    x = x.map((v, i) => v + attn[i]!);
    const hidden = linear(layerNorm(x, layer.finalLayerNorm, d), steps, layer.fc1).map(gelu);
    const ffn = linear(hidden, steps, layer.fc2);
    x = x.map((v, i) => v + ffn[i]!);
    layers.push(x);
  }
  return { layers, final: layerNorm(x, weights.layerNorm, d) };
}

function conv1d(input: ArrayLike<number>, length: number, w: Conv1dWeights, stride: number): Float64Array {
  const pad = (w.kernel - 1) / 2;
  const outLength = Math.floor((length + 2 * pad - w.kernel) / stride) + 1;
  const out = new Float64Array(w.outChannels * outLength);
  for (let o = 0; o < w.outChannels; o++) {
    for (let t = 0; t < outLength; t++) {
      let sum = w.bias[o]!;
      for (let i = 0; i < w.inChannels; i++) {
        for (let k = 0; k < w.kernel; k++) {
          const position = t * stride + k - pad;
          if (position < 0 || position >= length) continue;
          sum += w.weight[(o * w.inChannels + i) * w.kernel + k]! * input[i * length + position]!;
        }
      }
      out[o * outLength + t] = sum;
    }
  }
  return out;
}

/** rows x in -> rows x out, y = x W^T + b with W [out, in]. */
function linear(x: Float64Array, rows: number, w: LinearWeights): Float64Array {
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

function layerNorm(x: Float64Array, w: LayerNormWeights, d: number, eps = 1e-5): Float64Array {
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

function selfAttention(x: Float64Array, steps: number, d: number, heads: number, layer: WhisperEncoderWeights['layers'][number]): Float64Array {
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
