/**
 * Registered models and the download job started from the Models page.
 */
import type { CatalogModel, ModelRow } from '../../../electron/common/contract.js';
import { api, onEngineEvent } from './api.js';
import { engine } from './engine.svelte.js';
import { describeError, type ErrorDescription } from './errors.js';
import { TrackedJob } from './tracked-job.svelte.js';

export const DEFAULT_REPO_PLACEHOLDER = 'onnx-community/whisper-tiny';

class ModelStore {
  #list = $state.raw<ModelRow[]>([]);
  #catalog = $state.raw<CatalogModel[]>([]);
  #deleting = $state<number | null>(null);
  #loaded = $state(false);
  #error = $state<ErrorDescription | null>(null);
  readonly #download = new TrackedJob({
    onError: (error) => (this.#error = error),
    onFinal: (job) => {
      if (job.status === 'succeeded') void this.refresh();
    },
  });

  readonly downloadJob = $derived(this.#download.job);

  constructor() {
    onEngineEvent((event) => {
      if (event.type === 'models.changed') void this.refresh();
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
    return this.#download.submitting;
  }
  get error(): ErrorDescription | null {
    return this.#error;
  }

  dismissError(): void {
    this.#error = null;
  }

  dismissDownload(): void {
    this.#download.dismiss();
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
    await this.#download.start(() => api.downloadModel(repoId.trim(), revision.trim() || 'main'));
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

  cancelDownload(): Promise<void> {
    return this.#download.cancel();
  }
}

export const models = new ModelStore();
