/**
 * Steering evaluations (the Evaluations page): the choices of the start form (Whisper models,
 * their SAEs, datasets, the SAE's presets), the sweep job started from it, the stored evaluations
 * (refreshed when a sweep ends) and the selected one with its per-clip transcripts.
 */
import type { DatasetSummary, EvaluationDetail, EvaluationSummary, ModelRow, RpcParams, SaeSummary, SteeringPreset } from '../../../electron/common/contract.js';
import { isFinalJobStatus } from '../../../electron/common/jobs.js';
import { onEngineEvent } from './api.js';
import { engine } from './engine.svelte.js';
import { describeError, type ErrorDescription } from './errors.js';
import { evaluationsApi } from './evaluations-api.js';
import { downloadText } from './file-download.js';
import { SelectedDetail } from './selected-detail.svelte.js';
import { TrackedJob } from './tracked-job.svelte.js';

export type EvaluateChoice = RpcParams<'steering.evaluate'>;

class EvaluationsStore {
  #models = $state.raw<ModelRow[]>([]);
  #saes = $state.raw<SaeSummary[]>([]);
  #datasets = $state.raw<DatasetSummary[]>([]);
  #presets = $state.raw<SteeringPreset[]>([]);
  #list = $state.raw<EvaluationSummary[]>([]);
  #error = $state<ErrorDescription | null>(null);
  #presetsRequest = 0;
  readonly #selected = new SelectedDetail<EvaluationDetail>((id) => evaluationsApi.evaluation(id), (error) => (this.#error = error));
  readonly #sweep = new TrackedJob({
    onError: (error) => (this.#error = error),
    onFinal: (job) => {
      const result = job.result as { evaluationId?: number } | null;
      void this.refreshList().then(() => {
        if (typeof result?.evaluationId === 'number') this.select(result.evaluationId);
      });
    },
  });

  readonly job = $derived(this.#sweep.job);
  readonly whisperModels = $derived(this.#models.filter((m) => m.architecture === 'whisper-encoder'));

  constructor() {
    onEngineEvent((event) => {
      if (event.type === 'models.changed' || event.type === 'datasets.changed' || event.type === 'saes.changed') void this.refreshChoices();
      // Sweeps started elsewhere (CLI, another window) show up when they end.
      if (event.type === 'job' && event.job.kind === 'steering.evaluate' && isFinalJobStatus(event.job.status)) void this.refreshList();
    });
    engine.onReady(() => {
      void this.refreshChoices();
      void this.refreshList();
    });
  }

  get saes(): SaeSummary[] {
    return this.#saes;
  }
  get datasets(): DatasetSummary[] {
    return this.#datasets;
  }
  get presets(): SteeringPreset[] {
    return this.#presets;
  }
  get list(): EvaluationSummary[] {
    return this.#list;
  }
  get selectedId(): number | null {
    return this.#selected.id;
  }
  get detail(): EvaluationDetail | null {
    return this.#selected.detail;
  }
  get error(): ErrorDescription | null {
    return this.#error;
  }
  get submitting(): boolean {
    return this.#sweep.submitting;
  }

  /** The SAEs of a model that have a checkpoint. */
  saesOf(modelId: number | null): SaeSummary[] {
    return this.#saes.filter((s) => s.modelId === modelId && s.checkpointPath !== null);
  }

  dismissError(): void {
    this.#error = null;
  }

  dismissJob(): void {
    this.#sweep.dismiss();
  }

  async refreshChoices(): Promise<void> {
    try {
      [this.#models, this.#saes, this.#datasets] = await Promise.all([evaluationsApi.listModels(), evaluationsApi.listSaes(), evaluationsApi.listDatasets()]);
    } catch (error) {
      this.#error = describeError(error);
    }
  }

  async loadPresets(saeId: number | null): Promise<void> {
    const request = ++this.#presetsRequest;
    if (saeId === null) {
      this.#presets = [];
      return;
    }
    try {
      const presets = await evaluationsApi.presets(saeId);
      if (request === this.#presetsRequest) this.#presets = presets;
    } catch {
      // Presets are optional: without them, features are typed in.
      if (request === this.#presetsRequest) this.#presets = [];
    }
  }

  async refreshList(): Promise<void> {
    try {
      this.#list = await evaluationsApi.evaluations();
    } catch (error) {
      this.#error = describeError(error);
    }
  }

  select(id: number | null): void {
    this.#selected.select(id);
  }

  async start(choice: EvaluateChoice): Promise<boolean> {
    this.#error = null;
    const queued = await this.#sweep.start(() => evaluationsApi.evaluate(choice));
    if (queued) void this.refreshList();
    return queued;
  }

  cancel(): Promise<void> {
    return this.#sweep.cancel();
  }

  /** The selected evaluation's CSV as a file download. */
  async downloadCsv(): Promise<void> {
    const id = this.#selected.id;
    if (id === null) return;
    try {
      const { csv, filename } = await evaluationsApi.csv(id);
      downloadText(csv, filename);
    } catch (error) {
      this.#error = describeError(error);
    }
  }
}

export const evaluations = new EvaluationsStore();
