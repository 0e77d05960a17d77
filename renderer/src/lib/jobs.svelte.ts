/**
 * Job snapshots, kept live by the engine's `job` events. Pages look jobs up by id.
 */
import { SvelteMap } from 'svelte/reactivity';
import { isFinalJobStatus, type JobSnapshot, type JobStatus } from '../../../electron/common/jobs.js';
import { api, onEngineEvent } from './api.js';
import { engine } from './engine.svelte.js';
import { describeError, type ErrorDescription } from './errors.js';

const RESUMABLE: readonly JobStatus[] = ['interrupted', 'failed', 'cancelled'];

export function canCancel(job: JobSnapshot): boolean {
  return !isFinalJobStatus(job.status);
}

export function canResume(job: JobSnapshot): boolean {
  return RESUMABLE.includes(job.status);
}

class JobStore {
  readonly #byId = new SvelteMap<number, JobSnapshot>();
  #loading = $state(false);
  #error = $state<ErrorDescription | null>(null);
  /** Jobs with a cancel or resume request in flight. */
  readonly #busy = new SvelteMap<number, true>();

  /** Newest first. */
  readonly all = $derived([...this.#byId.values()].sort((a, b) => b.id - a.id));
  readonly active = $derived(this.all.filter((job) => !isFinalJobStatus(job.status)));

  constructor() {
    onEngineEvent((event) => {
      if (event.type === 'job') this.#byId.set(event.job.id, event.job);
    });
    engine.onReady(() => void this.refresh());
  }

  get loading(): boolean {
    return this.#loading;
  }

  get error(): ErrorDescription | null {
    return this.#error;
  }

  dismissError(): void {
    this.#error = null;
  }

  get(jobId: number | null | undefined): JobSnapshot | undefined {
    return jobId == null ? undefined : this.#byId.get(jobId);
  }

  isBusy(jobId: number): boolean {
    return this.#busy.has(jobId);
  }

  async refresh(): Promise<void> {
    this.#loading = true;
    try {
      for (const job of await api.listJobs()) this.#byId.set(job.id, job);
    } catch (error) {
      this.#error = describeError(error);
    } finally {
      this.#loading = false;
    }
  }

  /** Makes sure a job just started is known, even if its first event was missed. */
  async track(jobId: number): Promise<void> {
    if (this.#byId.has(jobId)) return;
    try {
      const job = await api.getJob(jobId);
      if (!this.#byId.has(jobId)) this.#byId.set(jobId, job);
    } catch {
      // Its `job` events will bring it.
    }
  }

  /** Cancels a job; errors are thrown to the caller, which shows them where the job is. */
  async cancel(jobId: number): Promise<void> {
    await this.#withBusy(jobId, async () => {
      this.#byId.set(jobId, await api.cancelJob(jobId));
    });
  }

  /** Re-runs a job with its original parameters; resolves with the (possibly new) job id. */
  async resume(jobId: number): Promise<number> {
    return this.#withBusy(jobId, async () => {
      const { jobId: resumedId } = await api.resumeJob(jobId);
      await this.refresh();
      return resumedId;
    });
  }

  /** Cancel/resume from the Jobs page: errors go to this store's banner. */
  async cancelFromList(jobId: number): Promise<void> {
    this.#error = null;
    await this.cancel(jobId).catch((error: unknown) => {
      this.#error = describeError(error);
    });
  }

  async resumeFromList(jobId: number): Promise<void> {
    this.#error = null;
    await this.resume(jobId).catch((error: unknown) => {
      this.#error = describeError(error);
    });
  }

  async #withBusy<T>(jobId: number, work: () => Promise<T>): Promise<T> {
    this.#busy.set(jobId, true);
    try {
      return await work();
    } finally {
      this.#busy.delete(jobId);
    }
  }
}

export const jobs = new JobStore();
