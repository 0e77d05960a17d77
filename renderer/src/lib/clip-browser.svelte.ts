/**
 * The selected dataset's clips as the virtualized clip table sees them: a query (sort + filters)
 * evaluated by the engine, pages of CLIP_PAGE_SIZE rows fetched as the table scrolls and cached,
 * the server's total, the selected row, and the dataset's label counts (filter + chart).
 */
import { SvelteMap } from 'svelte/reactivity';
import type { ClipRow, LabelCount } from '../../../electron/common/contract.js';
import { api } from './api.js';
import { clipListParams, EMPTY_QUERY, queryKey, type ClipQuery } from './clip-query.js';
import { describeError, isCancelled, type ErrorDescription } from './errors.js';
import { pagesForRange, pagesToEvict } from './virtual-window.js';

export const CLIP_PAGE_SIZE = 200;
/** Pages kept in memory (x CLIP_PAGE_SIZE rows); the farthest from view are dropped first. */
const MAX_CACHED_PAGES = 40;

export class ClipBrowser {
  #datasetId = $state<number | null>(null);
  #query = $state.raw<ClipQuery>(EMPTY_QUERY);
  readonly #pages = new SvelteMap<number, ClipRow[]>();
  #total = $state<number | null>(null);
  /** Bumped whenever the rows start over (new dataset or query): the table scrolls to the top. */
  #generation = $state(0);
  readonly #inflight = new Map<number, AbortController>();
  #pending = $state(0);
  #range: [number, number] = [0, 0];

  #selectedIndex = $state<number | null>(null);
  #selectedClip = $state.raw<ClipRow | null>(null);

  #labelCounts = $state.raw<LabelCount[]>([]);
  #labelRequest: AbortController | null = null;
  #error = $state<ErrorDescription | null>(null);

  /** Label keys, most common first. */
  readonly labelKeys = $derived.by(() => {
    const byKey = new Map<string, number>();
    for (const c of this.#labelCounts) byKey.set(c.key, (byKey.get(c.key) ?? 0) + c.count);
    return [...byKey.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([key]) => key);
  });

  /** The rows of the first page (the Activations page's clip list). */
  readonly firstRows = $derived(this.#pages.get(0) ?? []);

  get datasetId(): number | null {
    return this.#datasetId;
  }
  get query(): ClipQuery {
    return this.#query;
  }
  /** Rows matching the query (null until the first page arrives). */
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
  get selectedClip(): ClipRow | null {
    return this.#selectedClip;
  }
  get labelCounts(): LabelCount[] {
    return this.#labelCounts;
  }
  get error(): ErrorDescription | null {
    return this.#error;
  }

  dismissError(): void {
    this.#error = null;
  }

  /** The row at `index` if its page is loaded. */
  rowAt(index: number): ClipRow | undefined {
    return this.#pages.get(Math.floor(index / CLIP_PAGE_SIZE))?.[index % CLIP_PAGE_SIZE];
  }

  /** Shows a dataset's clips (or none), with the filters cleared. */
  open(datasetId: number | null): void {
    if (datasetId === this.#datasetId && this.#total != null) return;
    this.#datasetId = datasetId;
    this.#query = EMPTY_QUERY;
    this.#selectedIndex = null;
    this.#selectedClip = null;
    this.#labelCounts = [];
    this.#restart();
    if (datasetId != null) void this.loadLabelCounts();
  }

  /** Changes the sort or filters; rows start over from the top. */
  setQuery(change: Partial<ClipQuery>): void {
    const next = { ...this.#query, ...change };
    if (queryKey(this.#datasetId, next) === queryKey(this.#datasetId, this.#query)) {
      this.#query = next;
      return;
    }
    this.#query = next;
    this.#selectedIndex = null;
    this.#restart();
  }

  /** Drops the cached rows and fetches the rows in view again (engine restarted, dataset changed). */
  reload(): void {
    const [first, last] = this.#range;
    this.#abortAll();
    this.#pages.clear();
    if (this.#datasetId == null) return;
    void this.loadLabelCounts();
    this.ensureRange(first, Math.max(last, first + 1));
  }

  /** Makes sure rows [first, last) are loaded or loading (called as the table scrolls). */
  ensureRange(first: number, last: number): void {
    this.#range = [first, last];
    if (this.#datasetId == null) return;
    const wanted = this.#total == null ? [0] : pagesForRange(first, Math.min(last, this.#total), CLIP_PAGE_SIZE);
    for (const page of wanted) {
      if (!this.#pages.has(page) && !this.#inflight.has(page)) void this.#loadPage(page);
    }
    for (const page of pagesToEvict(this.#pages.keys(), wanted, MAX_CACHED_PAGES)) this.#pages.delete(page);
  }

  /** Selects the row at `index` (its clip once its page is loaded). */
  select(index: number | null): void {
    if (index == null || index < 0) {
      this.#selectedIndex = null;
      this.#selectedClip = null;
      return;
    }
    this.#selectedIndex = index;
    const row = this.rowAt(index);
    if (row) this.#selectedClip = row;
    else this.ensureRange(index, index + 1);
  }

  /** Selects a clip by id (from another page, e.g. Activations); its row index if it is loaded. */
  selectClip(clipId: number | null): void {
    if (clipId == null) return this.select(null);
    for (const [page, rows] of this.#pages) {
      const at = rows.findIndex((r) => r.id === clipId);
      if (at >= 0) {
        this.#selectedIndex = page * CLIP_PAGE_SIZE + at;
        this.#selectedClip = rows[at]!;
        return;
      }
    }
    void api.getClip(clipId).then(
      (clip) => {
        this.#selectedIndex = null;
        this.#selectedClip = clip;
      },
      (error: unknown) => {
        this.#error = describeError(error);
      },
    );
  }

  async loadLabelCounts(): Promise<void> {
    const datasetId = this.#datasetId;
    if (datasetId == null) return;
    this.#labelRequest?.abort();
    const request = new AbortController();
    this.#labelRequest = request;
    try {
      const counts = await api.labelCounts(datasetId, undefined, { signal: request.signal });
      if (request.signal.aborted || datasetId !== this.#datasetId) return;
      this.#labelCounts = counts;
    } catch (error) {
      if (!request.signal.aborted && !isCancelled(error)) this.#error = describeError(error);
    }
  }

  #restart(): void {
    this.#abortAll();
    this.#pages.clear();
    this.#total = null;
    this.#range = [0, 0];
    this.#generation++;
    if (this.#datasetId != null) this.ensureRange(0, 1);
  }

  #abortAll(): void {
    for (const request of this.#inflight.values()) request.abort();
    this.#inflight.clear();
  }

  async #loadPage(page: number): Promise<void> {
    const datasetId = this.#datasetId;
    if (datasetId == null) return;
    const request = new AbortController();
    this.#inflight.set(page, request);
    this.#pending++;
    const params = clipListParams(datasetId, this.#query, page * CLIP_PAGE_SIZE, CLIP_PAGE_SIZE);
    try {
      const result = await api.listClips(params, { signal: request.signal });
      if (request.signal.aborted) return;
      this.#pages.set(page, result.clips);
      this.#total = result.total;
      // A selection made by keyboard before its page arrived gets its clip now.
      const selected = this.#selectedIndex;
      if (selected != null && Math.floor(selected / CLIP_PAGE_SIZE) === page) {
        const row = result.clips[selected % CLIP_PAGE_SIZE];
        if (row) this.#selectedClip = row;
      }
      // The first page tells the total: now fetch whatever else is in view.
      if (page === 0) this.ensureRange(...this.#range);
    } catch (error) {
      if (!request.signal.aborted && !isCancelled(error)) this.#error = describeError(error);
    } finally {
      if (this.#inflight.get(page) === request) this.#inflight.delete(page);
      this.#pending--;
    }
  }
}
