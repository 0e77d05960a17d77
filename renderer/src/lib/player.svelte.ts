/**
 * The one clip player: fetches a clip's bytes, plays them from a blob: URL, revokes the old URL.
 */
import type { ClipRow } from '../../../electron/common/contract.js';
import { api } from './api.js';
import { describeError, isCancelled, type ErrorDescription } from './errors.js';

class ClipPlayer {
  #url = $state<string | null>(null);
  #clip = $state.raw<ClipRow | null>(null);
  #loadingClipId = $state<number | null>(null);
  #error = $state<ErrorDescription | null>(null);
  /** Bumped on every play request that succeeded, so the element restarts even for the same clip. */
  #generation = $state(0);
  #request: AbortController | null = null;

  get url(): string | null {
    return this.#url;
  }
  get clip(): ClipRow | null {
    return this.#clip;
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

  dismissError(): void {
    this.#error = null;
  }

  async play(clip: ClipRow): Promise<void> {
    this.#request?.abort();
    const request = new AbortController();
    this.#request = request;
    this.#error = null;
    this.#loadingClipId = clip.id;
    try {
      const audio = await api.clipAudio(clip.id, { signal: request.signal });
      if (request.signal.aborted) return;
      // Bytes that crossed structured clone or the JSON codec always sit in a plain ArrayBuffer.
      const blob = new Blob([audio.bytes as Uint8Array<ArrayBuffer>], { type: audio.mimeType });
      const previous = this.#url;
      this.#url = URL.createObjectURL(blob);
      this.#clip = clip;
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
  }
}

export const player = new ClipPlayer();
