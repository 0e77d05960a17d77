/**
 * Keeps one channel to the engine open: opens it, hands each new channel to the owner,
 * and when it closes (the engine died and its supervisor is restarting it) tries again
 * after a growing delay. Transport-agnostic: `open` does the actual connecting.
 */
import { Emitter, type Disposable } from '../../../../electron/common/lifecycle.js';
import type { Channel } from '../../../../electron/common/wire.js';
import { Backoff } from './backoff.js';

/**
 * connecting: never connected yet; connected; reconnecting: a connection was lost and the
 * next one is not up yet; stopped: disposed.
 */
export type ReconnectPhase = 'connecting' | 'connected' | 'reconnecting' | 'stopped';

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const defaultTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
  now: () => Date.now(),
};

export interface ReconnectorOptions {
  /** Opens a channel; resolves once it is usable, rejects when it could not connect. */
  open(signal: AbortSignal): Promise<Channel>;
  backoff?: Backoff;
  /** A connection that lived this long resets the backoff when it closes. */
  stableMs?: number;
  timers?: Timers;
}

export class Reconnector implements Disposable {
  readonly #open: ReconnectorOptions['open'];
  readonly #backoff: Backoff;
  readonly #stableMs: number;
  readonly #timers: Timers;
  readonly #onPhaseChange = new Emitter<ReconnectPhase>();
  readonly #onChannel = new Emitter<Channel>();
  /** Fires on every phase change. */
  readonly onPhaseChange = this.#onPhaseChange.event;
  /** Fires with each newly opened channel; attach it to the RPC client. */
  readonly onChannel = this.#onChannel.event;

  #phase: ReconnectPhase = 'connecting';
  #started = false;
  #disposed = false;
  #everConnected = false;
  #channel: Channel | null = null;
  #closeListener: Disposable | null = null;
  #openedAt = 0;
  #timer: unknown = undefined;
  #attempt: AbortController | null = null;

  constructor(options: ReconnectorOptions) {
    this.#open = options.open;
    this.#backoff = options.backoff ?? new Backoff();
    this.#stableMs = options.stableMs ?? 1_000;
    this.#timers = options.timers ?? defaultTimers;
  }

  get phase(): ReconnectPhase {
    return this.#phase;
  }

  /** The open channel, if any. */
  get channel(): Channel | null {
    return this.#channel;
  }

  start(): void {
    if (this.#started || this.#disposed) return;
    this.#started = true;
    void this.#connect();
  }

  /** Skips the current wait and tries at once (no-op while connected or connecting). */
  retryNow(): void {
    if (this.#disposed || this.#timer === undefined) return;
    this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    void this.#connect();
  }

  async #connect(): Promise<void> {
    const attempt = new AbortController();
    this.#attempt = attempt;
    let channel: Channel;
    try {
      channel = await this.#open(attempt.signal);
    } catch {
      if (this.#disposed || attempt.signal.aborted) return;
      this.#attempt = null;
      this.#scheduleRetry();
      return;
    }
    this.#attempt = null;
    if (this.#disposed) {
      channel.dispose();
      return;
    }
    this.#channel = channel;
    this.#openedAt = this.#timers.now();
    this.#everConnected = true;
    this.#closeListener = channel.onClose(() => this.#handleClose(channel));
    this.#setPhase('connected');
    if (this.#channel === channel) this.#onChannel.fire(channel);
  }

  #handleClose(channel: Channel): void {
    if (channel !== this.#channel || this.#disposed) return;
    this.#closeListener?.dispose();
    this.#closeListener = null;
    this.#channel = null;
    if (this.#timers.now() - this.#openedAt >= this.#stableMs) this.#backoff.reset();
    this.#setPhase('reconnecting');
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    this.#setPhase(this.#everConnected ? 'reconnecting' : 'connecting');
    const delay = this.#backoff.next();
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      void this.#connect();
    }, delay);
  }

  #setPhase(phase: ReconnectPhase): void {
    if (this.#phase === phase) return;
    this.#phase = phase;
    this.#onPhaseChange.fire(phase);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#attempt?.abort();
    this.#closeListener?.dispose();
    const channel = this.#channel;
    this.#channel = null;
    channel?.dispose();
    this.#setPhase('stopped');
    this.#onPhaseChange.dispose();
    this.#onChannel.dispose();
  }
}
