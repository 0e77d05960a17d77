/**
 * Registered models and the download job started from the Models page.
 */
import type { CatalogModel, ModelRow } from '../../../electron/common/contract.js';
import { isFinalJobStatus, type JobSnapshot } from '../../../electron/common/jobs.js';
import { api, onEngineEvent } from './api.js';
import { engine } from './engine.svelte.js';
import { describeError, type ErrorDescription } from './errors.js';
import { jobs } from './jobs.svelte.js';

export const DEFAULT_REPO_PLACEHOLDER = 'onnx-community/whisper-tiny';

class ModelStore {
  #list = $state.raw<ModelRow[]>([]);
  #catalog = $state.raw<CatalogModel[]>([]);
  #deleting = $state<number | null>(null);
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
  get catalog(): CatalogModel[] {
    return this.#catalog;
  }
  /** The model being deleted (its row's buttons are disabled). */
  get deleting(): number | null {
    return this.#deleting;
  }
  /** Devices onnxruntime proved to work here (engine.info), CPU until known. */
  get devices(): string[] {
    return engine.info?.devices ?? ['cpu'];
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
      const [list, catalog] = await Promise.all([api.listModels(), api.modelCatalog()]);
      this.#list = list;
      this.#catalog = catalog;
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

  /**
   * Unregisters a model (with its activation runs when `force`) and, with `deleteFiles`, removes its
   * snapshot from the HF cache. Returns false (and shows why) when the engine refused.
   */
  async remove(modelId: number, deleteFiles: boolean, force: boolean): Promise<boolean> {
    this.#error = null;
    this.#deleting = modelId;
    try {
      await api.deleteModel(modelId, deleteFiles, force);
      await this.refresh();
      return true;
    } catch (error) {
      this.#error = describeError(error);
      return false;
    } finally {
      this.#deleting = null;
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
