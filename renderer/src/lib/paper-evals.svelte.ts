/**
 * The paper's evaluations on the Evaluations page: the chosen kind, the choices its start form
 * needs (models, SAEs, activation runs, datasets), the job started from the form, the kind's stored
 * evaluations (refreshed when an `evals.run` job ends) and the selected one with its tables.
 */
import type { ActivationRunSummary, DatasetSummary, ModelRow, SaeSummary } from '../../../electron/common/contract.js';
import { isFinalJobStatus } from '../../../electron/common/jobs.js';
import type { PaperEvalJobResult, PaperEvalKind, PaperEvalRequestInput, PaperEvaluationDetail, PaperEvaluationSummary } from '../../../electron/common/paper-evals/index.js';
import { onEngineEvent } from './api.js';
import { engine } from './engine.svelte.js';
import { describeError, type ErrorDescription } from './errors.js';
import { downloadText, downloadUrl } from './file-download.js';
import { paperEvalsApi } from './paper-evals-api.js';
import { SelectedDetail } from './selected-detail.svelte.js';
import { TrackedJob } from './tracked-job.svelte.js';

/** What a kind's start form chooses from. */
export interface PaperEvalChoices {
  models: ModelRow[];
  /** Complete SAEs with saved weights. */
  saes: SaeSummary[];
  /** Complete activation runs. */
  runs: ActivationRunSummary[];
  datasets: DatasetSummary[];
}

class PaperEvalsStore {
  #kind = $state<PaperEvalKind>('stability');
  #choices = $state.raw<PaperEvalChoices>({ models: [], saes: [], runs: [], datasets: [] });
  #list = $state.raw<PaperEvaluationSummary[]>([]);
  #error = $state<ErrorDescription | null>(null);
  #listRequest = 0;
  readonly #selected = new SelectedDetail<PaperEvaluationDetail>((id) => paperEvalsApi.get(id), (error) => (this.#error = error));
  readonly #run = new TrackedJob({
    onError: (error) => (this.#error = error),
    onFinal: (job) => {
      const result = job.result as PaperEvalJobResult | null;
      void this.refreshList().then(() => {
        if (result && result.kind === this.#kind) this.select(result.evaluationId);
      });
    },
  });

  readonly job = $derived(this.#run.job);

  constructor() {
    onEngineEvent((event) => {
      if (event.type === 'models.changed' || event.type === 'datasets.changed' || event.type === 'saes.changed') void this.refreshChoices();
      if (event.type === 'job' && isFinalJobStatus(event.job.status)) {
        if (event.job.kind === 'evals.run') void this.refreshList();
        if (event.job.kind === 'activations.extract' || event.job.kind === 'saes.train') void this.refreshChoices();
      }
    });
    engine.onReady(() => {
      void this.refreshChoices();
      void this.refreshList();
    });
  }

  get kind(): PaperEvalKind {
    return this.#kind;
  }
  get choices(): PaperEvalChoices {
    return this.#choices;
  }
  get list(): PaperEvaluationSummary[] {
    return this.#list;
  }
  get selectedId(): number | null {
    return this.#selected.id;
  }
  get detail(): PaperEvaluationDetail | null {
    return this.#selected.detail;
  }
  get error(): ErrorDescription | null {
    return this.#error;
  }
  get submitting(): boolean {
    return this.#run.submitting;
  }

  setKind(kind: PaperEvalKind): void {
    if (kind === this.#kind) return;
    this.#kind = kind;
    this.#list = [];
    this.select(null);
    void this.refreshList();
  }

  dismissError(): void {
    this.#error = null;
  }

  dismissJob(): void {
    this.#run.dismiss();
  }

  /** Shows an error found by a form before anything is sent. */
  reportError(error: unknown): void {
    this.#error = describeError(error);
  }

  async refreshChoices(): Promise<void> {
    try {
      const [models, saes, runs, datasets] = await Promise.all([paperEvalsApi.listModels(), paperEvalsApi.listSaes(), paperEvalsApi.listRuns(), paperEvalsApi.listDatasets()]);
      this.#choices = {
        models,
        saes: saes.filter((s) => s.status === 'complete' && s.checkpointPath !== null),
        runs: runs.filter((r) => r.status === 'complete'),
        datasets,
      };
    } catch (error) {
      this.#error = describeError(error);
    }
  }

  async refreshList(): Promise<void> {
    const request = ++this.#listRequest;
    const kind = this.#kind;
    try {
      const list = await paperEvalsApi.list(kind);
      if (request === this.#listRequest) this.#list = list;
    } catch (error) {
      this.#error = describeError(error);
    }
  }

  select(id: number | null): void {
    this.#selected.select(id);
  }

  async start(request: PaperEvalRequestInput): Promise<boolean> {
    this.#error = null;
    const queued = await this.#run.start(() => paperEvalsApi.start(request));
    if (queued) void this.refreshList();
    return queued;
  }

  cancel(): Promise<void> {
    return this.#run.cancel();
  }

  async remove(id: number): Promise<void> {
    try {
      await paperEvalsApi.remove(id);
      if (this.#selected.id === id) this.select(null);
      await this.refreshList();
    } catch (error) {
      this.#error = describeError(error);
    }
  }

  async downloadCsv(): Promise<void> {
    const id = this.#selected.id;
    if (id === null) return;
    try {
      const { csv, filename } = await paperEvalsApi.csv(id);
      downloadText(csv, filename);
    } catch (error) {
      this.#error = describeError(error);
    }
  }

  /** Every chart of the shown result as a PNG file (named by the chart's data-chart attribute). */
  downloadPngs(container: HTMLElement): number {
    const id = this.#selected.id;
    const canvases = [...container.querySelectorAll<HTMLCanvasElement>('canvas[data-chart]')];
    canvases.forEach((canvas, i) => downloadUrl(canvas.toDataURL('image/png'), `${this.#kind}-evaluation-${id}-${canvas.dataset['chart'] ?? i}.png`));
    return canvases.length;
  }
}

export const paperEvals = new PaperEvalsStore();
