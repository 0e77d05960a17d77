/**
 * Matches the features of two SAEs one to one by an optimal assignment on a similarity matrix
 * (maximum total similarity; the smaller dictionary is matched fully) and summarises the matched
 * similarities: the share above the threshold, mean, median and a histogram over [-1, 1].
 */
import { linearAssignment } from './linear-assignment.js';

export interface FeatureMatch {
  /** A's feature i matches B's feature `aToB[i]` (-1: unmatched, when A is the wider SAE). */
  aToB: Int32Array;
  /** Similarity of each matched pair, in order of A's matched features. */
  similarities: Float64Array;
}

export interface MatchStatistics {
  matched: number;
  consistentShare: number;
  meanSimilarity: number;
  medianSimilarity: number;
  histogram: { edges: number[]; counts: number[] };
}

export function matchFeatures(similarity: Float32Array | Float64Array, aRows: number, bRows: number): FeatureMatch {
  const { rowToColumn } = linearAssignment(similarity, aRows, bRows, { maximize: true });
  const similarities: number[] = [];
  for (let i = 0; i < aRows; i++) if (rowToColumn[i] !== -1) similarities.push(similarity[i * bRows + rowToColumn[i]!]!);
  return { aToB: rowToColumn, similarities: Float64Array.from(similarities) };
}

export function matchStatistics(similarities: Float64Array, threshold: number, bins: number): MatchStatistics {
  const n = similarities.length;
  const sorted = Float64Array.from(similarities).sort();
  let above = 0;
  let sum = 0;
  for (const s of sorted) {
    if (s > threshold) above++;
    sum += s;
  }
  const median = n === 0 ? 0 : n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  const edges = Array.from({ length: bins + 1 }, (_, b) => -1 + (2 * b) / bins);
  const counts = new Array<number>(bins).fill(0);
  for (const s of sorted) counts[Math.min(bins - 1, Math.max(0, Math.floor(((s + 1) / 2) * bins)))]!++;
  return { matched: n, consistentShare: n === 0 ? 0 : above / n, meanSimilarity: n === 0 ? 0 : sum / n, medianSimilarity: median, histogram: { edges, counts } };
}
