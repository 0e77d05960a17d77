/**
 * Streaming sample-rate conversion for the microphone (typically 48 or 44.1 kHz -> 16 kHz):
 * each output sample is a Blackman-windowed sinc low-pass evaluated at its exact (fractional)
 * input position, so there is no separate interpolation step. The cutoff sits at 0.45 x the lower
 * rate (7.2 kHz for 16 kHz output) with 16 zero crossings each side: frequencies below ~6 kHz pass
 * unchanged and those that would alias (> 8 kHz at 16 kHz) are attenuated by well over 40 dB.
 * Input may arrive in chunks of any size; the output is the same as converting it in one piece.
 */
export const LIVE_TARGET_RATE = 16_000;
const CUTOFF_FRACTION = 0.45;
const ZERO_CROSSINGS = 16;

export class StreamingResampler {
  /** Input samples per output sample. */
  readonly #step: number;
  /** Cutoff in cycles per input sample. */
  readonly #cutoff: number;
  /** Kernel half-width in input samples. */
  readonly #halfWidth: number;
  #buffer = new Float32Array(0);
  /** Absolute input index of #buffer[0]. */
  #bufferStart = 0;
  #nextOutput = 0;

  constructor(
    readonly inputRate: number,
    readonly outputRate: number = LIVE_TARGET_RATE,
  ) {
    if (!(inputRate > 0) || !(outputRate > 0)) throw new Error(`Sample rates must be positive; got ${inputRate} -> ${outputRate}.`);
    this.#step = inputRate / outputRate;
    this.#cutoff = (CUTOFF_FRACTION * Math.min(inputRate, outputRate)) / inputRate;
    this.#halfWidth = Math.ceil(ZERO_CROSSINGS / (2 * this.#cutoff));
  }

  /** Converts the next chunk; returns the output samples it completes. */
  push(input: Float32Array): Float32Array {
    const buffer = new Float32Array(this.#buffer.length + input.length);
    buffer.set(this.#buffer);
    buffer.set(input, this.#buffer.length);
    this.#buffer = buffer;
    const available = this.#bufferStart + buffer.length;
    const out: number[] = [];
    for (;;) {
      const t = this.#nextOutput * this.#step;
      if (Math.floor(t) + this.#halfWidth >= available) break;
      out.push(this.#sampleAt(t));
      this.#nextOutput++;
    }
    // Keep only what the next output still needs.
    const keepFrom = Math.max(this.#bufferStart, Math.floor(this.#nextOutput * this.#step) - this.#halfWidth);
    this.#buffer = this.#buffer.slice(keepFrom - this.#bufferStart);
    this.#bufferStart = keepFrom;
    return Float32Array.from(out);
  }

  #sampleAt(t: number): number {
    const first = Math.max(0, Math.ceil(t - this.#halfWidth));
    const last = Math.floor(t + this.#halfWidth);
    const fc = this.#cutoff;
    let sum = 0;
    for (let k = first; k <= last; k++) {
      const d = t - k;
      const x = 2 * fc * d;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const w = 0.42 + 0.5 * Math.cos((Math.PI * d) / this.#halfWidth) + 0.08 * Math.cos((2 * Math.PI * d) / this.#halfWidth);
      sum += this.#buffer[k - this.#bufferStart]! * 2 * fc * sinc * w;
    }
    return sum;
  }
}

/** Float32 samples as little-endian bytes (live.push's payload). */
export function float32Bytes(samples: Float32Array): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(samples.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++) view.setFloat32(i * 4, samples[i]!, true);
  return bytes;
}

/** RMS and peak of a block, for the level meter. */
export function levelOf(samples: Float32Array): { rms: number; peak: number } {
  let sum = 0;
  let peak = 0;
  for (const s of samples) {
    sum += s * s;
    peak = Math.max(peak, Math.abs(s));
  }
  return { rms: samples.length > 0 ? Math.sqrt(sum / samples.length) : 0, peak };
}

/** A level in dBFS mapped to 0..1 for a meter (-60 dB and below is empty). */
export function meterFraction(rms: number): number {
  if (rms <= 0) return 0;
  const db = 20 * Math.log10(rms);
  return Math.max(0, Math.min(1, (db + 60) / 60));
}
