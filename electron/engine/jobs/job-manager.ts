/**
 * Long work runs as jobs: persisted in SQLite, run one at a time in submission order,
 * cancellable through an AbortSignal, reporting throttled progress events. A job left
 * unfinished by a dead engine is marked `interrupted` on the next start and can be resumed.
 */
import { AppError, CancelledError, toErrorShape } from '../../common/errors.js';
import type { JobKind, JobSnapshot } from '../../common/jobs.js';
import { Emitter, type Disposable } from '../../common/lifecycle.js';
import type { JobsRepo } from '../store/jobs-repo.js';
import { ProgressTracker, type ProgressUpdate } from './progress.js';

export interface JobContext<P> {
  readonly jobId: number;
  readonly params: P;
  readonly signal: AbortSignal;
  progress(update: ProgressUpdate): void;
  /** Throws CancelledError when the job was cancelled. Call between units of work. */
  throwIfCancelled(): void;
}

export interface JobDefinition<P> {
  title(params: P): string;
  run(context: JobContext<P>): Promise<unknown>;
}

const PROGRESS_EVENT_INTERVAL_MS = 100;
const PROGRESS_PERSIST_INTERVAL_MS = 1000;

export class JobManager implements Disposable {
  readonly #definitions = new Map<JobKind, JobDefinition<never>>();
  readonly #queue: number[] = [];
  readonly #controllers = new Map<number, AbortController>();
  readonly #onJobChanged = new Emitter<JobSnapshot>();
  readonly onJobChanged = this.#onJobChanged.event;
  #running: Promise<void> | null = null;
  #disposed = false;

  constructor(private readonly repo: JobsRepo) {}

  register<P>(kind: JobKind, definition: JobDefinition<P>): void {
    if (this.#definitions.has(kind)) throw new Error(`Job kind already registered: ${kind}`);
    this.#definitions.set(kind, definition as JobDefinition<never>);
  }

  enqueue<P>(kind: JobKind, params: P, resumedFrom: number | null = null): JobSnapshot {
    const definition = this.#definitions.get(kind) as JobDefinition<P> | undefined;
    if (!definition) throw new AppError('internal', `Unknown job kind: ${kind}`);
    if (this.#disposed) throw new AppError('unavailable', 'The engine is shutting down.');
    const job = this.repo.create(kind, definition.title(params), params, resumedFrom);
    this.#queue.push(job.id);
    this.#onJobChanged.fire(job);
    this.#pump();
    return job;
  }

  get(id: number): JobSnapshot {
    const job = this.repo.get(id);
    if (!job) throw new AppError('not_found', `No job with id ${id}.`);
    return job;
  }

  list(limit: number): JobSnapshot[] {
    return this.repo.list(limit);
  }

  cancel(id: number): JobSnapshot {
    const job = this.get(id);
    const queuedAt = this.#queue.indexOf(id);
    if (queuedAt >= 0) {
      this.#queue.splice(queuedAt, 1);
      this.repo.finish(id, 'cancelled', { progress: job.progress, error: new CancelledError().toShape() });
      return this.#changed(id);
    }
    this.#controllers.get(id)?.abort();
    return job;
  }

  /** Runs a finished-but-unsuccessful job again with the same parameters, as a new job. */
  resume(id: number): JobSnapshot {
    const job = this.get(id);
    if (job.status === 'queued' || job.status === 'running' || job.status === 'succeeded') {
      throw new AppError('conflict', `Job ${id} is ${job.status}; only interrupted, failed or cancelled jobs resume.`);
    }
    return this.enqueue(job.kind, job.params, id);
  }

  /** Resolves when the job reaches a final state. */
  async waitFor(id: number): Promise<JobSnapshot> {
    const current = this.get(id);
    if (!this.#isActive(current)) return current;
    return new Promise((resolve) => {
      const listener = this.onJobChanged((job) => {
        if (job.id === id && !this.#isActive(job)) {
          listener.dispose();
          resolve(job);
        }
      });
    });
  }

  /** Resolves when nothing is queued or running. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  #isActive(job: JobSnapshot): boolean {
    return job.status === 'queued' || job.status === 'running';
  }

  #changed(id: number): JobSnapshot {
    const job = this.get(id);
    this.#onJobChanged.fire(job);
    return job;
  }

  #pump(): void {
    if (this.#running || this.#disposed) return;
    const next = this.#queue.shift();
    if (next === undefined) return;
    this.#running = this.#execute(next).finally(() => {
      this.#running = null;
      this.#pump();
    });
  }

  async #execute(id: number): Promise<void> {
    const job = this.get(id);
    const definition = this.#definitions.get(job.kind)!;
    const controller = new AbortController();
    this.#controllers.set(id, controller);
    const tracker = new ProgressTracker(job.progress);
    let lastEvent = 0;
    let lastPersist = 0;

    this.repo.markRunning(id);
    this.#changed(id);

    const context: JobContext<never> = {
      jobId: id,
      params: job.params as never,
      signal: controller.signal,
      progress: (update) => {
        const progress = tracker.update(update);
        const now = performance.now();
        if (now - lastPersist >= PROGRESS_PERSIST_INTERVAL_MS) {
          lastPersist = now;
          this.repo.saveProgress(id, progress);
        }
        if (now - lastEvent >= PROGRESS_EVENT_INTERVAL_MS) {
          lastEvent = now;
          this.#onJobChanged.fire({ ...this.get(id), progress });
        }
      },
      throwIfCancelled: () => {
        if (controller.signal.aborted) throw new CancelledError();
      },
    };

    try {
      const result = await definition.run(context);
      if (controller.signal.aborted) throw new CancelledError();
      this.repo.finish(id, 'succeeded', { progress: tracker.complete(), result });
    } catch (error) {
      const shape = toErrorShape(error);
      const status = shape.code === 'cancelled' || controller.signal.aborted ? 'cancelled' : 'failed';
      const cancelledShape = status === 'cancelled' ? new CancelledError().toShape() : shape;
      this.repo.finish(id, status, { progress: tracker.current, error: cancelledShape });
    } finally {
      this.#controllers.delete(id);
    }
    this.#changed(id);
  }

  /** Aborts running work; what is left unfinished is marked interrupted on the next start. */
  dispose(): void {
    this.#disposed = true;
    this.#queue.length = 0;
    for (const controller of this.#controllers.values()) controller.abort();
    this.#onJobChanged.dispose();
  }
}
