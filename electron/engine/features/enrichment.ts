/**
 * Label enrichment among a feature's top clips: which dataset labels (`key=value`) are carried by
 * more of those clips than their share of the whole dataset predicts ("class=dog_bark 17/20").
 */
import type { EnrichmentRow } from '../../common/contract.js';

export interface DatasetLabelBase {
  /** Clips carrying each `key=value` in the dataset. */
  counts: ReadonlyMap<string, number>;
  totalClips: number;
}

/** A suggestion needs at least this share of the top clips... */
const MIN_SHARE = 0.5;
/** ...and this many times the label's share of the dataset. */
const MIN_RATIO = 1.5;

export const labelKeyValue = (key: string, value: string): string => `${key}=${value}`;

/** Rows for labels carried by at least two of the clips (one clip is no evidence), most enriched first. */
export function enrichment(topClipLabels: readonly Record<string, readonly string[]>[], base: DatasetLabelBase): EnrichmentRow[] {
  const of = topClipLabels.length;
  if (of === 0 || base.totalClips === 0) return [];
  const counts = new Map<string, number>();
  for (const labels of topClipLabels) {
    const seen = new Set<string>();
    for (const [key, values] of Object.entries(labels)) for (const value of values) seen.add(labelKeyValue(key, value));
    for (const kv of seen) counts.set(kv, (counts.get(kv) ?? 0) + 1);
  }
  const rows: EnrichmentRow[] = [];
  for (const [label, count] of counts) {
    if (count < Math.min(2, of)) continue;
    const baseRate = (base.counts.get(label) ?? count) / base.totalClips;
    rows.push({ label, count, of, baseRate, ratio: count / of / baseRate });
  }
  return rows.sort((a, b) => b.count * Math.log(b.ratio + 1e-12) - a.count * Math.log(a.ratio + 1e-12) || b.count - a.count || a.label.localeCompare(b.label));
}

/** The label to suggest: the most carried one that is clearly over-represented, or null. */
export function suggestedLabel(rows: readonly EnrichmentRow[]): string | null {
  const candidates = rows.filter((r) => r.count / r.of >= MIN_SHARE && r.ratio >= MIN_RATIO);
  candidates.sort((a, b) => b.count - a.count || b.ratio - a.ratio || a.label.localeCompare(b.label));
  return candidates[0]?.label ?? null;
}
