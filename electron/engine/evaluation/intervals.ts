/**
 * 95% confidence intervals: Wilson score interval for a proportion (FPR on non-speech), and a
 * seeded percentile bootstrap over clips for corpus WER (a ratio of sums, so clips are resampled
 * whole and the ratio recomputed).
 */
import { editCount, type WordErrors } from './word-errors.js';
import { SeededRandom } from '../../../native-models/common/seeded-random.js';

export const Z_95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval of `successes` out of `n`; null when n = 0. */
export function wilsonInterval(successes: number, n: number, z = Z_95): Interval | null {
  if (n === 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

/** The q-quantile of sorted values, linearly interpolated (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
}

/**
 * Percentile bootstrap of corpus WER: `resamples` draws of n clips with replacement, each
 * giving total edits / total reference words (draws with no reference words are skipped);
 * the 2.5% and 97.5% quantiles. Null when no clip has reference words.
 */
export function bootstrapWerInterval(clips: readonly WordErrors[], options: BootstrapOptions = {}): Interval | null {
  const resamples = options.resamples ?? 1000;
  const n = clips.length;
  if (n === 0 || clips.every((c) => c.referenceWords === 0)) return null;
  const edits = clips.map(editCount);
  const words = clips.map((c) => c.referenceWords);
  const generator = new SeededRandom(options.seed ?? 0);
  const random = (): number => generator.uniform();
  const values: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let e = 0;
    let w = 0;
    for (let i = 0; i < n; i++) {
      const pick = Math.floor(random() * n);
      e += edits[pick]!;
      w += words[pick]!;
    }
    if (w > 0) values.push(e / w);
  }
  values.sort((a, b) => a - b);
  return { low: quantile(values, 0.025), high: quantile(values, 0.975) };
}
