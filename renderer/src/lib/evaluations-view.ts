/** Pure helpers of the Evaluations page: form parsing, formatting, chart series. */
import type { EvaluationSummaryRow, RateInterval } from '../../../electron/common/contract.js';

export const DEFAULT_ALPHAS = '0, 0.5, 1, 2, 3';

/** "0, 0.5, 1" -> [0, 0.5, 1]; null when a part is not a number, repeats, or the list is empty. */
export function parseAlphas(text: string): number[] | null {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) return null;
  const values = parts.map(Number);
  if (values.some((v) => !Number.isFinite(v) || Math.abs(v) > 100) || new Set(values).size !== values.length) return null;
  return values;
}

/** "1, 2, 3" -> [1, 2, 3] (whole numbers >= 0, below `width` when known); null otherwise. */
export function parseFeatures(text: string, width?: number): number[] | null {
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length === 0) return null;
  const values = parts.map(Number);
  if (values.some((v) => !Number.isSafeInteger(v) || v < 0 || (width !== undefined && v >= width))) return null;
  return [...new Set(values)];
}

export function percent(x: number | null): string {
  return x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`;
}

export function interval(ci: RateInterval | null): string {
  return ci === null ? '' : `${percent(ci.low)} – ${percent(ci.high)}`;
}

export function variantLabel(alpha: number | null): string {
  return alpha === null ? 'original' : `α = ${alpha}`;
}

export interface SweepSeries {
  /** The alphas, in ascending order. */
  alphas: number[];
  fpr: (number | null)[];
  wer: (number | null)[];
  /** The unsteered model's values (drawn as dashed lines). */
  baselineFpr: number | null;
  baselineWer: number | null;
}

/** FPR and WER (in %) against alpha, sorted by alpha; the original row becomes the baselines. */
export function sweepSeries(table: readonly EvaluationSummaryRow[]): SweepSeries {
  const steered = table.filter((r) => r.alpha !== null).sort((a, b) => a.alpha! - b.alpha!);
  const base = table.find((r) => r.alpha === null);
  const pct = (x: number | null | undefined) => (x === null || x === undefined ? null : 100 * x);
  return {
    alphas: steered.map((r) => r.alpha!),
    fpr: steered.map((r) => pct(r.nonSpeech.fpr)),
    wer: steered.map((r) => pct(r.speech.wer)),
    baselineFpr: pct(base?.nonSpeech.fpr),
    baselineWer: pct(base?.speech.wer),
  };
}
