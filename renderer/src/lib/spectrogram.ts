/**
 * Short-time Fourier magnitude spectrogram (Hann window, dB) of mono samples, and the colour map
 * the clip view paints it with. Pure; the FFT is fft.js (radix-4, real input).
 */
import FFT from 'fft.js';

export interface Spectrogram {
  /** Time frames (columns). */
  frames: number;
  /** Frequency bins (rows), 0 Hz .. Nyquist: fftSize / 2 + 1. */
  bins: number;
  sampleRate: number;
  hop: number;
  fftSize: number;
  /** dB values, frame-major: value(frame, bin) = db[frame * bins + bin]. */
  db: Float32Array;
  /** Loudest value in db (the colour scale's top). */
  maxDb: number;
}

export interface SpectrogramOptions {
  /** A power of two >= 16. */
  fftSize?: number;
  /** Samples between frames; by default chosen so there are at most `maxFrames` frames. */
  hop?: number;
  maxFrames?: number;
}

export function hannWindow(size: number): Float32Array {
  const w = new Float32Array(size);
  for (let i = 0; i < size; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size);
  return w;
}

export function spectrogram(samples: Float32Array, sampleRate: number, options: SpectrogramOptions = {}): Spectrogram {
  const fftSize = options.fftSize ?? 512;
  if (fftSize < 16 || (fftSize & (fftSize - 1)) !== 0) throw new Error(`fftSize must be a power of two >= 16, got ${fftSize}`);
  const maxFrames = options.maxFrames ?? 2000;
  const hop = Math.max(1, options.hop ?? Math.max(Math.floor(fftSize / 4), Math.ceil(samples.length / maxFrames)));
  const bins = fftSize / 2 + 1;
  const frames = samples.length === 0 ? 0 : Math.max(1, Math.ceil(samples.length / hop));
  const db = new Float32Array(frames * bins);
  const fft = new FFT(fftSize);
  const window = hannWindow(fftSize);
  const input = new Float64Array(fftSize);
  const out = fft.createComplexArray() as number[];
  // Hann window's coherent gain is 1/2: a full-scale sine reads ~0 dB.
  const scale = 2 / (fftSize * 0.5);
  let maxDb = -Infinity;
  for (let f = 0; f < frames; f++) {
    // Frames are centred on f * hop, as librosa's `center=True` (zero-padded at the edges).
    const start = f * hop - fftSize / 2;
    for (let i = 0; i < fftSize; i++) {
      const j = start + i;
      input[i] = j >= 0 && j < samples.length ? samples[j]! * window[i]! : 0;
    }
    fft.realTransform(out, input);
    for (let b = 0; b < bins; b++) {
      const re = out[2 * b]!;
      const im = out[2 * b + 1]!;
      const magnitude = Math.sqrt(re * re + im * im) * scale;
      const value = 20 * Math.log10(magnitude + 1e-10);
      db[f * bins + b] = value;
      if (value > maxDb) maxDb = value;
    }
  }
  return { frames, bins, sampleRate, hop, fftSize, db, maxDb: Number.isFinite(maxDb) ? maxDb : 0 };
}

/** The frequency (Hz) at the centre of a bin. */
export function binFrequency(bin: number, fftSize: number, sampleRate: number): number {
  return (bin * sampleRate) / fftSize;
}

// A perceptually ordered dark-to-bright map (magma-like), as [position, r, g, b].
const STOPS: [number, number, number, number][] = [
  [0, 0, 0, 4],
  [0.25, 80, 18, 123],
  [0.5, 182, 54, 121],
  [0.75, 251, 136, 97],
  [1, 252, 253, 191],
];

/** t in [0, 1] -> [r, g, b]. */
export function colourAt(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  for (let i = 1; i < STOPS.length; i++) {
    const [p1, r1, g1, b1] = STOPS[i]!;
    if (x <= p1) {
      const [p0, r0, g0, b0] = STOPS[i - 1]!;
      const u = (x - p0) / (p1 - p0);
      return [Math.round(r0 + (r1 - r0) * u), Math.round(g0 + (g1 - g0) * u), Math.round(b0 + (b1 - b0) * u)];
    }
  }
  const last = STOPS[STOPS.length - 1]!;
  return [last[1], last[2], last[3]];
}

export const hzToMel = (hz: number): number => 2595 * Math.log10(1 + hz / 700);
export const melToHz = (mel: number): number => 700 * (10 ** (mel / 2595) - 1);

/**
 * The fractional FFT bin shown at each pixel row (row 0 at the top), on a mel frequency axis from
 * 0 Hz to Nyquist (`'mel'`, how speech and sound are usually looked at) or a linear one.
 */
export function rowBins(spec: Pick<Spectrogram, 'bins' | 'fftSize' | 'sampleRate'>, rows: number, scale: 'mel' | 'linear' = 'mel'): Float32Array {
  const out = new Float32Array(rows);
  const nyquist = spec.sampleRate / 2;
  const melMax = hzToMel(nyquist);
  for (let r = 0; r < rows; r++) {
    const t = rows === 1 ? 0 : 1 - r / (rows - 1);
    const hz = scale === 'mel' ? melToHz(t * melMax) : t * nyquist;
    out[r] = Math.min(spec.bins - 1, (hz * spec.fftSize) / spec.sampleRate);
  }
  return out;
}

/** Where (0 = bottom, 1 = top) a frequency sits on the axis rowBins draws. */
export function frequencyPosition(hz: number, sampleRate: number, scale: 'mel' | 'linear' = 'mel'): number {
  const nyquist = sampleRate / 2;
  return scale === 'mel' ? hzToMel(hz) / hzToMel(nyquist) : hz / nyquist;
}

/**
 * RGBA pixels, `frames` wide and `rows` high (low frequencies at the bottom, mel axis by default),
 * over a `rangeDb` dynamic range below the loudest value.
 */
export function spectrogramPixels(
  spec: Spectrogram,
  rangeDb = 80,
  rows = spec.bins,
  scale: 'mel' | 'linear' = 'mel',
): Uint8ClampedArray<ArrayBuffer> {
  const { frames, bins, db, maxDb } = spec;
  const pixels = new Uint8ClampedArray(frames * rows * 4);
  const floor = maxDb - rangeDb;
  const at = rowBins(spec, rows, scale);
  for (let r = 0; r < rows; r++) {
    const position = at[r]!;
    const lo = Math.floor(position);
    const hi = Math.min(bins - 1, lo + 1);
    const u = position - lo;
    for (let f = 0; f < frames; f++) {
      const value = db[f * bins + lo]! * (1 - u) + db[f * bins + hi]! * u;
      const [red, green, blue] = colourAt((value - floor) / rangeDb);
      const o = (r * frames + f) * 4;
      pixels[o] = red;
      pixels[o + 1] = green;
      pixels[o + 2] = blue;
      pixels[o + 3] = 255;
    }
  }
  return pixels;
}

/**
 * Mono samples of a decoded buffer: the mean of its channels.
 */
export function mixDown(channels: Float32Array[]): Float32Array {
  if (channels.length === 0) return new Float32Array(0);
  if (channels.length === 1) return channels[0]!;
  const out = new Float32Array(channels[0]!.length);
  for (const channel of channels) for (let i = 0; i < out.length; i++) out[i]! += channel[i]! / channels.length;
  return out;
}

/** The sample rate in a RIFF/WAVE header, or null when the bytes are not a WAV file. */
export function wavSampleRate(bytes: Uint8Array): number | null {
  if (bytes.length < 28) return null;
  const tag = (o: number) => String.fromCharCode(bytes[o]!, bytes[o + 1]!, bytes[o + 2]!, bytes[o + 3]!);
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') return null;
  // Walk the chunks to `fmt ` (it is usually, but not always, first).
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 12;
  while (o + 8 <= bytes.length) {
    const size = view.getUint32(o + 4, true);
    if (tag(o) === 'fmt ' && o + 16 <= bytes.length) return view.getUint32(o + 12, true) || null;
    o += 8 + size + (size % 2);
  }
  return null;
}
