/**
 * transformers' WhisperDecoder in plain TypeScript (float64, no cache): logits of every position
 * of a token sequence, given one item's encoder output. Shares only the weight types with the
 * fixture's graph code.
 */
import type { AttentionProjections, WhisperDecoderWeights } from '../../../../native-models/fixtures/whisper-decoder-fixture.js';
import { gelu, layerNorm, linear } from '../reference/transformer-ops.js';

function attention(query: Float64Array, queries: number, keysFrom: Float64Array, keys: number, d: number, heads: number, w: AttentionProjections, causal: boolean): Float64Array {
  const headDim = d / heads;
  const scale = headDim ** -0.5;
  const q = linear(query, queries, w.qProj).map((v) => v * scale);
  const k = linear(keysFrom, keys, w.kProj);
  const v = linear(keysFrom, keys, w.vProj);
  const context = new Float64Array(queries * d);
  const scores = new Float64Array(keys);
  for (let h = 0; h < heads; h++) {
    const o = h * headDim;
    for (let i = 0; i < queries; i++) {
      const visible = causal ? i + 1 : keys;
      let max = -Infinity;
      for (let j = 0; j < visible; j++) {
        let dot = 0;
        for (let c = 0; c < headDim; c++) dot += q[i * d + o + c]! * k[j * d + o + c]!;
        scores[j] = dot;
        max = Math.max(max, dot);
      }
      let total = 0;
      for (let j = 0; j < visible; j++) total += scores[j] = Math.exp(scores[j]! - max);
      for (let c = 0; c < headDim; c++) {
        let sum = 0;
        for (let j = 0; j < visible; j++) sum += scores[j]! * v[j * d + o + c]!;
        context[i * d + o + c] = sum / total;
      }
    }
  }
  return linear(context, queries, w.outProj);
}

/** Logits [tokens.length, vocab] for `tokens`, attending over `encoder` [frames, d]. */
export function whisperDecoderReference(weights: WhisperDecoderWeights, tokens: readonly number[], encoder: ArrayLike<number>, frames: number): Float64Array {
  const { dModel: d, heads, vocabSize } = weights.spec;
  const n = tokens.length;
  let x = new Float64Array(n * d);
  for (let t = 0; t < n; t++) {
    for (let c = 0; c < d; c++) x[t * d + c] = weights.embedTokens[tokens[t]! * d + c]! + weights.embedPositions[t * d + c]!;
  }
  const enc = Float64Array.from({ length: frames * d }, (_, i) => encoder[i]!);
  for (const layer of weights.layers) {
    const self = attention(layerNorm(x, layer.selfAttnLayerNorm, d), n, layerNorm(x, layer.selfAttnLayerNorm, d), n, d, heads, layer.selfAttn, true);
    x = x.map((v, i) => v + self[i]!);
    const cross = attention(layerNorm(x, layer.encoderAttnLayerNorm, d), n, enc, frames, d, heads, layer.encoderAttn, false);
    x = x.map((v, i) => v + cross[i]!);
    const hidden = linear(layerNorm(x, layer.finalLayerNorm, d), n, layer.fc1).map(gelu);
    const ffn = linear(hidden, n, layer.fc2);
    x = x.map((v, i) => v + ffn[i]!);
  }
  const last = layerNorm(x, weights.layerNorm, d);
  const logits = new Float64Array(n * vocabSize);
  for (let t = 0; t < n; t++) {
    for (let tok = 0; tok < vocabSize; tok++) {
      let sum = 0;
      for (let c = 0; c < d; c++) sum += last[t * d + c]! * weights.embedTokens[tok * d + c]!;
      logits[t * vocabSize + tok] = sum;
    }
  }
  return logits;
}
