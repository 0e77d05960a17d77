/**
 * Pearson correlation of every feature of SAE A with every feature of SAE B over the same frames
 * (row t of `a` and row t of `b` are the same moment of the same clip). Codes are sparse (only
 * fired latents), so the cross products cost k_A · k_B per frame; a feature that never varies over
 * the frames (dead in the sample) correlates 0 with everything.
 */
import { AppError } from '../../../common/errors.js';
import type { SparseCodes } from '../../analysis/sparse-codes.js';

export function activationCorrelations(a: SparseCodes, aFeatures: number, b: SparseCodes, bFeatures: number): Float64Array {
  if (a.rows !== b.rows) throw new AppError('bad_input', `Aligned codes differ in frames (${a.rows} and ${b.rows}).`);
  const frames = a.rows;
  if (frames < 2) throw new AppError('bad_input', 'Fewer than two frames were aligned between the two runs: extract both runs from the same dataset.');
  const moments = (codes: SparseCodes, features: number) => {
    const sum = new Float64Array(features);
    const squares = new Float64Array(features);
    for (let e = 0; e < codes.rowStart[codes.rows]!; e++) {
      const v = codes.values[e]!;
      sum[codes.features[e]!]! += v;
      squares[codes.features[e]!]! += v * v;
    }
    const mean = sum.map((s) => s / frames);
    const std = squares.map((s, f) => Math.sqrt(Math.max(0, s / frames - mean[f]! ** 2)));
    return { mean, std };
  };
  const ma = moments(a, aFeatures);
  const mb = moments(b, bFeatures);
  const cross = new Float64Array(aFeatures * bFeatures);
  for (let t = 0; t < frames; t++) {
    for (let ea = a.rowStart[t]!; ea < a.rowStart[t + 1]!; ea++) {
      const base = a.features[ea]! * bFeatures;
      const va = a.values[ea]!;
      for (let eb = b.rowStart[t]!; eb < b.rowStart[t + 1]!; eb++) cross[base + b.features[eb]!]! += va * b.values[eb]!;
    }
  }
  for (let i = 0; i < aFeatures; i++) {
    const sa = ma.std[i]!;
    for (let j = 0; j < bFeatures; j++) {
      const sb = mb.std[j]!;
      const at = i * bFeatures + j;
      cross[at] = sa < 1e-12 || sb < 1e-12 ? 0 : Math.max(-1, Math.min(1, (cross[at]! / frames - ma.mean[i]! * mb.mean[j]!) / (sa * sb)));
    }
  }
  return cross;
}
