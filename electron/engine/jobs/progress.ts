import type { JobProgress } from '../../common/jobs.js';

export interface ProgressUpdate {
  done: number;
  total?: number | null;
  unit?: string;
  message?: string;
}

/** Estimates seconds left from the average rate since the first unit of work. */
export class EtaEstimator {
  #startedAt: number | null = null;
  #startDone = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  estimate(done: number, total: number | null): number | null {
    const t = this.now();
    if (this.#startedAt === null) {
      this.#startedAt = t;
      this.#startDone = done;
      return null;
    }
    if (total === null || done <= this.#startDone) return null;
    const rate = (done - this.#startDone) / ((t - this.#startedAt) / 1000);
    if (!Number.isFinite(rate) || rate <= 0) return null;
    return Math.max(0, (total - done) / rate);
  }
}

/** Keeps a job's progress monotonic and derives the ETA. */
export class ProgressTracker {
  #progress: JobProgress;
  readonly #eta: EtaEstimator;

  constructor(initial: JobProgress, now?: () => number) {
    this.#progress = initial;
    this.#eta = new EtaEstimator(now);
    this.#eta.estimate(initial.done, initial.total);
  }

  get current(): JobProgress {
    return this.#progress;
  }

  update(update: ProgressUpdate): JobProgress {
    const total = update.total === undefined ? this.#progress.total : update.total;
    const done = Math.max(this.#progress.done, update.done);
    this.#progress = {
      done,
      total,
      unit: update.unit ?? this.#progress.unit,
      etaSeconds: this.#eta.estimate(done, total),
      ...(update.message !== undefined ? { message: update.message } : {}),
    };
    return this.#progress;
  }

  /** On success the bar ends full. */
  complete(): JobProgress {
    const total = this.#progress.total ?? this.#progress.done;
    this.#progress = { ...this.#progress, done: total, total, etaSeconds: 0 };
    return this.#progress;
  }
}
