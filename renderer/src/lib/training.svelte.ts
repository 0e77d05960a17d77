/**
 * SAE training (the Training page): the training job started from the form, the SAEs
 * (saes.list, refreshed on job events, throttled), and the selected SAE's metrics (saes.metrics,
 * refetched while its job runs, throttled).
 */
import type { RpcParams, SaeMetricRow, SaeSummary } from '../../../electron/common/contract.js';
import { api, onEngineEvent } from './api.js';
import { engine } from './engine.svelte.js';
import { describeError, type ErrorDescription } from './errors.js';
import { TrackedJob } from './tracked-job.svelte.js';
import { throttleDelay } from './training-form.js';

export type TrainChoice = RpcParams<'saes.train'>;

/** Job events arrive per progress tick; the list and the metrics are refetched at most this often. */
const REFRESH_INTERVAL_MS = 750;

/** Runs `fn` at most once per interval; calls in between collapse into one trailing call. */
function throttled(fn: () => Promise<void>, intervalMs: number): () => void {
  let lastAt: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  return () => {
    if (timer) return;
    timer = setTimeout(
      () => {
        timer = null;
        lastAt = Date.now();
        void fn();
      },
      throttleDelay(lastAt, Date.now(), intervalMs),
    );
  };
}

class TrainingStore {
  #saes = $state.raw<SaeSummary[]>([]);
  #selectedId = $state<number | null>(null);
  #metrics = $state.raw<SaeMetricRow[]>([]);
  #error = $state<ErrorDescription | null>(null);
  #metricsRequest = 0;
  readonly #training = new TrackedJob({
    onError: (error) => (this.#error = error),
    onFinal: () => {
      void this.refresh();
      void this.#loadMetrics();
    },
  });
  readonly #refreshSoon = throttled(() => this.refresh(), REFRESH_INTERVAL_MS);
  readonly #metricsSoon = throttled(() => this.#loadMetrics(), REFRESH_INTERVAL_MS);

  readonly job = $derived(this.#training.job);
  readonly selected = $derived(this.#saes.find((s) => s.id === this.#selectedId) ?? null);

  constructor() {
    onEngineEvent((event) => {
      if (event.type === 'models.changed' || event.type === 'datasets.changed') void this.refresh();
      if (event.type !== 'job' || event.job.kind !== 'saes.train') return;
      this.#refreshSoon();
      const sae = this.selected;
      if (sae && (sae.jobId === event.job.id || sae.status === 'training')) this.#metricsSoon();
    });
    engine.onReady(() => void this.refresh());
  }

  get saes(): SaeSummary[] {
    return this.#saes;
  }
  get selectedId(): number | null {
    return this.#selectedId;
  }
  get metrics(): SaeMetricRow[] {
    return this.#metrics;
  }
  get submitting(): boolean {
    return this.#training.submitting;
  }
  get error(): ErrorDescription | null {
    return this.#error;
  }

  dismissError(): void {
    this.#error = null;
  }

  dismissJob(): void {
    this.#training.dismiss();
  }

  async refresh(): Promise<void> {
    try {
      this.#saes = await api.listSaes();
    } catch (error) {
      this.#error = describeError(error);
    }
  }

  select(saeId: number | null): void {
    if (saeId === this.#selectedId) return;
    this.#selectedId = saeId;
    this.#metrics = [];
    void this.#loadMetrics();
  }

  /** Starts the training job; resolves true once it is queued. */
  async start(choice: TrainChoice): Promise<boolean> {
    this.#error = null;
    const queued = await this.#training.start(() => api.trainSaes(choice));
    if (queued) void this.refresh();
    return queued;
  }

  cancel(): Promise<void> {
    return this.#training.cancel();
  }

  async #loadMetrics(): Promise<void> {
    const saeId = this.#selectedId;
    const request = ++this.#metricsRequest;
    if (saeId == null) return;
    try {
      const rows = await api.saeMetrics(saeId);
      if (request === this.#metricsRequest) this.#metrics = rows;
    } catch (error) {
      if (request === this.#metricsRequest) this.#error = describeError(error);
    }
  }
}

export const training = new TrainingStore();
