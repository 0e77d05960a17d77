/**
 * The dataset clip view's "Features" section: which analysed SAEs cover a clip (their analysed
 * run was extracted from the clip's dataset), the chosen one, and the strongest features' per-frame
 * activations over the clip (features.clipActivations).
 */
import type { ActivationRunSummary, ClipFeatureActivations, SaeSummary } from '../../../electron/common/contract.js';
import { onEngineEvent } from './api.js';
import { describeError, isCancelled, type ErrorDescription } from './errors.js';
import { featuresApi } from './features-api.js';

/** Features shown in the heat strip. */
export const CLIP_FEATURE_ROWS = 12;

class ClipFeatureStore {
  #saes = $state.raw<SaeSummary[]>([]);
  #runs = $state.raw<ActivationRunSummary[]>([]);
  #listed = false;
  #saeId = $state<number | null>(null);
  #data = $state.raw<ClipFeatureActivations | null>(null);
  #loading = $state(false);
  #error = $state<ErrorDescription | null>(null);
  #request: AbortController | null = null;

  constructor() {
    onEngineEvent((event) => {
      if (event.type === 'saes.changed') void this.refresh();
    });
  }

  get saeId(): number | null {
    return this.#saeId;
  }
  get data(): ClipFeatureActivations | null {
    return this.#data;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get error(): ErrorDescription | null {
    return this.#error;
  }

  /** Analysed SAEs whose run covers the dataset. */
  saesFor(datasetId: number): SaeSummary[] {
    const runs = new Set(this.#runs.filter((r) => r.datasetId === datasetId).map((r) => r.id));
    return this.#saes.filter((s) => s.status === 'complete' && s.analysedRunId != null && runs.has(s.analysedRunId));
  }

  async refresh(): Promise<void> {
    try {
      const [saes, runs] = await Promise.all([featuresApi.listSaes(), featuresApi.activationRuns()]);
      this.#saes = saes;
      this.#runs = runs;
      this.#listed = true;
    } catch (error) {
      if (!isCancelled(error)) this.#error = describeError(error);
    }
  }

  async ensureListed(): Promise<void> {
    if (!this.#listed) await this.refresh();
  }

  choose(saeId: number | null): void {
    this.#saeId = saeId;
  }

  async load(clipId: number, saeId: number): Promise<void> {
    if (this.#data?.clipId === clipId && this.#data.saeId === saeId) return;
    this.#request?.abort();
    const controller = new AbortController();
    this.#request = controller;
    this.#loading = true;
    this.#error = null;
    this.#data = null;
    try {
      const data = await featuresApi.clipActivations({ saeId, clipId, limit: CLIP_FEATURE_ROWS }, { signal: controller.signal });
      if (!controller.signal.aborted) this.#data = data;
    } catch (error) {
      if (!controller.signal.aborted && !isCancelled(error)) this.#error = describeError(error);
    } finally {
      if (this.#request === controller) {
        this.#request = null;
        this.#loading = false;
      }
    }
  }
}

export const clipFeatures = new ClipFeatureStore();
