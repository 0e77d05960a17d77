/**
 * Playback on the feature pages: a window of a clip (the audio around a feature's peak) or the
 * whole clip, fetched as WAV (clips.audio cuts the window in the engine) and played from a blob:
 * URL. Remembers the last request so `r` replays it, and the playhead in clip seconds.
 */
import { describeError, isCancelled, type ErrorDescription } from './errors.js';
import { featuresApi } from './features-api.js';

/** The most of a clip fetched for "play whole clip" (as the dataset player). */
const WHOLE_CLIP_MAX_SEC = 300;

export interface PlayRequest {
  /** Which example asked (to mark it as playing), e.g. "top-3". */
  key: string;
  clipId: number;
  clipDurationSec: number;
  /** A window of the clip; absent: the whole clip. */
  window?: { startSec: number; durationSec: number };
}

class FeaturePlayer {
  #url = $state<string | null>(null);
  #current = $state.raw<PlayRequest | null>(null);
  #startSec = $state(0);
  #durationSec = $state(0);
  #loadingKey = $state<string | null>(null);
  #generation = $state(0);
  #time = $state(0);
  #playing = $state(false);
  #error = $state<ErrorDescription | null>(null);
  #request: AbortController | null = null;

  get url(): string | null {
    return this.#url;
  }
  get current(): PlayRequest | null {
    return this.#current;
  }
  get generation(): number {
    return this.#generation;
  }
  get loadingKey(): string | null {
    return this.#loadingKey;
  }
  /** Seconds into the clip where playback is. */
  get time(): number {
    return this.#time;
  }
  get playing(): boolean {
    return this.#playing;
  }
  /** The fetched audio's place in the clip. */
  get startSec(): number {
    return this.#startSec;
  }
  get durationSec(): number {
    return this.#durationSec;
  }
  get error(): ErrorDescription | null {
    return this.#error;
  }

  dismissError(): void {
    this.#error = null;
  }

  report(elementTime: number, playing: boolean): void {
    this.#time = this.#startSec + elementTime;
    this.#playing = playing;
  }

  async play(request: PlayRequest): Promise<void> {
    this.#request?.abort();
    const controller = new AbortController();
    this.#request = controller;
    this.#error = null;
    this.#loadingKey = request.key;
    try {
      const window =
        request.window ?? (request.clipDurationSec > WHOLE_CLIP_MAX_SEC ? { startSec: 0, durationSec: WHOLE_CLIP_MAX_SEC } : {});
      const audio = await featuresApi.clipAudio(request.clipId, window, { signal: controller.signal });
      if (controller.signal.aborted) return;
      const previous = this.#url;
      this.#url = URL.createObjectURL(new Blob([audio.bytes], { type: audio.mimeType }));
      this.#current = request;
      this.#startSec = audio.startSec ?? 0;
      this.#durationSec = audio.durationSec;
      this.#time = this.#startSec;
      this.#generation++;
      if (previous) URL.revokeObjectURL(previous);
    } catch (error) {
      if (!controller.signal.aborted && !isCancelled(error)) this.#error = describeError(error);
    } finally {
      if (this.#request === controller) {
        this.#request = null;
        this.#loadingKey = null;
      }
    }
  }

  /** Plays the last request again (from the engine's cached bytes: same URL, restarted). */
  replay(): void {
    if (!this.#current) return;
    this.#time = this.#startSec;
    this.#generation++;
  }

  stop(): void {
    this.#request?.abort();
    if (this.#url) URL.revokeObjectURL(this.#url);
    this.#url = null;
    this.#current = null;
    this.#playing = false;
  }
}

export const featurePlayer = new FeaturePlayer();
