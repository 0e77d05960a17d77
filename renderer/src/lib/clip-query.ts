/**
 * The clip table's query (sort + filters) as the UI holds it, and how it becomes `clips.list`
 * params. Pure; no DOM, no Svelte.
 */
import type { ClipSort, RpcParams } from '../../../electron/common/contract.js';

export interface LabelFilter {
  key: string;
  value: string;
}

export interface ClipQuery {
  sort: ClipSort;
  label: LabelFilter | null;
  minDurationSec: number | null;
  maxDurationSec: number | null;
  /** Words to find in transcripts (full-text search); '' for none. */
  text: string;
}

export const EMPTY_QUERY: ClipQuery = { sort: 'path', label: null, minDurationSec: null, maxDurationSec: null, text: '' };

/**
 * The label filter select's option value: `key=value` (split at the first '='; label keys such
 * as `class`, `speaker`, `fold` never contain one). '' means no label filter.
 */
export function encodeLabelFilter(filter: LabelFilter | null): string {
  return filter ? `${filter.key}=${filter.value}` : '';
}

export function decodeLabelFilter(encoded: string): LabelFilter | null {
  const at = encoded.indexOf('=');
  if (at <= 0) return null;
  return { key: encoded.slice(0, at), value: encoded.slice(at + 1) };
}

/** A duration field's text -> seconds, or null when empty or not a non-negative number. */
export function parseSeconds(text: string): number | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const value = Number(trimmed);
  return Number.isFinite(value) && value >= 0 ? value : null;
}

/**
 * Free text -> an FTS5 query that treats every word literally (each quoted, so `don't`,
 * `a-b` or `AND` never become syntax); words are ANDed. '' when there are none.
 */
export function ftsQuery(text: string): string {
  const words = text
    .split(/\s+/)
    .map((w) => w.replace(/"/g, ''))
    .filter(Boolean);
  return words
    .slice(0, 20)
    .map((w) => `"${w}"`)
    .join(' ')
    .slice(0, 200);
}

export function clipListParams(datasetId: number, query: ClipQuery, offset: number, limit: number): RpcParams<'clips.list'> {
  const params: RpcParams<'clips.list'> = { datasetId, offset, limit, sort: query.sort };
  if (query.label) params.label = { key: query.label.key, value: query.label.value };
  if (query.minDurationSec != null) params.minDurationSec = query.minDurationSec;
  if (query.maxDurationSec != null) params.maxDurationSec = query.maxDurationSec;
  const text = ftsQuery(query.text);
  if (text) params.text = text;
  return params;
}

/** Two queries that would return the same rows have the same key. */
export function queryKey(datasetId: number | null, query: ClipQuery): string {
  return JSON.stringify([datasetId, query.sort, query.label, query.minDurationSec, query.maxDurationSec, ftsQuery(query.text)]);
}

/** The sort a click on a column header asks for: duration toggles ascending/descending. */
export function nextSort(current: ClipSort, column: 'path' | 'duration' | 'id'): ClipSort {
  if (column === 'duration') return current === 'duration' ? '-duration' : 'duration';
  return column;
}

/** aria-sort for a column header. */
export function ariaSort(current: ClipSort, column: 'path' | 'duration' | 'id'): 'ascending' | 'descending' | 'none' {
  if (column === 'duration') return current === 'duration' ? 'ascending' : current === '-duration' ? 'descending' : 'none';
  return current === column ? 'ascending' : 'none';
}

/** "class: dog", for chips and the label select. */
export function labelChips(labels: Record<string, string[]> | undefined | null): string[] {
  if (!labels) return [];
  return Object.entries(labels).flatMap(([key, values]) => values.map((v) => `${key}: ${v}`));
}
