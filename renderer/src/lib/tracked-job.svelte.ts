/**
 * A job a store starts and follows (an import, a download, an extraction): remembers its id, says
 * while it is being submitted, reports errors to the store, and calls `onFinal` once per job when
 * the job ends.
 */
import { isFinalJobStatus, type JobSnapshot } from '../../../electron/common/jobs.js';
import { onEngineEvent } from './api.js';
import { describeError, type ErrorDescription } from './errors.js';
import { jobs } from './jobs.svelte.js';

export interface TrackedJobHooks {
  /** A refused start or cancel, or the job's own failure. */
  onError(error: ErrorDescription): void;
  /** The job reached a final status (after `onError` when it failed). */
  onFinal?(job: JobSnapshot): void;
}

export class TrackedJob {
  #id = $state<number | null>(null);
  #submitting = $state(false);
  #handledFinal: number | null = null;
  readonly #hooks: TrackedJobHooks;

  /** The job's latest snapshot, once started and until dismissed. */
  readonly job = $derived(jobs.get(this.#id));

  constructor(hooks: TrackedJobHooks) {
    this.#hooks = hooks;
    onEngineEvent((event) => {
      if (event.type === 'job' && event.job.id === this.#id) this.#handle(event.job);
    });
  }

  get submitting(): boolean {
    return this.#submitting;
  }

  /** Submits the job and follows it; resolves false (the error reported) when the engine refused. */
  async start(submit: () => Promise<{ jobId: number }>): Promise<boolean> {
    this.#submitting = true;
    try {
      const { jobId } = await submit();
      this.#id = jobId;
      await jobs.track(jobId);
      const known = jobs.get(jobId);
      if (known && jobId === this.#id) this.#handle(known);
      return true;
    } catch (error) {
      this.#hooks.onError(describeError(error));
      return false;
    } finally {
      this.#submitting = false;
    }
  }

  async cancel(): Promise<void> {
    if (this.#id == null) return;
    try {
      await jobs.cancel(this.#id);
    } catch (error) {
      this.#hooks.onError(describeError(error));
    }
  }

  /** Forgets a finished job (a running one stays). */
  dismiss(): void {
    if (this.job && !isFinalJobStatus(this.job.status)) return;
    this.#id = null;
  }

  #handle(job: JobSnapshot): void {
    if (!isFinalJobStatus(job.status) || this.#handledFinal === job.id) return;
    this.#handledFinal = job.id;
    if (job.status === 'failed' && job.error) this.#hooks.onError(describeError(job.error));
    this.#hooks.onFinal?.(job);
  }
}
