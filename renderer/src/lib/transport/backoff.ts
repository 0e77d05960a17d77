/** Reconnect delays: initial, then doubling, capped (250 ms -> 500 -> 1 s -> 2 s -> 2 s ...). */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** Spread each delay by up to +/- this fraction (0 = exact delays). */
  jitter: number;
  random: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialMs: 250,
  maxMs: 2_000,
  factor: 2,
  jitter: 0,
  random: Math.random,
};

export class Backoff {
  readonly #options: BackoffOptions;
  #attempt = 0;

  constructor(options: Partial<BackoffOptions> = {}) {
    this.#options = { ...DEFAULT_BACKOFF, ...options };
    if (this.#options.initialMs <= 0 || this.#options.maxMs < this.#options.initialMs) {
      throw new RangeError('Backoff needs 0 < initialMs <= maxMs.');
    }
  }

  /** Retries since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The delay before the next try; each call grows the following one. */
  next(): number {
    const { initialMs, maxMs, factor, jitter, random } = this.#options;
    const base = Math.min(maxMs, initialMs * factor ** this.#attempt);
    this.#attempt++;
    if (jitter <= 0) return base;
    const spread = base * jitter * (random() * 2 - 1);
    return Math.max(0, Math.round(Math.min(maxMs, base + spread)));
  }

  reset(): void {
    this.#attempt = 0;
  }
}
