/**
 * The state of a virtualized table (ClipTable, FeatureTable): its scroll container and header
 * (bound by the component), the measured row and header heights, the rows to render, revealing a
 * row and the index a navigation key moves the selection to. The component keeps what is its
 * own: which store feeds the rows and what Enter does.
 */
import { moveIndex, scrollToReveal, virtualWindow, type VirtualWindow } from './virtual-window.js';

export interface VirtualRowsOptions {
  /** Rows in the whole list. */
  total: () => number;
  /** A CSS selector matching one rendered row, to measure its height. */
  rowSelector: string;
  initialRowHeight: number;
  overscan: number;
  /** Extra keys that move the selection by one row, e.g. { j: 1, k: -1 }. */
  extraMoves?: Record<string, number>;
}

export class VirtualRows {
  readonly #options: VirtualRowsOptions;
  viewport = $state<HTMLDivElement>();
  header = $state<HTMLTableSectionElement>();
  scrollTop = $state(0);
  viewportHeight = $state(0);
  headerHeight = $state(26);
  rowHeight: number = $state(0);

  readonly bodyHeight = $derived(Math.max(0, this.viewportHeight - this.headerHeight));
  readonly range: VirtualWindow;
  readonly indices: number[];

  constructor(options: VirtualRowsOptions) {
    this.#options = options;
    this.rowHeight = options.initialRowHeight;
    this.range = $derived(virtualWindow({ scrollTop: this.scrollTop, viewportHeight: this.bodyHeight, rowHeight: this.rowHeight, total: options.total(), overscan: options.overscan }));
    this.indices = $derived(Array.from({ length: this.range.last - this.range.first }, (_, i) => this.range.first + i));
  }

  readonly onscroll = (): void => {
    this.scrollTop = this.viewport?.scrollTop ?? 0;
  };

  /** Keeps the window math in step with the real row and header heights (call after rows render). */
  measure(): void {
    if (!this.viewport) return;
    const row = this.viewport.querySelector<HTMLElement>(this.#options.rowSelector);
    const measured = row?.getBoundingClientRect().height ?? 0;
    if (measured > 0 && Math.abs(measured - this.rowHeight) > 0.25) this.rowHeight = measured;
    const head = this.header?.getBoundingClientRect().height ?? 0;
    if (head > 0 && Math.abs(head - this.headerHeight) > 0.25) this.headerHeight = head;
  }

  toTop(): void {
    if (this.viewport) this.viewport.scrollTop = 0;
    this.scrollTop = 0;
  }

  /** Scrolls only when row `index` is not fully in view. */
  reveal(index: number): void {
    if (!this.viewport) return;
    const top = scrollToReveal(index, this.viewport.scrollTop, this.bodyHeight, this.rowHeight);
    if (top != null) {
      this.viewport.scrollTop = top;
      this.scrollTop = this.viewport.scrollTop;
    }
  }

  /** The row a navigation key (arrows, PgUp/PgDn, Home/End, extra moves) selects; null for other keys or an empty list. */
  moveFor(key: string, current: number | null): number | null {
    const total = this.#options.total();
    if (key === 'Home' || key === 'End') return total > 0 ? (key === 'Home' ? 0 : total - 1) : null;
    const page = Math.max(1, Math.floor(this.bodyHeight / this.rowHeight) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, ...this.#options.extraMoves };
    if (!(key in moves)) return null;
    const next = moveIndex(current, moves[key]!, total);
    return next >= 0 ? next : null;
  }

  /** Whether a key is one `moveFor` handles (to preventDefault even on an empty list). */
  isMoveKey(key: string): boolean {
    return ['ArrowDown', 'ArrowUp', 'PageDown', 'PageUp', 'Home', 'End'].includes(key) || key in (this.#options.extraMoves ?? {});
  }

  focus(): void {
    this.viewport?.focus({ preventScroll: true });
  }
}
