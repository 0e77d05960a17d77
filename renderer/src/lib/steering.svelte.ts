/**
 * The Steering page's state: the chosen SAE, the runs it can be scored on, the discovery job,
 * the SAE's discoveries and the chosen one's ranking, and the SAE's steering presets.
 */
import type { ActivationRunSummary, DiscoveryRanking, DiscoverySort, FeatureDiscovery, LabelCount, SaeSummary, SteeringPreset } from '../../../electron/common/contract.js';
import { onEngineEvent } from './api.js';
import { engine } from './engine.svelte.js';
import { describeError, type ErrorDescription } from './errors.js';
import { features } from './features.svelte.js';
import { nav } from './nav.svelte.js';
import { steeringApi } from './steering-api.js';
import { runsForSae, scaleForAlpha, type DiscoverRequest } from './steering-view.js';
import { TrackedJob } from './tracked-job.svelte.js';

export const RANKING_ROWS = 200;

class SteeringStore {
  #saes = $state.raw<SaeSummary[]>([]);
  #runs = $state.raw<ActivationRunSummary[]>([]);
  #saeId = $state<number | null>(null);
  #discoveries = $state.raw<FeatureDiscovery[]>([]);
  #discoveryId = $state<number | null>(null);
  #ranking = $state.raw<DiscoveryRanking | null>(null);
  #sort = $state<DiscoverySort>('rank');
  #presets = $state.raw<SteeringPreset[]>([]);
  #labels = $state.raw<LabelCount[]>([]);
  #error = $state<ErrorDescription | null>(null);
  #request = 0;
  readonly #discovery = new TrackedJob({
    onError: (error) => (this.#error = error),
    onFinal: (job) => {
      const result = job.result as { discoveryId?: number } | null;
      void this.#loadDiscoveries(result?.discoveryId ?? null);
    },
  });

  readonly job = $derived(this.#discovery.job);
  readonly sae = $derived(this.#saes.find((s) => s.id === this.#saeId) ?? null);
  readonly usableRuns = $derived(runsForSae(this.#runs, this.sae));
  readonly discovery = $derived(this.#discoveries.find((d) => d.id === this.#discoveryId) ?? null);

  constructor() {
    onEngineEvent((event) => {
      if (event.type === 'saes.changed' || event.type === 'models.changed') void this.refresh();
    });
    engine.onReady(() => void this.refresh());
  }

  get saes(): SaeSummary[] {
    return this.#saes.filter((s) => s.status === 'complete');
  }
  get saeId(): number | null {
    return this.#saeId;
  }
  get discoveries(): FeatureDiscovery[] {
    return this.#discoveries;
  }
  get discoveryId(): number | null {
    return this.#discoveryId;
  }
  get ranking(): DiscoveryRanking | null {
    return this.#ranking;
  }
  get sort(): DiscoverySort {
    return this.#sort;
  }
  get presets(): SteeringPreset[] {
    return this.#presets;
  }
  /** Label values of the runs' datasets, for the "non-speech label" picker. */
  get labels(): LabelCount[] {
    return this.#labels;
  }
  get submitting(): boolean {
    return this.#discovery.submitting;
  }
  get error(): ErrorDescription | null {
    return this.#error;
  }

  dismissError(): void {
    this.#error = null;
  }

  dismissJob(): void {
    this.#discovery.dismiss();
  }

  cancel(): Promise<void> {
    return this.#discovery.cancel();
  }

  async refresh(): Promise<void> {
    try {
      [this.#saes, this.#runs] = await Promise.all([steeringApi.listSaes(), steeringApi.activationRuns()]);
      if (!this.sae) this.selectSae(this.saes[0]?.id ?? null);
    } catch (error) {
      this.#error = describeError(error);
    }
  }

  selectSae(saeId: number | null): void {
    if (saeId === this.#saeId) return;
    this.#saeId = saeId;
    this.#discoveries = [];
    this.#discoveryId = null;
    this.#ranking = null;
    this.#presets = [];
    void this.#loadDiscoveries(null);
    void this.#loadPresets();
  }

  /** Loads the label values of a run's dataset (for the one-run form). */
  async loadLabels(runId: number | null): Promise<void> {
    const run = this.#runs.find((r) => r.id === runId);
    if (!run) {
      this.#labels = [];
      return;
    }
    try {
      this.#labels = await steeringApi.labelCounts(run.datasetId);
    } catch (error) {
      this.#error = describeError(error);
    }
  }

  async start(request: DiscoverRequest): Promise<boolean> {
    this.#error = null;
    return this.#discovery.start(() => steeringApi.discover(request));
  }

  selectDiscovery(discoveryId: number | null): void {
    this.#discoveryId = discoveryId;
    void this.#loadRanking();
  }

  setSort(sort: DiscoverySort): void {
    this.#sort = sort;
    void this.#loadRanking();
  }

  /** Saves the chosen discovery's top N features with scale -alpha; resolves true when saved. */
  async savePreset(name: string, topN: number, alpha: number): Promise<boolean> {
    const saeId = this.#saeId;
    const discoveryId = this.#discoveryId;
    if (saeId == null || discoveryId == null) return false;
    try {
      await steeringApi.savePreset({ name, saeId, features: { discoveryId, topN }, scale: scaleForAlpha(alpha) });
      await this.#loadPresets();
      return true;
    } catch (error) {
      this.#error = describeError(error);
      return false;
    }
  }

  async deletePreset(presetId: number): Promise<void> {
    try {
      await steeringApi.deletePreset(presetId);
      await this.#loadPresets();
    } catch (error) {
      this.#error = describeError(error);
    }
  }

  /** Shows a feature's page on the Features page. */
  openFeature(feature: number): void {
    if (this.#saeId == null) return;
    features.openFeature(feature, null, this.#saeId);
    nav.go('features');
  }

  async #loadDiscoveries(select: number | null): Promise<void> {
    const saeId = this.#saeId;
    if (saeId == null) return;
    try {
      const list = await steeringApi.discoveries(saeId);
      if (saeId !== this.#saeId) return;
      this.#discoveries = list;
      this.selectDiscovery(select ?? this.#discoveryId ?? list[0]?.id ?? null);
    } catch (error) {
      this.#error = describeError(error);
    }
  }

  async #loadRanking(): Promise<void> {
    const request = ++this.#request;
    const discoveryId = this.#discoveryId;
    if (discoveryId == null) {
      this.#ranking = null;
      return;
    }
    try {
      const ranking = await steeringApi.ranking(discoveryId, this.#sort, RANKING_ROWS);
      if (request === this.#request) this.#ranking = ranking;
    } catch (error) {
      if (request === this.#request) this.#error = describeError(error);
    }
  }

  async #loadPresets(): Promise<void> {
    const saeId = this.#saeId;
    if (saeId == null) return;
    try {
      const presets = await steeringApi.presets(saeId);
      if (saeId === this.#saeId) this.#presets = presets;
    } catch (error) {
      this.#error = describeError(error);
    }
  }
}

export const steering = new SteeringStore();
