/** Writes Praat TextGrids in the long text format (as Montreal Forced Aligner does) or the short one. */
export interface WrittenTier {
  name: string;
  intervals: { startSec: number; endSec: number; label: string }[];
}

const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

export function textGridLong(tiers: readonly WrittenTier[], xmax: number): string {
  const lines = ['File type = "ooTextFile"', 'Object class = "TextGrid"', '', 'xmin = 0 ', `xmax = ${xmax} `, 'tiers? <exists> ', `size = ${tiers.length} `, 'item []: '];
  tiers.forEach((t, i) => {
    lines.push(`    item [${i + 1}]:`, '        class = "IntervalTier" ', `        name = ${q(t.name)} `, '        xmin = 0 ', `        xmax = ${xmax} `, `        intervals: size = ${t.intervals.length} `);
    t.intervals.forEach((iv, j) => lines.push(`        intervals [${j + 1}]:`, `            xmin = ${iv.startSec} `, `            xmax = ${iv.endSec} `, `            text = ${q(iv.label)} `));
  });
  return lines.join('\n') + '\n';
}

export function textGridShort(tiers: readonly WrittenTier[], xmax: number): string {
  const lines = ['File type = "ooTextFile"', 'Object class = "TextGrid"', '', '0', String(xmax), '<exists>', String(tiers.length)];
  for (const t of tiers) {
    lines.push('"IntervalTier"', q(t.name), '0', String(xmax), String(t.intervals.length));
    for (const iv of t.intervals) lines.push(String(iv.startSec), String(iv.endSec), q(iv.label));
  }
  return lines.join('\n') + '\n';
}
