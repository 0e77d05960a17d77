/**
 * Pearson correlation of an EEG channel x(t) with a feature's time course a(t - lag), for every
 * circular shift at once: with both series centred and scaled to unit length, r(d) =
 * sum_t x(t) a((t - d) mod N), one FFT cross-correlation (fft.js) per feature. The observed lags
 * are d = 0..maxLag; the permutation null takes the same statistic at random shifts d = s + lag
 * with s beyond the lag window (circular-shift surrogates, which keep each series' own
 * autocorrelation).
 */
import FFT from 'fft.js';

/** x centred and scaled to unit L2 norm; null when x is constant (no correlation defined). */
export function unitCentred(x: ArrayLike<number>): Float64Array | null {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  const out = new Float64Array(n);
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]! - mean;
    out[i] = v;
    norm += v * v;
  }
  if (!(norm > 0)) return null;
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < n; i++) out[i]! *= scale;
  return out;
}

export class CircularCorrelator {
  readonly length: number;
  readonly #size: number;
  readonly #fft: FFT;
  readonly #eegSpectrum: number[];
  readonly #scratch: number[];

  /** `eeg` must not be constant. */
  constructor(eeg: ArrayLike<number>) {
    const x = unitCentred(eeg);
    if (!x) throw new Error('The EEG channel is constant.');
    this.length = x.length;
    let size = 1;
    while (size < 2 * x.length) size *= 2;
    this.#size = size;
    this.#fft = new FFT(size);
    this.#eegSpectrum = this.#spectrum(x);
    this.#scratch = this.#fft.createComplexArray() as number[];
  }

  #spectrum(x: Float64Array): number[] {
    const padded = new Array<number>(this.#size).fill(0);
    for (let i = 0; i < x.length; i++) padded[i] = x[i]!;
    const out = this.#fft.createComplexArray() as number[];
    this.#fft.realTransform(out, padded);
    this.#fft.completeSpectrum(out);
    return out;
  }

  /** r at every circular shift d (0..N-1) of the feature against the EEG; null for a constant feature. */
  correlate(feature: ArrayLike<number>): Float64Array | null {
    if (feature.length !== this.length) throw new Error(`feature length ${feature.length} != EEG length ${this.length}`);
    const a = unitCentred(feature);
    if (!a) return null;
    const A = this.#spectrum(a);
    const X = this.#eegSpectrum;
    const product = this.#scratch;
    for (let k = 0; k < this.#size; k++) {
      const xr = X[2 * k]!;
      const xi = X[2 * k + 1]!;
      const ar = A[2 * k]!;
      const ai = -A[2 * k + 1]!;
      product[2 * k] = xr * ar - xi * ai;
      product[2 * k + 1] = xr * ai + xi * ar;
    }
    const linear = this.#fft.createComplexArray() as number[];
    this.#fft.inverseTransform(linear, product);
    // linear[d] = sum_t x(t) a(t - d) for d >= 0; negative d wrap to the end of the array.
    const n = this.length;
    const r = new Float64Array(n);
    for (let d = 0; d < n; d++) {
      const positive = linear[2 * d]!;
      const wrapped = d === 0 ? 0 : linear[2 * (this.#size - (n - d))]!;
      r[d] = positive + wrapped;
    }
    return r;
  }
}

/** Area-averages (frame start, value) pairs of width frameSec onto bins of 1/rateHz starting at 0. */
export function addFramesToCourse(course: Float64Array, rateHz: number, frames: readonly { startSec: number; value: number }[], frameSec: number): void {
  for (const { startSec, value } of frames) {
    const end = startSec + frameSec;
    const first = Math.max(0, Math.floor(startSec * rateHz));
    const last = Math.min(course.length - 1, Math.ceil(end * rateHz) - 1);
    for (let n = first; n <= last; n++) {
      const overlap = Math.min(end, (n + 1) / rateHz) - Math.max(startSec, n / rateHz);
      if (overlap > 0) course[n]! += value * overlap * rateHz;
    }
  }
}

/** Benjamini-Hochberg adjusted p-values (same order as given). */
export function benjaminiHochberg(p: readonly number[]): number[] {
  const order = p.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array<number>(p.length);
  let running = 1;
  for (let rank = order.length; rank >= 1; rank--) {
    const [value, index] = order[rank - 1]!;
    running = Math.min(running, (value * order.length) / rank);
    adjusted[index] = running;
  }
  return adjusted;
}
