/**
 * A plain TypeScript Whisper encoder forward pass, written from transformers' WhisperEncoder
 * (float64 accumulation), used to check the ONNX fixture. Shares nothing with the graph code but
 * the weight arrays.
 */
import type { Conv1dWeights, WhisperEncoderWeights } from '../../../../native-models/fixtures/whisper-encoder-fixture.js';
import { gelu, layerNorm, linear, selfAttention } from './transformer-ops.js';

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
