/** Clip labels of an activation run's clips, for evaluations that classify clips or frames. */
import type { SqliteDatabase } from '../store/database.js';

/** clip id -> the values of label `key` (a clip may carry several) for the run's clips that have it. */
export function runClipLabels(db: SqliteDatabase, runId: number, key: string): Map<number, string[]> {
  const rows = db
    .prepare(
      `SELECT l.clip_id AS clipId, l.value AS value FROM clip_labels l
       WHERE l.key = ? AND l.clip_id IN (SELECT DISTINCT clip_id FROM activation_spans WHERE run_id = ?)
       ORDER BY l.clip_id, l.value`,
    )
    .all(key, runId) as { clipId: number; value: string }[];
  const out = new Map<number, string[]>();
  for (const r of rows) {
    const values = out.get(r.clipId);
    if (values) values.push(r.value);
    else out.set(r.clipId, [r.value]);
  }
  return out;
}

/** The label keys the run's clips carry, with how many clips carry each value (for forms and errors). */
export function runLabelValueCounts(db: SqliteDatabase, runId: number, key: string): { value: string; clips: number }[] {
  return db
    .prepare(
      `SELECT l.value AS value, COUNT(DISTINCT l.clip_id) AS clips FROM clip_labels l
       WHERE l.key = ? AND l.clip_id IN (SELECT DISTINCT clip_id FROM activation_spans WHERE run_id = ?)
       GROUP BY l.value ORDER BY l.value`,
    )
    .all(key, runId) as { value: string; clips: number }[];
}
