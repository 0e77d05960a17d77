/** Pure parsing of the Training form's text fields (tested in tests/unit/renderer). */

/** 'all' (or empty) -> 'all'; "1, 3,5" -> [1, 3, 5] (sorted, unique); null when a part is not a layer number. */
export function parseLayers(text: string): 'all' | number[] | null {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === '' || trimmed === 'all') return 'all';
  const parts = trimmed.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p))) return null;
  const layers = [...new Set(parts.map(Number))].sort((a, b) => a - b);
  return layers.every((l) => l <= 256) ? layers : null;
}

/** A count of seeds -> [0, 1, ..., n - 1]; null unless 1 <= n <= 64. */
export function seedList(count: number): number[] | null {
  if (!Number.isInteger(count) || count < 1 || count > 64) return null;
  return Array.from({ length: count }, (_, i) => i);
}

/** Milliseconds to wait before the next call so calls are at least `intervalMs` apart (0 = now). */
export function throttleDelay(lastAt: number | null, now: number, intervalMs: number): number {
  if (lastAt == null) return 0;
  return Math.max(0, lastAt + intervalMs - now);
}
