/**
 * Window math for a virtualized list of fixed-height rows: which rows to put in the DOM for a
 * scroll position, which server pages they need, and how to scroll a row into view.
 * Pure functions; no DOM, no Svelte.
 */

export interface VirtualWindowInput {
  /** The scroll container's scrollTop (px). */
  scrollTop: number;
  /** The scroll container's visible height (px), header excluded. */
  viewportHeight: number;
  rowHeight: number;
  /** Rows in the whole list (the server's total). */
  total: number;
  /** Extra rows rendered above and below the visible ones, so fast scrolling shows no gaps. */
  overscan?: number;
}

export interface VirtualWindow {
  /** First row index in the DOM (inclusive). */
  first: number;
  /** One past the last row index in the DOM. */
  last: number;
  /** Height of the spacer above the first rendered row (px). */
  padTop: number;
  /** Height of the spacer below the last rendered row (px). */
  padBottom: number;
  /** The whole list's height (px). */
  totalHeight: number;
}

export function virtualWindow({ scrollTop, viewportHeight, rowHeight, total, overscan = 8 }: VirtualWindowInput): VirtualWindow {
  const count = Math.max(0, Math.floor(total));
  const totalHeight = count * rowHeight;
  if (count === 0 || rowHeight <= 0) return { first: 0, last: 0, padTop: 0, padBottom: totalHeight, totalHeight };
  const maxScroll = Math.max(0, totalHeight - viewportHeight);
  const top = Math.min(Math.max(0, scrollTop), maxScroll);
  const firstVisible = Math.floor(top / rowHeight);
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const first = Math.max(0, firstVisible - overscan);
  const last = Math.min(count, firstVisible + visible + overscan);
  return { first, last, padTop: first * rowHeight, padBottom: (count - last) * rowHeight, totalHeight };
}

/** Indices of the server pages (of `pageSize` rows) that hold rows [first, last). */
export function pagesForRange(first: number, last: number, pageSize: number): number[] {
  if (last <= first || pageSize <= 0) return [];
  const pages: number[] = [];
  for (let p = Math.floor(first / pageSize); p <= Math.floor((last - 1) / pageSize); p++) pages.push(p);
  return pages;
}

/**
 * The scrollTop that brings row `index` fully into view, or null when it already is
 * (so keyboard moves scroll only when the selection would leave the viewport).
 */
export function scrollToReveal(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number | null {
  const rowTop = index * rowHeight;
  const rowBottom = rowTop + rowHeight;
  if (rowTop < scrollTop) return rowTop;
  if (rowBottom > scrollTop + viewportHeight) return Math.max(0, rowBottom - viewportHeight);
  return null;
}

/** A selection index moved by a key: clamped to [0, total - 1]; -1 when the list is empty. */
export function moveIndex(current: number | null, delta: number, total: number): number {
  if (total <= 0) return -1;
  const from = current == null || current < 0 ? (delta > 0 ? -1 : total) : current;
  return Math.min(total - 1, Math.max(0, from + delta));
}

/**
 * Page indices to drop from a cache holding `cached` pages, keeping at most `keep` of them,
 * the ones nearest the pages now in view.
 */
export function pagesToEvict(cached: Iterable<number>, inView: number[], keep: number): number[] {
  const all = [...cached];
  if (all.length <= keep) return [];
  const centre = inView.length ? (inView[0]! + inView[inView.length - 1]!) / 2 : 0;
  const keepSet = new Set(inView);
  return all
    .filter((p) => !keepSet.has(p))
    .sort((a, b) => Math.abs(b - centre) - Math.abs(a - centre))
    .slice(0, all.length - Math.max(keep, keepSet.size));
}
