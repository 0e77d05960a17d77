/**
 * Datasets, the selected dataset (its clips live in `datasets.clips`, a ClipBrowser), its import
 * report, and the import job started from the Datasets page.
 */
import type { DatasetLayout, DatasetSummary, ImportReport } from '../../../electron/common/contract.js';
import { api, onEngineEvent } from './api.js';
import { ClipBrowser } from './clip-browser.svelte.js';
import { engine } from './engine.svelte.js';
import { describeError, isCancelled, type ErrorDescription } from './errors.js';
import { readImportResult } from './job-results.js';
import { cleanPastedPath } from './paths.js';
import { player } from './player.svelte.js';
import { TrackedJob } from './tracked-job.svelte.js';

class DatasetStore {
  #list = $state.raw<DatasetSummary[]>([]);
  #loaded = $state(false);
  #selectedId = $state<number | null>(null);
  /** The selected dataset's clips: query, pages, selection, label counts. */
  readonly browser = new ClipBrowser();

  #report = $state.raw<ImportReport | null>(null);
  #reportFor = $state<number | null>(null);
  #reportLoading = $state(false);
  #reportRequest: AbortController | null = null;

  #error = $state<ErrorDescription | null>(null);
  readonly #import = new TrackedJob({
    onError: (error) => (this.#error = error),
    onFinal: (job) => {
      if (job.status !== 'succeeded') return;
      const datasetId = readImportResult(job.result)?.datasetId;
      void this.refresh().then(() => {
        if (datasetId != null && this.#list.some((d) => d.id === datasetId)) void this.select(datasetId);
      });
    },
  });

  readonly selected = $derived(this.#list.find((d) => d.id === this.#selectedId) ?? null);
  /** The first page of the selected dataset's clips (as sorted and filtered in the browser). */
  readonly clips = $derived(this.browser.firstRows);
  readonly selectedClip = $derived(this.browser.selectedClip);
  readonly importJob = $derived(this.#import.job);
  readonly importResult = $derived(
    this.importJob?.status === 'succeeded' ? readImportResult(this.importJob.result) : null,
  );

  constructor() {
    onEngineEvent((event) => {
      if (event.type === 'datasets.changed') void this.refresh();
    });
    engine.onReady(() => {
      void this.refresh().then(() => {
        if (this.#selectedId != null) this.browser.reload();
      });
    });
  }

  get list(): DatasetSummary[] {
    return this.#list;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get selectedId(): number | null {
    return this.#selectedId;
  }
  get selectedClipId(): number | null {
    return this.browser.selectedClip?.id ?? null;
  }
  get clipsLoading(): boolean {
    return this.browser.loading;
  }
  get submitting(): boolean {
    return this.#import.submitting;
  }
  get error(): ErrorDescription | null {
    return this.#error ?? this.browser.error;
  }
  /** The import report shown (failures of one dataset's imports), or null when closed. */
  get report(): ImportReport | null {
    return this.#report;
  }
  get reportFor(): number | null {
    return this.#reportFor;
  }
  get reportLoading(): boolean {
    return this.#reportLoading;
  }

  dismissError(): void {
    this.#error = null;
    this.browser.dismissError();
  }

  /** Hides the finished import's summary. */
  dismissImport(): void {
    this.#import.dismiss();
  }

  async refresh(): Promise<void> {
    try {
      const before = this.selected;
      this.#list = await api.listDatasets();
      this.#loaded = true;
      if (this.#selectedId != null && !this.#list.some((d) => d.id === this.#selectedId)) {
        this.#selectedId = null;
        this.browser.open(null);
        this.closeReport();
      }
      const after = this.selected;
      // Clips were added (a resumed import) or removed: the cached pages are stale.
      if (before && after && before.clipCount !== after.clipCount) this.browser.reload();
      if (after && this.#reportFor === after.id && before?.failedFiles !== after.failedFiles) {
        void this.openReport(after.id);
      }
    } catch (error) {
      this.#error = describeError(error);
    }
  }

  async select(datasetId: number | null): Promise<void> {
    if (datasetId === this.#selectedId) return;
    this.#selectedId = datasetId;
    // The player belongs to the clip view of the dataset shown.
    if (player.clip && player.clip.datasetId !== datasetId) player.stop();
    if (this.#reportFor != null && this.#reportFor !== datasetId) this.closeReport();
    this.browser.open(datasetId);
    await Promise.resolve();
  }

  selectClip(clipId: number | null): void {
    this.browser.selectClip(clipId);
  }

  /** Loads and shows the failures of a dataset's imports. */
  async openReport(datasetId: number): Promise<void> {
    this.#reportRequest?.abort();
    const request = new AbortController();
    this.#reportRequest = request;
    this.#reportFor = datasetId;
    this.#reportLoading = true;
    if (this.#report?.datasetId !== datasetId) this.#report = null;
    try {
      const report = await api.importReport(datasetId, { signal: request.signal });
      if (request.signal.aborted) return;
      this.#report = report;
    } catch (error) {
      if (!request.signal.aborted && !isCancelled(error)) this.#error = describeError(error);
    } finally {
      if (this.#reportRequest === request) {
        this.#reportRequest = null;
        this.#reportLoading = false;
      }
    }
  }

  closeReport(): void {
    this.#reportRequest?.abort();
    this.#reportRequest = null;
    this.#reportFor = null;
    this.#report = null;
    this.#reportLoading = false;
  }

  async importFolder(name: string, folder: string, layout: DatasetLayout = 'auto'): Promise<void> {
    this.#error = null;
    await this.#import.start(() => api.importFolder(name.trim(), cleanPastedPath(folder), layout));
  }

  cancelImport(): Promise<void> {
    return this.#import.cancel();
  }
}

export const datasets = new DatasetStore();
