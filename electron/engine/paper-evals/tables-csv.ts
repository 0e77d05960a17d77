/** An evaluation's tables as one CSV text: per table a `# name` line, its header and rows, then a blank line. */
import type { ResultTable } from '../../common/paper-evals/index.js';
import { toCsv } from '../features/csv.js';

function cell(value: string | number | null): string {
  if (value === null) return '';
  return typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
}

export function tablesCsv(tables: readonly ResultTable[]): string {
  return tables.map((t) => `# ${t.name}\r\n${toCsv([t.header, ...t.rows.map((row) => row.map(cell))])}`).join('\r\n');
}
