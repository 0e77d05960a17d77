/**
 * When a supervised engine dies: restart it after a growing delay, but give up when it
 * keeps dying (a crash loop means something is wrong that a restart will not fix).
 */
export interface RestartPolicyOptions {
  /** Most restarts allowed inside `windowMs`. */
  maxRestarts: number;
  windowMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = {
  maxRestarts: 5,
  windowMs: 60_000,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
};

export class RestartPolicy {
  readonly #options: RestartPolicyOptions;
  #recent: number[] = [];
  #total = 0;

  constructor(options: Partial<RestartPolicyOptions> = {}) {
    this.#options = { ...DEFAULT_RESTART_POLICY, ...options };
  }

  /** Restarts granted so far. */
  get restarts(): number {
    return this.#total;
  }

  /** Delay before the next restart, or null to give up. Records the restart when granted. */
  nextDelay(now = Date.now()): number | null {
    const { maxRestarts, windowMs, baseDelayMs, maxDelayMs } = this.#options;
    this.#recent = this.#recent.filter((t) => now - t < windowMs);
    if (this.#recent.length >= maxRestarts) return null;
    const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** this.#recent.length);
    this.#recent.push(now);
    this.#total++;
    return delay;
  }
}
