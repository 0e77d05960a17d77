/**
 * The open feature's page: its detail (features.get), and per example clip the waveform peaks and
 * the feature's per-frame activation over the clip (features.clipActivations with this feature),
 * fetched as the examples are shown; the focused example's spectrogram; the context length of the
 * peak window.
 */
import { SvelteMap } from 'svelte/reactivity';
import type { ClipPeaks, FeatureDetail, FeatureExample, FeatureLabel } from '../../../electron/common/contract.js';
import { onEngineEvent } from './api.js';
import { describeError, isCancelled, type ErrorDescription } from './errors.js';
import { featuresApi } from './features-api.js';
import { featurePlayer } from './features-player.svelte.js';
import { DEFAULT_CONTEXT_SEC, peakWindow, stepContext } from './features-view.js';
import { mixDown, spectrogram, wavSampleRate, type Spectrogram } from './spectrogram.js';

/** Waveform points asked per clip (the example strips are ~700 px wide). */
const PEAK_POINTS = 800;
/** Spectrogram of the focused example: the clip's first this-many seconds. */
export const FOCUS_SPECTROGRAM_SEC = 30;

export interface ExampleActivation {
  startSec: number;
  frameRateHz: number;
  values: number[];
}

/** A stable key for an example ("top-0", "quantile-3"), also the player's request key. */
export function exampleKey(example: FeatureExample, index: number): string {
  return `${example.kind}-${index}`;
}

async function decodeMono(bytes: Uint8Array<ArrayBuffer>): Promise<{ samples: Float32Array; sampleRate: number }> {
  const sampleRate = Math.min(96_000, Math.max(8000, wavSampleRate(bytes) ?? 16_000));
  const context = new OfflineAudioContext({ numberOfChannels: 1, length: 1, sampleRate });
  const buffer = await context.decodeAudioData(bytes.slice().buffer);
  const channels = Array.from({ length: buffer.numberOfChannels }, (_, c) => buffer.getChannelData(c));
  return { samples: mixDown(channels), sampleRate: buffer.sampleRate };
}

class FeatureDetailStore {
  #detail = $state.raw<FeatureDetail | null>(null);
  #key = $state<string | null>(null);
  #loading = $state(false);
  #error = $state<ErrorDescription | null>(null);
  #request: AbortController | null = null;

  readonly #peaks = new SvelteMap<number, ClipPeaks>();
  readonly #activations = new SvelteMap<string, ExampleActivation>();
  readonly #asked = new Set<string>();

  #contextSec = $state(DEFAULT_CONTEXT_SEC);
  #showQuantiles = $state(false);
  /** The example whose spectrogram is shown (the last played or clicked). */
  #focused = $state<string | null>(null);
  #spectrogram = $state.raw<{ clipId: number; spec: Spectrogram; sec: number } | null>(null);
  #specRequest: AbortController | null = null;

  constructor() {
    onEngineEvent((event) => {
      if (event.type === 'labels.changed') this.#patchLabel(event.label);
    });
  }

  get detail(): FeatureDetail | null {
    return this.#detail;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get error(): ErrorDescription | null {
    return this.#error;
  }
  get contextSec(): number {
    return this.#contextSec;
  }
  get showQuantiles(): boolean {
    return this.#showQuantiles;
  }
  get focused(): string | null {
    return this.#focused;
  }
  get spectrogram(): { clipId: number; spec: Spectrogram; sec: number } | null {
    return this.#spectrogram;
  }

  dismissError(): void {
    this.#error = null;
  }

  setContext(sec: number): void {
    this.#contextSec = sec;
  }
  stepContext(delta: 1 | -1): void {
    this.#contextSec = stepContext(this.#contextSec, delta);
  }
  toggleQuantiles(): void {
    this.#showQuantiles = !this.#showQuantiles;
  }

  peaksOf(clipId: number): ClipPeaks | null {
    return this.#peaks.get(clipId) ?? null;
  }

  activationOf(clipId: number): ExampleActivation | null {
    const detail = this.#detail;
    return detail ? (this.#activations.get(`${detail.saeId}:${detail.feature}:${clipId}`) ?? null) : null;
  }

  /** Loads a feature's page (no-op when it is already shown). */
  async load(saeId: number, feature: number): Promise<void> {
    const key = `${saeId}:${feature}`;
    if (key === this.#key && (this.#detail || this.#loading)) return;
    this.#request?.abort();
    const controller = new AbortController();
    this.#request = controller;
    this.#key = key;
    this.#loading = true;
    this.#error = null;
    try {
      const detail = await featuresApi.get(saeId, feature, { signal: controller.signal });
      if (controller.signal.aborted) return;
      this.#detail = detail;
      const first = detail.top[0];
      if (first) this.focus(exampleKey(first, 0), first);
    } catch (error) {
      if (!controller.signal.aborted && !isCancelled(error)) {
        this.#detail = null;
        this.#error = describeError(error);
      }
    } finally {
      if (this.#request === controller) {
        this.#request = null;
        this.#loading = false;
      }
    }
  }

  /** Fetches what an example's strip draws (once per clip and feature). */
  ensureExample(example: FeatureExample): void {
    const detail = this.#detail;
    if (!detail) return;
    const { clipId } = example;
    if (!this.#peaks.has(clipId) && !this.#asked.has(`peaks:${clipId}`)) {
      this.#asked.add(`peaks:${clipId}`);
      featuresApi.clipPeaks(clipId, PEAK_POINTS).then(
        (peaks) => this.#peaks.set(clipId, peaks),
        (error: unknown) => {
          this.#asked.delete(`peaks:${clipId}`);
          if (!isCancelled(error)) this.#error = describeError(error);
        },
      );
    }
    const key = `${detail.saeId}:${detail.feature}:${clipId}`;
    if (!this.#activations.has(key) && !this.#asked.has(key)) {
      this.#asked.add(key);
      featuresApi.clipActivations({ saeId: detail.saeId, clipId, features: [detail.feature] }).then(
        (result) => {
          const values = result.features.find((f) => f.feature === detail.feature)?.values ?? [];
          this.#activations.set(key, { startSec: result.startSec, frameRateHz: result.frameRateHz, values });
        },
        (error: unknown) => {
          this.#asked.delete(key);
          if (!isCancelled(error)) this.#error = describeError(error);
        },
      );
    }
  }

  /** Shows this example's spectrogram. */
  focus(key: string, example: FeatureExample): void {
    this.#focused = key;
    if (this.#spectrogram?.clipId === example.clipId) return;
    this.#specRequest?.abort();
    const controller = new AbortController();
    this.#specRequest = controller;
    const durationSec = Math.min(FOCUS_SPECTROGRAM_SEC, example.clipDurationSec);
    featuresApi
      .clipAudio(example.clipId, durationSec > 0 ? { startSec: 0, durationSec } : {}, { signal: controller.signal })
      .then(async (audio) => {
        if (controller.signal.aborted) return;
        const { samples, sampleRate } = await decodeMono(audio.bytes);
        if (controller.signal.aborted) return;
        const spec = spectrogram(samples, sampleRate, { fftSize: 512, maxFrames: 900 });
        this.#spectrogram = { clipId: example.clipId, spec, sec: samples.length / sampleRate };
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted && !isCancelled(error)) this.#error = describeError(error);
      });
  }

  /** All examples in the order the keys 1–9 count them (top first, then quantiles when shown). */
  readonly examples = $derived.by(() => {
    const detail = this.#detail;
    if (!detail) return [];
    const top = detail.top.map((example, i) => ({ example, key: exampleKey(example, i) }));
    const quantiles = this.#showQuantiles ? detail.quantiles.map((example, i) => ({ example, key: exampleKey(example, i) })) : [];
    return [...top, ...quantiles];
  });

  /** Plays the window around example n's peak (n from 0), or its whole clip. */
  play(index: number, whole = false): void {
    const entry = this.examples[index];
    if (entry) this.playExample(entry.key, entry.example, whole);
  }

  playExample(key: string, example: FeatureExample, whole = false): void {
    const detail = this.#detail;
    const frameSec = detail && detail.frameRateHz > 0 ? 1 / detail.frameRateHz : 0;
    this.focus(key, example);
    void featurePlayer.play({
      key,
      clipId: example.clipId,
      clipDurationSec: example.clipDurationSec,
      ...(whole ? {} : { window: peakWindow(example.timeSec, this.#contextSec, example.clipDurationSec, frameSec) }),
    });
  }

  /** `w`: the whole clip of the last played (or focused) example. */
  playWholeClip(): void {
    const key = featurePlayer.current?.key ?? this.#focused;
    const entry = this.examples.find((e) => e.key === key) ?? this.examples[0];
    if (entry) this.playExample(entry.key, entry.example, true);
  }

  #patchLabel(label: FeatureLabel): void {
    const detail = this.#detail;
    if (!detail) return;
    if (label.saeId === detail.saeId && label.feature === detail.feature) this.#detail = { ...detail, label };
    else if (label.saeId === detail.saeId && detail.neighbours.some((n) => n.feature === label.feature)) {
      this.#detail = {
        ...detail,
        neighbours: detail.neighbours.map((n) => (n.feature === label.feature ? { ...n, label: label.label || null } : n)),
      };
    }
  }
}

export const featureDetail = new FeatureDetailStore();
