/**
 * Datasets, the selected dataset's clip page, and the import job started from the Datasets page.
 */
import type { ClipPage, ClipRow, DatasetSummary } from '../../../electron/common/contract.js';
import type { JobSnapshot } from '../../../electron/common/jobs.js';
import { isFinalJobStatus } from '../../../electron/common/jobs.js';
import { api, CLIP_PAGE_SIZE, onEngineEvent } from './api.js';
import { engine } from './engine.svelte.js';
import { describeError, isCancelled, type ErrorDescription } from './errors.js';
import { readImportResult } from './job-results.js';
import { jobs } from './jobs.svelte.js';
import { cleanPastedPath } from './paths.js';

class DatasetStore {
  #list = $state.raw<DatasetSummary[]>([]);
  #loaded = $state(false);
  #selectedId = $state<number | null>(null);
  #clipPage = $state.raw<ClipPage | null>(null);
  #clipsLoading = $state(false);
  #selectedClipId = $state<number | null>(null);
  #clipRequest: AbortController | null = null;

  #importJobId = $state<number | null>(null);
  #submitting = $state(false);
  #error = $state<ErrorDescription | null>(null);
  #handledFinalJob: number | null = null;

  readonly selected = $derived(this.#list.find((d) => d.id === this.#selectedId) ?? null);
  readonly clips = $derived<ClipRow[]>(this.#clipPage?.clips ?? []);
  readonly selectedClip = $derived(this.clips.find((c) => c.id === this.#selectedClipId) ?? null);
  readonly importJob = $derived(jobs.get(this.#importJobId));
  readonly importResult = $derived(
    this.importJob?.status === 'succeeded' ? readImportResult(this.importJob.result) : null,
  );

  /** "201–400 of 1,234" paging facts for the clip table. */
  readonly paging = $derived.by(() => {
    const page = this.#clipPage;
    if (!page) return { from: 0, to: 0, total: 0, hasPrev: false, hasNext: false };
    const to = page.offset + page.clips.length;
    return {
      from: page.clips.length ? page.offset + 1 : 0,
      to,
      total: page.total,
      hasPrev: page.offset > 0,
      hasNext: to < page.total,
    };
  });

  constructor() {
    onEngineEvent((event) => {
      if (event.type === 'datasets.changed') void this.refresh();
      if (event.type === 'job' && event.job.id === this.#importJobId) this.#handleImportJob(event.job);
    });
    engine.onReady(() => {
      void this.refresh().then(() => {
        if (this.#selectedId != null) void this.loadClips(this.#clipPage?.offset ?? 0);
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
    return this.#selectedClipId;
  }
  get clipsLoading(): boolean {
    return this.#clipsLoading;
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

  /** Hides the finished import's summary. */
  dismissImport(): void {
    if (this.importJob && !isFinalJobStatus(this.importJob.status)) return;
    this.#importJobId = null;
  }

  async refresh(): Promise<void> {
    try {
      this.#list = await api.listDatasets();
      this.#loaded = true;
      if (this.#selectedId != null && !this.#list.some((d) => d.id === this.#selectedId)) {
        this.#selectedId = null;
        this.#clipPage = null;
        this.#selectedClipId = null;
      }
    } catch (error) {
      this.#error = describeError(error);
    }
  }

  async select(datasetId: number | null): Promise<void> {
    if (datasetId === this.#selectedId && (this.#clipPage || this.#clipsLoading)) return;
    this.#selectedId = datasetId;
    this.#selectedClipId = null;
    this.#clipPage = null;
    if (datasetId != null) await this.loadClips(0);
  }

  selectClip(clipId: number | null): void {
    this.#selectedClipId = clipId;
  }

  nextPage(): Promise<void> {
    return this.loadClips((this.#clipPage?.offset ?? 0) + CLIP_PAGE_SIZE);
  }

  prevPage(): Promise<void> {
    return this.loadClips(Math.max(0, (this.#clipPage?.offset ?? 0) - CLIP_PAGE_SIZE));
  }

  async loadClips(offset: number): Promise<void> {
    const datasetId = this.#selectedId;
    if (datasetId == null) return;
    this.#clipRequest?.abort();
    const request = new AbortController();
    this.#clipRequest = request;
    this.#clipsLoading = true;
    try {
      const page = await api.listClips(datasetId, offset, { signal: request.signal });
      if (request.signal.aborted || datasetId !== this.#selectedId) return;
      this.#clipPage = page;
    } catch (error) {
      if (!request.signal.aborted && !isCancelled(error)) this.#error = describeError(error);
    } finally {
      if (this.#clipRequest === request) {
        this.#clipRequest = null;
        this.#clipsLoading = false;
      }
    }
  }

  async importFolder(name: string, folder: string): Promise<void> {
    this.#error = null;
    this.#submitting = true;
    try {
      const { jobId } = await api.importFolder(name.trim(), cleanPastedPath(folder));
      this.#importJobId = jobId;
      await jobs.track(jobId);
      const known = jobs.get(jobId);
      if (known && jobId === this.#importJobId) this.#handleImportJob(known);
    } catch (error) {
      this.#error = describeError(error);
    } finally {
      this.#submitting = false;
    }
  }

  async cancelImport(): Promise<void> {
    if (this.#importJobId == null) return;
    try {
      await jobs.cancel(this.#importJobId);
    } catch (error) {
      this.#error = describeError(error);
    }
  }

  #handleImportJob(job: JobSnapshot): void {
    if (!isFinalJobStatus(job.status) || this.#handledFinalJob === job.id) return;
    this.#handledFinalJob = job.id;
    if (job.status === 'failed' && job.error) this.#error = describeError(job.error);
    if (job.status === 'succeeded') {
      const datasetId = readImportResult(job.result)?.datasetId;
      void this.refresh().then(() => {
        if (datasetId != null && this.#list.some((d) => d.id === datasetId)) void this.select(datasetId);
      });
    }
  }
}

export const datasets = new DatasetStore();
