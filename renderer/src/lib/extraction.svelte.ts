/**
 * Activation extraction from the Datasets page: the Extract dialog's choices, the extraction job,
 * and the activation runs (activations.runs), refreshed when an extraction ends.
 */
import type { ActivationRunSummary, RpcParams } from '../../../electron/common/contract.js';
import { isFinalJobStatus, type JobSnapshot } from '../../../electron/common/jobs.js';
import { api, onEngineEvent } from './api.js';
import { engine } from './engine.svelte.js';
import { describeError, type ErrorDescription } from './errors.js';
import { jobs } from './jobs.svelte.js';

export type ExtractDevice = NonNullable<RpcParams<'activations.extract'>['device']>;
export const EXTRACT_DEVICES: readonly ExtractDevice[] = ['cpu', 'cuda', 'dml', 'coreml', 'webgpu'];

export interface ExtractChoice {
  datasetId: number;
  modelId: number;
  /** 'all', or the chosen layer numbers (0 = input to block 1, N = output of block N). */
  layers: 'all' | number[];
  dtype: 'float16' | 'float32';
  device: ExtractDevice;
}

/** Reads the job result's fallback reason (the run also records it). */
export function extractFallback(job: JobSnapshot): string | null {
  const result = job.result as { deviceFallback?: unknown } | null | undefined;
  return typeof result?.deviceFallback === 'string' ? result.deviceFallback : null;
}

class ExtractionStore {
  #runs = $state.raw<ActivationRunSummary[]>([]);
  #jobId = $state<number | null>(null);
  #submitting = $state(false);
  #error = $state<ErrorDescription | null>(null);
  #handledFinalJob: number | null = null;

  readonly job = $derived(jobs.get(this.#jobId));

  constructor() {
    onEngineEvent((event) => {
      if (event.type === 'job' && event.job.id === this.#jobId) this.#handleJob(event.job);
      if (event.type === 'models.changed' || event.type === 'datasets.changed') void this.refresh();
    });
    engine.onReady(() => void this.refresh());
  }

  get runs(): ActivationRunSummary[] {
    return this.#runs;
  }
  get submitting(): boolean {
    return this.#submitting;
  }
  get error(): ErrorDescription | null {
    return this.#error;
  }

  runsOf(datasetId: number): ActivationRunSummary[] {
    return this.#runs.filter((r) => r.datasetId === datasetId);
  }

  dismissError(): void {
    this.#error = null;
  }

  dismissJob(): void {
    if (this.job && !isFinalJobStatus(this.job.status)) return;
    this.#jobId = null;
  }

  async refresh(): Promise<void> {
    try {
      this.#runs = await api.activationRuns();
    } catch (error) {
      this.#error = describeError(error);
    }
  }

  /** Starts the extraction; resolves true once the job is queued. */
  async start(choice: ExtractChoice): Promise<boolean> {
    this.#error = null;
    this.#submitting = true;
    try {
      const { jobId } = await api.extractActivations(choice);
      this.#jobId = jobId;
      await jobs.track(jobId);
      const known = jobs.get(jobId);
      if (known) this.#handleJob(known);
      void this.refresh();
      return true;
    } catch (error) {
      this.#error = describeError(error);
      return false;
    } finally {
      this.#submitting = false;
    }
  }

  async cancel(): Promise<void> {
    if (this.#jobId == null) return;
    try {
      await jobs.cancel(this.#jobId);
    } catch (error) {
      this.#error = describeError(error);
    }
  }

  #handleJob(job: JobSnapshot): void {
    if (!isFinalJobStatus(job.status) || this.#handledFinalJob === job.id) return;
    this.#handledFinalJob = job.id;
    if (job.status === 'failed' && job.error) this.#error = describeError(job.error);
    void this.refresh();
  }
}

export const extraction = new ExtractionStore();
