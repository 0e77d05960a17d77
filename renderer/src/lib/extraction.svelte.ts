/**
 * Activation extraction from the Datasets page: the Extract dialog's choices, the extraction job,
 * and the activation runs (activations.runs), refreshed when an extraction ends.
 */
import type { ActivationRunSummary, RpcParams } from '../../../electron/common/contract.js';
import type { JobSnapshot } from '../../../electron/common/jobs.js';
import { api, onEngineEvent } from './api.js';
import { engine } from './engine.svelte.js';
import { describeError, type ErrorDescription } from './errors.js';
import { TrackedJob } from './tracked-job.svelte.js';

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
  #error = $state<ErrorDescription | null>(null);
  readonly #extraction = new TrackedJob({
    onError: (error) => (this.#error = error),
    onFinal: () => void this.refresh(),
  });

  readonly job = $derived(this.#extraction.job);

  constructor() {
    onEngineEvent((event) => {
      if (event.type === 'models.changed' || event.type === 'datasets.changed') void this.refresh();
    });
    engine.onReady(() => void this.refresh());
  }

  get runs(): ActivationRunSummary[] {
    return this.#runs;
  }
  get submitting(): boolean {
    return this.#extraction.submitting;
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
    this.#extraction.dismiss();
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
    const queued = await this.#extraction.start(() => api.extractActivations(choice));
    if (queued) void this.refresh();
    return queued;
  }

  cancel(): Promise<void> {
    return this.#extraction.cancel();
  }
}

export const extraction = new ExtractionStore();
