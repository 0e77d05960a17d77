/**
 * How well one SAE feature tells two sets of audio apart ("positive": non-speech, "negative":
 * speech). AUROC is the Mann–Whitney U statistic with mid-ranks for ties, so a feature that never
 * fires on either set scores exactly 0.5; it is computed on clip-pooled values (max over a clip's
 * frames), whose count is bounded by the clips, with the zeros (clips where the feature never
 * fired) handled as one tie group instead of being sorted.
 */

/** AUROC = P(pos > neg) + P(pos = neg) / 2, from mid-ranks. Zeros are passed as counts, not values. */
export function aurocWithZeros(positive: ArrayLike<number>, negative: ArrayLike<number>, positiveZeros = 0, negativeZeros = 0): number {
  const nPos = positive.length + positiveZeros;
  const nNeg = negative.length + negativeZeros;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  const values: { v: number; pos: boolean }[] = [];
  for (let i = 0; i < positive.length; i++) values.push({ v: positive[i]!, pos: true });
  for (let i = 0; i < negative.length; i++) values.push({ v: negative[i]!, pos: false });
  if (positiveZeros + negativeZeros > 0) {
    values.push(...Array.from({ length: positiveZeros }, () => ({ v: 0, pos: true })));
    values.push(...Array.from({ length: negativeZeros }, () => ({ v: 0, pos: false })));
  }
  values.sort((a, b) => a.v - b.v);
  let rankSumPos = 0;
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j < values.length && values[j]!.v === values[i]!.v) j++;
    const midRank = (i + 1 + j) / 2; // ranks i+1 .. j share their mean
    for (let t = i; t < j; t++) if (values[t]!.pos) rankSumPos += midRank;
    i = j;
  }
  const u = rankSumPos - (nPos * (nPos + 1)) / 2;
  return u / (nPos * nNeg);
}

/** Per-feature frame statistics of one set: frames, frames fired on, sum of activations. */
export interface FrameTally {
  frames: number;
  fired: Float64Array;
  sums: Float64Array;
}

export function newFrameTally(width: number): FrameTally {
  return { frames: 0, fired: new Float64Array(width), sums: new Float64Array(width) };
}

/** Firing rate: frames with activation > 0 over all frames of the set. Mean: over all its frames (zeros included). */
export function tallyRates(t: FrameTally): { firingRate: Float64Array; mean: Float64Array } {
  const n = Math.max(t.frames, 1);
  return { firingRate: t.fired.map((c) => c / n), mean: t.sums.map((s) => s / n) };
}
