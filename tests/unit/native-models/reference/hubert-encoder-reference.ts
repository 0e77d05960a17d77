/**
 * A plain TypeScript HuBERT encoder forward pass (float64), written from transformers'
 * HubertModel (HubertEncoder for post-LN, HubertEncoderStableLayerNorm for pre-LN), used to check
 * the ONNX fixture and the layer taps. Shares nothing with the graph code but the weight arrays.
 */
import type { GroupedConvWeights, HubertEncoderWeights } from '../../../../native-models/fixtures/hubert-encoder-fixture.js';
import type { LayerNormWeights } from '../../../../native-models/fixtures/whisper-encoder-fixture.js';
import { gelu, layerNorm, linear, selfAttention as attention } from './transformer-ops.js';

export interface HubertHiddenStates {
  /** layers[N] = our layer N (HF hidden_states[N], except that for pre-LN the last has no final LN); each [frames, hidden]. */
  layers: Float64Array[];
  /** last_hidden_state. */
  final: Float64Array;
  frames: number;
}

/** One clip (batch 1). */
export function hubertHiddenStates(weights: HubertEncoderWeights, samples: Float32Array): HubertHiddenStates {
  const { norm, hidden: d, heads } = weights.spec;
  const eps = 1e-5;
  // Feature extractor, channels-first [C, T].
  let x: Float64Array = Float64Array.from(samples);
  let length = samples.length;
  weights.convs.forEach((w, i) => {
    ({ out: x, length } = conv1d(x, length, w, 0));
    const channels = w.outChannels;
    if (norm === 'post' && i === 0) x = groupNormPerChannel(x, channels, length, weights.convNorms[0]!, eps);
    if (norm === 'pre') x = transpose(layerNorm(transpose(x, channels, length), weights.convNorms[i]!, channels, eps), length, channels);
    x = x.map(gelu);
  });
  const frames = length;
  const c = weights.convs.at(-1)!.outChannels;
  let h = linear(layerNorm(transpose(x, c, frames), weights.projectionLayerNorm, c, eps), frames, weights.projection);

  // Positional conv on [d, T], SamePad drops the last frame for even kernels.
  const k = weights.posConv.kernel;
  const { out: posFull, length: posLength } = conv1d(transpose(h, frames, d), frames, weights.posConv, Math.floor(k / 2));
  const pos = new Float64Array(d * frames);
  for (let ch = 0; ch < d; ch++) for (let t = 0; t < frames; t++) pos[ch * frames + t] = gelu(posFull[ch * posLength + t]!);
  const posT = transpose(pos, d, frames);
  h = h.map((v, i) => v + posT[i]!);
  if (norm === 'post') h = layerNorm(h, weights.encoderLayerNorm, d, eps);

  const layers = [h];
  for (const layer of weights.layers) {
    const ffn = (z: Float64Array) => linear(linear(z, frames, layer.fc1).map(gelu), frames, layer.fc2);
    if (norm === 'post') {
      const attn = attention(h, frames, d, heads, layer);
      h = layerNorm(h.map((v, i) => v + attn[i]!), layer.layerNorm, d, eps);
      const f = ffn(h);
      h = layerNorm(h.map((v, i) => v + f[i]!), layer.finalLayerNorm, d, eps);
    } else {
      const attn = attention(layerNorm(h, layer.layerNorm, d, eps), frames, d, heads, layer);
      h = h.map((v, i) => v + attn[i]!);
      const f = ffn(layerNorm(h, layer.finalLayerNorm, d, eps));
      h = h.map((v, i) => v + f[i]!);
    }
    layers.push(h);
  }
  const final = norm === 'pre' ? layerNorm(h, weights.encoderLayerNorm, d, eps) : h;
  return { layers, final, frames };
}

function conv1d(input: Float64Array, length: number, w: GroupedConvWeights, pad: number): { out: Float64Array; length: number } {
  const outLength = Math.floor((length + 2 * pad - w.kernel) / w.stride) + 1;
  const out = new Float64Array(w.outChannels * outLength);
  const inPerGroup = w.inChannels / w.groups;
  const outPerGroup = w.outChannels / w.groups;
  for (let o = 0; o < w.outChannels; o++) {
    const group = Math.floor(o / outPerGroup);
    for (let t = 0; t < outLength; t++) {
      let sum = w.bias ? w.bias[o]! : 0;
      for (let i = 0; i < inPerGroup; i++) {
        const channel = group * inPerGroup + i;
        for (let kk = 0; kk < w.kernel; kk++) {
          const position = t * w.stride + kk - pad;
          if (position < 0 || position >= length) continue;
          sum += w.weight[(o * inPerGroup + i) * w.kernel + kk]! * input[channel * length + position]!;
        }
      }
      out[o * outLength + t] = sum;
    }
  }
  return { out, length: outLength };
}

function groupNormPerChannel(x: Float64Array, channels: number, length: number, w: LayerNormWeights, eps: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let ch = 0; ch < channels; ch++) {
    let mean = 0;
    for (let t = 0; t < length; t++) mean += x[ch * length + t]!;
    mean /= length;
    let variance = 0;
    for (let t = 0; t < length; t++) variance += (x[ch * length + t]! - mean) ** 2;
    variance /= length;
    const inv = 1 / Math.sqrt(variance + eps);
    for (let t = 0; t < length; t++) out[ch * length + t] = (x[ch * length + t]! - mean) * inv * w.weight[ch]! + w.bias[ch]!;
  }
  return out;
}

function transpose(x: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c]!;
  return out;
}
