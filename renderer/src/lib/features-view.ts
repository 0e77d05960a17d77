/**
 * Numbers behind the Features pages: the audio window played around a peak, the density histogram's
 * bins as log10 ranges, activation curves against clip time, confidence cycling, display text.
 * Pure; no DOM, no Svelte.
 */
import type { FeatureExample, FeatureFilter, FeatureSort, LabelConfidence } from '../../../electron/common/contract.js';

/** Context lengths offered for the peak window (seconds of audio around the peak). */
export const CONTEXT_CHOICES = [0.5, 1, 2, 4] as const;
export const DEFAULT_CONTEXT_SEC = 1;

export interface AudioWindow {
  startSec: number;
  durationSec: number;
}

/**
 * The `contextSec` of audio centred on `peakSec`, shifted (not cut) to stay inside the clip; the
 * whole clip when it is shorter than the window. `frameSec` (one encoder frame) is added so the
 * frame that fired is heard whole.
 */
export function peakWindow(peakSec: number, contextSec: number, clipDurationSec: number, frameSec = 0): AudioWindow {
  const duration = Math.max(0, clipDurationSec);
  const length = Math.min(duration, Math.max(0.05, contextSec + frameSec));
  const centre = Math.min(duration, Math.max(0, peakSec + frameSec / 2));
  let start = centre - length / 2;
  start = Math.max(0, Math.min(start, duration - length));
  return { startSec: round6(start), durationSec: round6(length) };
}

/** The next context length up or down the choices (clamped at the ends). */
export function stepContext(current: number, delta: 1 | -1): number {
  let at = CONTEXT_CHOICES.findIndex((c) => c >= current - 1e-9);
  if (at < 0) at = CONTEXT_CHOICES.length - 1;
  return CONTEXT_CHOICES[Math.min(CONTEXT_CHOICES.length - 1, Math.max(0, at + delta))]!;
}

/**
 * The log10(density) range of histogram bin `index`: [edges[i], edges[i+1]). The top bin's upper
 * edge is nudged up so the densest feature (whose value is the last edge) is in it.
 */
export function binRange(log10Edges: readonly number[], index: number): { min: number; max: number } | null {
  if (!Number.isInteger(index) || index < 0 || index + 1 >= log10Edges.length) return null;
  const min = log10Edges[index]!;
  const last = index + 2 === log10Edges.length;
  const max = last ? log10Edges[index + 1]! + 1e-9 : log10Edges[index + 1]!;
  return { min, max };
}

/** Clicking a bin: selects it, or clears the selection when it was the selected one. */
export function toggleBin(selected: number | null, clicked: number): number | null {
  return selected === clicked ? null : clicked;
}

/** A bin's axis label: the density at its lower edge ("1e-3", "3.2e-4"). */
export function binLabel(log10Edges: readonly number[], index: number): string {
  const edge = log10Edges[index];
  return edge == null ? '' : formatDensity(10 ** edge);
}

/** Densities are small fractions: "0.12", "3.4e-3", "0". */
export function formatDensity(density: number): string {
  if (!Number.isFinite(density)) return '—';
  if (density === 0) return '0';
  if (density >= 0.01) return density.toFixed(density >= 0.1 ? 2 : 3);
  const [mantissa, exponent] = density.toExponential(1).split('e');
  return `${mantissa}e${Number(exponent)}`;
}

/** Activations: 3 significant digits, no exponent for usual sizes. */
export function formatActivation(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 0.01) return value.toFixed(2);
  return value.toExponential(1);
}

/**
 * The activation curve over a view of the clip: for each of `columns` pixel columns covering
 * [viewStartSec, viewStartSec + viewSec), the largest frame value falling in it (0 where no frame
 * does), so a one-frame spike is never lost at any zoom.
 */
export function activationColumns(
  values: readonly number[],
  startSec: number,
  frameRateHz: number,
  viewStartSec: number,
  viewSec: number,
  columns: number,
): Float32Array {
  const width = Math.max(0, Math.floor(columns));
  const out = new Float32Array(width);
  if (width === 0 || !(viewSec > 0) || !(frameRateHz > 0)) return out;
  for (let f = 0; f < values.length; f++) {
    const from = startSec + f / frameRateHz - viewStartSec;
    const to = from + 1 / frameRateHz;
    if (to <= 0 || from >= viewSec) continue;
    const c0 = Math.max(0, Math.floor((from / viewSec) * width));
    const c1 = Math.min(width - 1, Math.max(c0, Math.ceil((to / viewSec) * width) - 1));
    const v = values[f]!;
    for (let c = c0; c <= c1; c++) if (v > out[c]!) out[c] = v;
  }
  return out;
}

/** Confidence cycle for the `c` key: none → low → medium → high → none. */
export function nextConfidence(current: LabelConfidence | null): LabelConfidence | null {
  switch (current) {
    case null:
      return 'low';
    case 'low':
      return 'medium';
    case 'medium':
      return 'high';
    default:
      return null;
  }
}

/** Comma-separated tags as typed -> the list labels.set takes (trimmed, no empties, no repeats). */
export function parseTags(text: string): string[] {
  const seen = new Set<string>();
  for (const part of text.split(',')) {
    const tag = part.trim().slice(0, 100);
    if (tag) seen.add(tag);
  }
  return [...seen].slice(0, 50);
}

/** Clicking a column header: feature and label sort ascending; density and max cycle desc → asc. */
export function nextFeatureSort(current: FeatureSort, column: 'feature' | 'density' | 'max' | 'label'): FeatureSort {
  switch (column) {
    case 'feature':
    case 'label':
      return column;
    case 'density':
      return current === '-density' ? 'density' : '-density';
    case 'max':
      return current === '-max' ? 'max' : '-max';
  }
}

/** aria-sort of a column under the current sort. */
export function featureAriaSort(current: FeatureSort, column: string): 'ascending' | 'descending' | 'none' {
  if (current === column) return 'ascending';
  if (current === `-${column}`) return 'descending';
  return 'none';
}

/** Filter chips, in order (a Record over the contract's FeatureFilter, so none is missed). */
export const FILTER_LABELS: Record<FeatureFilter, string> = {
  all: 'All',
  labelled: 'Labelled',
  unlabelled: 'Unlabelled',
  unclear: 'Unclear',
  dead: 'Dead',
  dense: 'Dense',
};
export const FILTER_CHOICES = Object.keys(FILTER_LABELS) as FeatureFilter[];

/** Confidence levels, low to high (the renderer imports the contract for types only). */
export const CONFIDENCE_CHOICES: readonly LabelConfidence[] = ['low', 'medium', 'high'];

/** "folder=tone" chips of an example's clip labels (key=value, one per value). */
export function exampleChips(example: Pick<FeatureExample, 'labels'>): string[] {
  return Object.entries(example.labels).flatMap(([key, values]) => values.map((value) => `${key}=${value}`));
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
