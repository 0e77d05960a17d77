/**
 * Waveform columns from `clips.peaks` min/max pairs: one [min, max] per canvas column.
 * Pure; no DOM.
 */

/** Resamples min/max pairs (`[min0, max0, min1, max1, ...]`) to `columns` pairs, keeping extremes. */
export function peakColumns(peaks: readonly number[], columns: number): Float32Array {
  const pairs = Math.floor(peaks.length / 2);
  const width = Math.max(0, Math.floor(columns));
  const out = new Float32Array(width * 2);
  if (pairs === 0 || width === 0) return out;
  for (let c = 0; c < width; c++) {
    const from = Math.floor((c * pairs) / width);
    const to = Math.max(from + 1, Math.floor(((c + 1) * pairs) / width));
    let min = Infinity;
    let max = -Infinity;
    for (let p = from; p < to && p < pairs; p++) {
      min = Math.min(min, peaks[2 * p]!);
      max = Math.max(max, peaks[2 * p + 1]!);
    }
    out[2 * c] = Number.isFinite(min) ? Math.max(-1, min) : 0;
    out[2 * c + 1] = Number.isFinite(max) ? Math.min(1, max) : 0;
  }
  return out;
}

/** x (px) within a width -> seconds, clamped to [0, durationSec]. */
export function timeAt(x: number, width: number, durationSec: number): number {
  if (width <= 0 || !(durationSec > 0)) return 0;
  return Math.min(durationSec, Math.max(0, (x / width) * durationSec));
}
