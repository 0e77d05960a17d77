/**
 * What the clip view draws for the selected clip: its waveform peaks (whole clip, from the
 * engine) and a spectrogram of its first SPECTROGRAM_WINDOW_SEC (the engine's WAV window,
 * decoded by the browser, STFT in spectrogram.ts).
 */
import type { ClipPeaks, ClipRow } from '../../../electron/common/contract.js';
import { api } from './api.js';
import { describeError, isCancelled, type ErrorDescription } from './errors.js';
import { mixDown, spectrogram, wavSampleRate, type Spectrogram } from './spectrogram.js';

export const SPECTROGRAM_WINDOW_SEC = 30;
/** Min/max pairs asked for: about one per pixel of a wide waveform. */
export const PEAK_POINTS = 1600;

/** Decodes audio bytes to mono at their own sample rate (WAV) or 16 kHz. */
async function decodeMono(bytes: Uint8Array<ArrayBuffer>): Promise<{ samples: Float32Array; sampleRate: number }> {
  const sampleRate = Math.min(96_000, Math.max(8000, wavSampleRate(bytes) ?? 16_000));
  const context = new OfflineAudioContext({ numberOfChannels: 1, length: 1, sampleRate });
  const buffer = await context.decodeAudioData(bytes.slice().buffer);
  const channels = Array.from({ length: buffer.numberOfChannels }, (_, c) => buffer.getChannelData(c));
  return { samples: mixDown(channels), sampleRate: buffer.sampleRate };
}

class ClipViewStore {
  #clipId = $state<number | null>(null);
  #peaks = $state.raw<ClipPeaks | null>(null);
  #spectrogram = $state.raw<Spectrogram | null>(null);
  /** Seconds of the clip the spectrogram covers (from 0). */
  #spectrogramSec = $state(0);
  #loading = $state(false);
  #error = $state<ErrorDescription | null>(null);
  #request: AbortController | null = null;

  get clipId(): number | null {
    return this.#clipId;
  }
  get peaks(): ClipPeaks | null {
    return this.#peaks;
  }
  get spectrogram(): Spectrogram | null {
    return this.#spectrogram;
  }
  get spectrogramSec(): number {
    return this.#spectrogramSec;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get error(): ErrorDescription | null {
    return this.#error;
  }

  dismissError(): void {
    this.#error = null;
  }

  async load(clip: ClipRow | null): Promise<void> {
    if (clip?.id === this.#clipId) return;
    this.#request?.abort();
    this.#clipId = clip?.id ?? null;
    this.#peaks = null;
    this.#spectrogram = null;
    this.#spectrogramSec = 0;
    this.#error = null;
    if (!clip) {
      this.#loading = false;
      return;
    }
    const request = new AbortController();
    this.#request = request;
    this.#loading = true;
    const { signal } = request;
    const peaks = api.clipPeaks(clip.id, PEAK_POINTS, { signal }).then((result) => {
      if (!signal.aborted) this.#peaks = result;
    });
    const durationSec = Math.min(SPECTROGRAM_WINDOW_SEC, clip.durationSec);
    const spec = api
      .clipAudio(clip.id, durationSec > 0 ? { startSec: 0, durationSec } : {}, { signal })
      .then(async (audio) => {
        if (signal.aborted) return;
        const { samples, sampleRate } = await decodeMono(audio.bytes);
        if (signal.aborted) return;
        this.#spectrogram = spectrogram(samples, sampleRate, { fftSize: 512, maxFrames: 1200 });
        this.#spectrogramSec = samples.length / sampleRate;
      });
    const results = await Promise.allSettled([peaks, spec]);
    if (signal.aborted) return;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed && !isCancelled(failed.reason)) this.#error = describeError(failed.reason);
    this.#loading = false;
    this.#request = null;
  }
}

export const clipView = new ClipViewStore();
