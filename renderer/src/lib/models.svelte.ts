/**
 * Registered models and the download job started from the Models page.
 */
import type { ModelRow } from '../../../electron/common/contract.js';
import { isFinalJobStatus, type JobSnapshot } from '../../../electron/common/jobs.js';
import { api, onEngineEvent } from './api.js';
import { engine } from './engine.svelte.js';
import { describeError, type ErrorDescription } from './errors.js';
import { jobs } from './jobs.svelte.js';

export const DEFAULT_REPO_PLACEHOLDER = 'onnx-community/whisper-tiny';

class ModelStore {
  #list = $state.raw<ModelRow[]>([]);
  #loaded = $state(false);
  #downloadJobId = $state<number | null>(null);
  #submitting = $state(false);
  #error = $state<ErrorDescription | null>(null);
  #handledFinalJob: number | null = null;

  readonly downloadJob = $derived(jobs.get(this.#downloadJobId));

  constructor() {
    onEngineEvent((event) => {
      if (event.type === 'models.changed') void this.refresh();
      if (event.type === 'job' && event.job.id === this.#downloadJobId) this.#handleDownloadJob(event.job);
    });
    engine.onReady(() => void this.refresh());
  }

  get list(): ModelRow[] {
    return this.#list;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get submitting(): boolean {
    return this.#submitting;
  }
  get error(): ErrorDescription | null {
    return this.#error;
  }

  dismissError(): void {
    this.#error = null;
  }

  dismissDownload(): void {
    if (this.downloadJob && !isFinalJobStatus(this.downloadJob.status)) return;
    this.#downloadJobId = null;
  }

  async refresh(): Promise<void> {
    try {
      this.#list = await api.listModels();
      this.#loaded = true;
    } catch (error) {
      this.#error = describeError(error);
    }
  }

  async download(repoId: string, revision: string): Promise<void> {
    this.#error = null;
    this.#submitting = true;
    try {
      const { jobId } = await api.downloadModel(repoId.trim(), revision.trim() || 'main');
      this.#downloadJobId = jobId;
      await jobs.track(jobId);
      const known = jobs.get(jobId);
      if (known && jobId === this.#downloadJobId) this.#handleDownloadJob(known);
    } catch (error) {
      this.#error = describeError(error);
    } finally {
      this.#submitting = false;
    }
  }

  async cancelDownload(): Promise<void> {
    if (this.#downloadJobId == null) return;
    try {
      await jobs.cancel(this.#downloadJobId);
    } catch (error) {
      this.#error = describeError(error);
    }
  }

  #handleDownloadJob(job: JobSnapshot): void {
    if (!isFinalJobStatus(job.status) || this.#handledFinalJob === job.id) return;
    this.#handledFinalJob = job.id;
    if (job.status === 'failed' && job.error) this.#error = describeError(job.error);
    if (job.status === 'succeeded') void this.refresh();
  }
}

export const models = new ModelStore();
