/**
 * The Features page's state: which SAE (model -> layer -> SAE, remembered across reloads), its
 * analysis (density histogram; the Analyse job when it has none), and its feature table as the
 * engine sorts, filters and searches it (pages of PAGE_SIZE rows fetched as the virtual table
 * scrolls). Also which feature is open (the feature page), and moving to the next or previous
 * feature in the table's order.
 */
import { SvelteMap } from 'svelte/reactivity';
import type {
  FeatureFilter,
  FeatureLabel,
  FeatureRow,
  FeatureSort,
  ModelRow,
  RpcParams,
  SaeAnalysis,
  SaeSummary,
} from '../../../electron/common/contract.js';
import { isFinalJobStatus } from '../../../electron/common/jobs.js';
import { onEngineEvent } from './api.js';
import { engine } from './engine.svelte.js';
import { describeError, isCancelled, type ErrorDescription } from './errors.js';
import { featuresApi } from './features-api.js';
import { binRange } from './features-view.js';
import { TrackedJob } from './tracked-job.svelte.js';
import { moveIndex, pagesForRange, pagesToEvict } from './virtual-window.js';

export const FEATURE_PAGE_SIZE = 1000;
const MAX_CACHED_PAGES = 12;
const SAE_KEY = 'audiosae.features.saeId';

export interface FeatureQuery {
  sort: FeatureSort;
  filter: FeatureFilter;
  search: string;
  /** Selected histogram bin (index into the analysis histogram), or null. */
  bin: number | null;
}

export const DEFAULT_FEATURE_QUERY: FeatureQuery = { sort: 'feature', filter: 'all', search: '', bin: null };

function readStoredSae(): number | null {
  try {
    const value = Number(window.localStorage.getItem(SAE_KEY));
    return Number.isInteger(value) && value > 0 ? value : null;
  } catch {
    return null;
  }
}

function storeSae(saeId: number | null): void {
  try {
    if (saeId == null) window.localStorage.removeItem(SAE_KEY);
    else window.localStorage.setItem(SAE_KEY, String(saeId));
  } catch {
    // Storage refused (private mode): the choice is just not remembered.
  }
}

/** Short description of an SAE for pickers and headings. */
export function saeCaption(sae: SaeSummary): string {
  return `SAE ${sae.id} · ${sae.architecture} k=${sae.k} · ${sae.width} features · seed ${sae.seed}${sae.source === 'imported' ? ' · imported' : ''}`;
}

class FeatureBrowser {
  #saes = $state.raw<SaeSummary[]>([]);
  #models = $state.raw<ModelRow[]>([]);
  #saeId = $state<number | null>(readStoredSae());
  #analysis = $state.raw<SaeAnalysis | null>(null);
  #analysisLoading = $state(false);
  /** saes.analysis answered (null or not): only then is "not analysed" known. */
  #analysisKnown = $state(false);
  #error = $state<ErrorDescription | null>(null);

  #query = $state.raw<FeatureQuery>(DEFAULT_FEATURE_QUERY);
  readonly #pages = new SvelteMap<number, FeatureRow[]>();
  #total = $state<number | null>(null);
  #generation = $state(0);
  #pending = $state(0);
  readonly #inflight = new Map<number, { controller: AbortController; done: Promise<void> }>();
  #range: [number, number] = [0, 0];
  #selectedIndex = $state<number | null>(null);

  /** The open feature (the feature page), with its row index in the table when known. */
  #open = $state.raw<{ saeId: number; feature: number; index: number | null } | null>(null);

  readonly #analyzeJob = new TrackedJob({
    onError: (error) => (this.#error = error),
    onFinal: () => {
      void this.refresh().then(() => this.#loadAnalysis());
    },
  });

  /** Complete SAEs only: the ones that have features to browse. */
  readonly completeSaes = $derived(this.#saes.filter((s) => s.status === 'complete'));
  readonly selected = $derived(this.completeSaes.find((s) => s.id === this.#saeId) ?? null);
  readonly modelIds = $derived([...new Set(this.completeSaes.map((s) => s.modelId))]);
  readonly analyzeJob = $derived(this.#analyzeJob.job);

  constructor() {
    onEngineEvent((event) => {
      if (event.type === 'saes.changed') void this.refresh();
      if (event.type === 'labels.changed') this.#patchLabel(event.label);
    });
    engine.onReady(() => {
      // After an engine restart the rows may be stale (labels saved meanwhile): fetch them again.
      const hadRows = this.#total != null;
      void this.refresh()
        .then(() => this.#loadAnalysis())
        .then(() => {
          if (hadRows) this.reload();
        });
    });
  }

  get saes(): SaeSummary[] {
    return this.#saes;
  }
  get models(): ModelRow[] {
    return this.#models;
  }
  get saeId(): number | null {
    return this.#saeId;
  }
  get analysis(): SaeAnalysis | null {
    return this.#analysis;
  }
  get analysisLoading(): boolean {
    return this.#analysisLoading;
  }
  /** The selected SAE is known to have no analysis yet (offer to run one). */
  get unanalysed(): boolean {
    return this.#analysisKnown && this.#analysis == null;
  }
  get analyzing(): boolean {
    const job = this.analyzeJob;
    return this.#analyzeJob.submitting || (job != null && !isFinalJobStatus(job.status));
  }
  get error(): ErrorDescription | null {
    return this.#error;
  }
  get query(): FeatureQuery {
    return this.#query;
  }
  get total(): number | null {
    return this.#total;
  }
  get generation(): number {
    return this.#generation;
  }
  get loading(): boolean {
    return this.#pending > 0;
  }
  get selectedIndex(): number | null {
    return this.#selectedIndex;
  }
  get open(): { saeId: number; feature: number; index: number | null } | null {
    return this.#open;
  }

  dismissError(): void {
    this.#error = null;
  }

  modelName(modelId: number): string {
    return this.#models.find((m) => m.id === modelId)?.repoId ?? `model ${modelId}`;
  }

  layersOf(modelId: number): number[] {
    return [...new Set(this.completeSaes.filter((s) => s.modelId === modelId).map((s) => s.layer))].sort((a, b) => a - b);
  }

  saesOf(modelId: number, layer: number): SaeSummary[] {
    return this.completeSaes.filter((s) => s.modelId === modelId && s.layer === layer);
  }

  async refresh(): Promise<void> {
    try {
      const [saes, models] = await Promise.all([featuresApi.listSaes(), featuresApi.listModels()]);
      this.#saes = saes;
      this.#models = models;
      // Nothing chosen yet (or the remembered SAE is gone): the newest analysed one, else the newest.
      if (!this.selected) {
        const complete = saes.filter((s) => s.status === 'complete');
        const pick = complete.find((s) => s.analysedRunId != null) ?? complete[0] ?? null;
        if (pick) this.selectSae(pick.id);
      }
    } catch (error) {
      this.#error = describeError(error);
    }
  }

  /** Chooses the SAE whose features are shown; the query starts over. */
  selectSae(saeId: number | null): void {
    if (saeId === this.#saeId && (this.#total != null || this.#pending > 0)) return;
    this.#saeId = saeId;
    storeSae(saeId);
    this.#query = DEFAULT_FEATURE_QUERY;
    this.#selectedIndex = null;
    this.#open = null;
    this.#analysis = null;
    this.#analysisKnown = false;
    this.#abortAll();
    this.#pages.clear();
    this.#total = null;
    this.#generation++;
    void this.#loadAnalysis();
  }

  /** Starts the analysis job of the selected SAE (it has none yet). */
  async analyze(): Promise<void> {
    const saeId = this.#saeId;
    if (saeId == null) return;
    this.#error = null;
    await this.#analyzeJob.start(() => featuresApi.analyze(saeId));
  }

  setQuery(change: Partial<FeatureQuery>): void {
    const next = { ...this.#query, ...change };
    const same = JSON.stringify(next) === JSON.stringify(this.#query);
    this.#query = next;
    if (same) return;
    this.#selectedIndex = null;
    this.#restart();
  }

  rowAt(index: number): FeatureRow | undefined {
    return this.#pages.get(Math.floor(index / FEATURE_PAGE_SIZE))?.[index % FEATURE_PAGE_SIZE];
  }

  /** The row at `index`, fetching its page when needed (null past the end). */
  async loadRow(index: number): Promise<FeatureRow | null> {
    const page = Math.floor(index / FEATURE_PAGE_SIZE);
    if (!this.#pages.has(page)) {
      const inflight = this.#inflight.get(page);
      await (inflight ? inflight.done : this.#loadPage(page));
    }
    return this.rowAt(index) ?? null;
  }

  select(index: number | null): void {
    this.#selectedIndex = index;
    if (index != null && !this.rowAt(index)) this.ensureRange(index, index + 1);
  }

  /** Makes sure rows [first, last) are loaded or loading. */
  ensureRange(first: number, last: number): void {
    this.#range = [first, last];
    if (this.#saeId == null || !this.#analysis) return;
    const wanted = this.#total == null ? [0] : pagesForRange(first, Math.min(last, this.#total), FEATURE_PAGE_SIZE);
    for (const page of wanted) {
      if (!this.#pages.has(page) && !this.#inflight.has(page)) void this.#loadPage(page);
    }
    for (const page of pagesToEvict(this.#pages.keys(), wanted, MAX_CACHED_PAGES)) this.#pages.delete(page);
  }

  /** Drops cached rows and refetches those in view (engine restarted, labels imported). */
  reload(): void {
    const [first, last] = this.#range;
    this.#abortAll();
    this.#pages.clear();
    if (this.#saeId == null) return;
    this.ensureRange(first, Math.max(last, first + 1));
  }

  /** Opens a feature's page (from a row, a neighbour link, or a clip's feature strip). */
  openFeature(feature: number, index: number | null = null, saeId = this.#saeId): void {
    if (saeId == null) return;
    if (saeId !== this.#saeId) {
      this.selectSae(saeId);
    }
    const at = index ?? this.#indexOf(feature);
    this.#open = { saeId, feature, index: at };
    if (at != null) this.#selectedIndex = at;
  }

  /** Back to the table (the open feature stays selected). */
  closeFeature(): void {
    this.#open = null;
  }

  /** The next (+1) or previous (-1) feature in the table's current order; false at an end. */
  async step(delta: 1 | -1): Promise<boolean> {
    const open = this.#open;
    if (!open) return false;
    const total = this.#total ?? 0;
    const index = open.index ?? this.#indexOf(open.feature);
    if (index != null) {
      const next = moveIndex(index, delta, total);
      if (next === index || next < 0) return false;
      const row = await this.loadRow(next);
      if (!row || this.#open !== open) return false;
      this.openFeature(row.feature, next, open.saeId);
      return true;
    }
    // Not in the table (opened from a link under another filter): by feature number.
    const width = this.selected?.width ?? 0;
    const feature = open.feature + delta;
    if (feature < 0 || feature >= width) return false;
    this.openFeature(feature, null, open.saeId);
    return true;
  }

  /** Updates a label in the cached rows (saved here or by another window). */
  #patchLabel(label: FeatureLabel): void {
    if (label.saeId !== this.#saeId) return;
    for (const [page, rows] of this.#pages) {
      const at = rows.findIndex((r) => r.feature === label.feature);
      if (at < 0) continue;
      const copy = rows.slice();
      copy[at] = { ...rows[at]!, label };
      this.#pages.set(page, copy);
    }
  }

  #indexOf(feature: number): number | null {
    for (const [page, rows] of this.#pages) {
      const at = rows.findIndex((r) => r.feature === feature);
      if (at >= 0) return page * FEATURE_PAGE_SIZE + at;
    }
    return null;
  }

  async #loadAnalysis(): Promise<void> {
    const saeId = this.#saeId;
    if (saeId == null) return;
    this.#analysisLoading = true;
    try {
      const analysis = await featuresApi.analysis(saeId);
      if (saeId !== this.#saeId) return;
      const hadNone = this.#analysis == null;
      this.#analysis = analysis;
      this.#analysisKnown = true;
      // The table is fetched once the SAE has an analysis (an unanalysed SAE has no feature rows).
      if (analysis && (hadNone || this.#total == null)) this.#restart();
    } catch (error) {
      if (saeId === this.#saeId) this.#error = describeError(error);
    } finally {
      if (saeId === this.#saeId) this.#analysisLoading = false;
    }
  }

  #restart(): void {
    this.#abortAll();
    this.#pages.clear();
    this.#total = null;
    this.#range = [0, 0];
    this.#generation++;
    if (this.#saeId != null && this.#analysis) this.ensureRange(0, 1);
  }

  #abortAll(): void {
    for (const { controller } of this.#inflight.values()) controller.abort();
    this.#inflight.clear();
  }

  #params(saeId: number, page: number): RpcParams<'features.list'> {
    const { sort, filter, search, bin } = this.#query;
    const range = bin != null && this.#analysis ? binRange(this.#analysis.histogram.log10Edges, bin) : null;
    return {
      saeId,
      offset: page * FEATURE_PAGE_SIZE,
      limit: FEATURE_PAGE_SIZE,
      sort,
      filter,
      ...(search.trim() ? { search: search.trim() } : {}),
      ...(range ? { log10DensityRange: range } : {}),
    };
  }

  #loadPage(page: number): Promise<void> {
    const saeId = this.#saeId;
    if (saeId == null) return Promise.resolve();
    const controller = new AbortController();
    this.#pending++;
    const done = (async () => {
      try {
        const result = await featuresApi.list(this.#params(saeId, page), { signal: controller.signal });
        if (controller.signal.aborted) return;
        this.#pages.set(page, result.rows);
        this.#total = result.total;
        if (page === 0) this.ensureRange(...this.#range);
      } catch (error) {
        if (!controller.signal.aborted && !isCancelled(error)) this.#error = describeError(error);
      } finally {
        if (this.#inflight.get(page)?.controller === controller) this.#inflight.delete(page);
        this.#pending--;
      }
    })();
    this.#inflight.set(page, { controller, done });
    return done;
  }
}

export const features = new FeatureBrowser();
