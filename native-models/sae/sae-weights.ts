/**
 * An SAE's parameters in memory, row-major float32: W_enc [dIn, dSae], b_enc [dSae],
 * W_dec [dSae, dIn] (unit-norm rows), b_dec [dIn], threshold [dSae] (the per-latent inference
 * threshold; BatchTopK's learned threshold is the same value for every latent).
 */
import { SeededRandom } from '../common/seeded-random.js';

export interface SaeWeights {
  dIn: number;
  dSae: number;
  W_enc: Float32Array;
  b_enc: Float32Array;
  W_dec: Float32Array;
  b_dec: Float32Array;
  threshold: Float32Array;
}

/** Gao et al. 2024: random unit-norm decoder rows, encoder initialised to the decoder's transpose. */
export function initialSaeWeights(dIn: number, dSae: number, seed: number): SaeWeights {
  const random = new SeededRandom(seed);
  const W_dec = new Float32Array(dSae * dIn);
  for (let i = 0; i < W_dec.length; i++) W_dec[i] = random.normal();
  normalizeRows(W_dec, dSae, dIn);
  const W_enc = new Float32Array(dIn * dSae);
  for (let latent = 0; latent < dSae; latent++) {
    for (let j = 0; j < dIn; j++) W_enc[j * dSae + latent] = W_dec[latent * dIn + j]!;
  }
  return { dIn, dSae, W_enc, b_enc: new Float32Array(dSae), W_dec, b_dec: new Float32Array(dIn), threshold: new Float32Array(dSae) };
}

export function normalizeRows(matrix: Float32Array, rows: number, columns: number): void {
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < columns; c++) sum += matrix[r * columns + c]! ** 2;
    const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let c = 0; c < columns; c++) matrix[r * columns + c]! *= scale;
  }
}

export function cloneSaeWeights(weights: SaeWeights): SaeWeights {
  return {
    dIn: weights.dIn,
    dSae: weights.dSae,
    W_enc: weights.W_enc.slice(),
    b_enc: weights.b_enc.slice(),
    W_dec: weights.W_dec.slice(),
    b_dec: weights.b_dec.slice(),
    threshold: weights.threshold.slice(),
  };
}

/** The largest deviation of a decoder row's norm from 1. */
export function maxDecoderNormError(weights: SaeWeights): number {
  let worst = 0;
  for (let r = 0; r < weights.dSae; r++) {
    let sum = 0;
    for (let c = 0; c < weights.dIn; c++) sum += weights.W_dec[r * weights.dIn + c]! ** 2;
    worst = Math.max(worst, Math.abs(Math.sqrt(sum) - 1));
  }
  return worst;
}
