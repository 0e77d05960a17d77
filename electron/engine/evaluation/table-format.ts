/** An evaluation table as aligned text (CLI). */
import type { EvaluationSummaryRow, RateInterval } from '../../common/contract.js';

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
const ci = (c: RateInterval | null): string => (c === null ? '' : `[${pct(c.low)}, ${pct(c.high)}]`);

export function formatEvaluationTable(table: readonly EvaluationSummaryRow[]): string {
  const rows = [
    ['variant', 'non-speech FPR', '95% CI', 'non-empty', 'speech WER', '95% CI', 'S/D/I', 'ref words'],
    ...table.map((r) => [
      r.alpha === null ? 'original' : `alpha ${r.alpha}`,
      pct(r.nonSpeech.fpr),
      ci(r.nonSpeech.ci),
      `${r.nonSpeech.nonEmpty}/${r.nonSpeech.clips}`,
      pct(r.speech.wer),
      ci(r.speech.ci),
      `${r.speech.substitutions}/${r.speech.deletions}/${r.speech.insertions}`,
      String(r.speech.referenceWords),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows.map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
}
