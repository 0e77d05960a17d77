/**
 * Scores every feature of an SAE for "fires on the positive set (non-speech), not on the negative
 * (speech)" and ranks them by one chosen score; ties are broken by the firing-rate difference,
 * then by feature index, so a ranking is deterministic.
 */
import type { DiscoveryScore } from '../../common/contract.js';
import { aurocWithZeros, tallyRates, type FrameTally } from './discrimination-scores.js';
import type { SparseSample } from './logistic-probe.js';

export interface FeatureScores {
  feature: number;
  firingRatePos: number;
  firingRateNeg: number;
  meanPos: number;
  meanNeg: number;
  auroc: number;
  probeWeight: number;
  rank: number;
}

/** Per-feature AUROC over clip-pooled samples (feature values absent from a sample are 0). */
export function clipAurocs(samples: readonly SparseSample[], width: number): Float64Array {
  const pos: number[][] = Array.from({ length: width }, () => []);
  const neg: number[][] = Array.from({ length: width }, () => []);
  let nPos = 0;
  for (const s of samples) {
    if (s.label === 1) nPos++;
    const into = s.label === 1 ? pos : neg;
    for (let t = 0; t < s.features.length; t++) if (s.values[t]! > 0) into[s.features[t]!]!.push(s.values[t]!);
  }
  const nNeg = samples.length - nPos;
  return Float64Array.from({ length: width }, (_, j) => aurocWithZeros(pos[j]!, neg[j]!, nPos - pos[j]!.length, nNeg - neg[j]!.length));
}

export function scoreOf(row: Omit<FeatureScores, 'rank'>, score: DiscoveryScore): number {
  switch (score) {
    case 'auroc':
      return row.auroc;
    case 'probeWeight':
      return row.probeWeight;
    case 'firingRateDiff':
      return row.firingRatePos - row.firingRateNeg;
    case 'meanDiff':
      return row.meanPos - row.meanNeg;
  }
}

export function rankFeatures(input: { pos: FrameTally; neg: FrameTally; aurocs: Float64Array; probeWeights: Float64Array; score: DiscoveryScore }): FeatureScores[] {
  const pos = tallyRates(input.pos);
  const neg = tallyRates(input.neg);
  const rows = Array.from(input.aurocs, (auroc, feature) => ({
    feature,
    firingRatePos: pos.firingRate[feature]!,
    firingRateNeg: neg.firingRate[feature]!,
    meanPos: pos.mean[feature]!,
    meanNeg: neg.mean[feature]!,
    auroc,
    probeWeight: input.probeWeights[feature]!,
  }));
  const keyed = rows.map((r) => ({ r, key: scoreOf(r, input.score), tie: r.firingRatePos - r.firingRateNeg }));
  keyed.sort((a, b) => b.key - a.key || b.tie - a.tie || a.r.feature - b.r.feature);
  return keyed.map(({ r }, rank) => ({ ...r, rank: rank + 1 }));
}
