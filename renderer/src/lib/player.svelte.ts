/**
 * The one clip player: fetches a clip's audio (its first PLAY_WINDOW_SEC as WAV), plays it from a
 * blob: URL (revoked when replaced), and keeps the playhead time the clip view draws.
 */
import type { ClipRow } from '../../../electron/common/contract.js';
import { api } from './api.js';
import { describeError, isCancelled, type ErrorDescription } from './errors.js';

/**
 * The most audio fetched for playback: a longer file plays its first 5 minutes (the engine sends
 * a window as mono 16-bit WAV at <= 48 kHz, so at most ~29 MB).
 */
export const PLAY_WINDOW_SEC = 300;

class ClipPlayer {
  #url = $state<string | null>(null);
  #clip = $state.raw<ClipRow | null>(null);
  #startSec = $state(0);
  #windowSec = $state(0);
  #loadingClipId = $state<number | null>(null);
  #error = $state<ErrorDescription | null>(null);
  /** Bumped on every play request that succeeded, so the element restarts even for the same clip. */
  #generation = $state(0);
  #request: AbortController | null = null;

  /** Seconds into the clip (not the window) where the audio element is. */
  #time = $state(0);
  #playing = $state(false);
  /** A seek asked for by the UI (clip seconds); the audio element applies it. */
  #seek = $state.raw<{ time: number } | null>(null);

  get url(): string | null {
    return this.#url;
  }
  get clip(): ClipRow | null {
    return this.#clip;
  }
  /** Where the fetched audio starts in the clip and how long it is. */
  get startSec(): number {
    return this.#startSec;
  }
  get windowSec(): number {
    return this.#windowSec;
  }
  get loadingClipId(): number | null {
    return this.#loadingClipId;
  }
  get generation(): number {
    return this.#generation;
  }
  get error(): ErrorDescription | null {
    return this.#error;
  }
  get time(): number {
    return this.#time;
  }
  get playing(): boolean {
    return this.#playing;
  }
  get seekRequest(): { time: number } | null {
    return this.#seek;
  }

  dismissError(): void {
    this.#error = null;
  }

  /** The audio element reports where it is (element seconds; the window's start is added). */
  report(elementTime: number, playing: boolean): void {
    this.#time = this.#startSec + elementTime;
    this.#playing = playing;
  }

  /** Asks the audio element to jump to `clipSec` (clamped to the fetched window). */
  seek(clipSec: number): void {
    const time = Math.min(Math.max(clipSec, this.#startSec), this.#startSec + this.#windowSec);
    this.#time = time;
    this.#seek = { time: time - this.#startSec };
  }

  async play(clip: ClipRow): Promise<void> {
    this.#request?.abort();
    const request = new AbortController();
    this.#request = request;
    this.#error = null;
    this.#loadingClipId = clip.id;
    try {
      const window = clip.durationSec > PLAY_WINDOW_SEC ? { startSec: 0, durationSec: PLAY_WINDOW_SEC } : {};
      const audio = await api.clipAudio(clip.id, window, { signal: request.signal });
      if (request.signal.aborted) return;
      const blob = new Blob([audio.bytes], { type: audio.mimeType });
      const previous = this.#url;
      this.#url = URL.createObjectURL(blob);
      this.#clip = clip;
      this.#startSec = audio.startSec ?? 0;
      this.#windowSec = audio.durationSec ?? clip.durationSec;
      this.#time = this.#startSec;
      this.#seek = null;
      this.#generation++;
      if (previous) URL.revokeObjectURL(previous);
    } catch (error) {
      if (!request.signal.aborted && !isCancelled(error)) this.#error = describeError(error);
    } finally {
      if (this.#request === request) {
        this.#request = null;
        this.#loadingClipId = null;
      }
    }
  }

  stop(): void {
    this.#request?.abort();
    if (this.#url) URL.revokeObjectURL(this.#url);
    this.#url = null;
    this.#clip = null;
    this.#playing = false;
  }
}

export const player = new ClipPlayer();
