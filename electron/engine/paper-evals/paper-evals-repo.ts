/**
 * The paper's evaluations in SQLite (schema 9): one row per evaluation with its params, status and
 * the whole result as JSON once complete. A job that dies leaves its row `running`; the resumed
 * job (same kind and params) takes the row over.
 */
import type { PaperEvalKind, PaperEvalStatus, PaperEvaluationSummary } from '../../common/paper-evals/index.js';
import type { SqliteDatabase } from '../store/database.js';

interface EvaluationRecord {
  id: number;
  kind: PaperEvalKind;
  title: string;
  params: string;
  status: PaperEvalStatus;
  result: string | null;
  summary: string;
  error: string | null;
  job_id: number | null;
  created_at: string;
  finished_at: string | null;
}

export interface StoredPaperEvaluation extends PaperEvaluationSummary {
  result: unknown;
}

function toStored(r: EvaluationRecord): StoredPaperEvaluation {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    status: r.status,
    params: JSON.parse(r.params) as unknown,
    jobId: r.job_id,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    summary: JSON.parse(r.summary) as string[],
    error: r.error,
    result: r.result === null ? null : (JSON.parse(r.result) as unknown),
  };
}

export class PaperEvalsRepo {
  constructor(private readonly db: SqliteDatabase) {}

  /** The unfinished evaluation of the same kind and params (a resumed job continues it), else a new one. */
  begin(kind: PaperEvalKind, title: string, params: unknown, jobId: number | null): number {
    const key = `${kind}:${JSON.stringify(params)}`;
    const open = this.db.prepare("SELECT id FROM paper_evaluations WHERE eval_key = ? AND status = 'running' ORDER BY id DESC LIMIT 1").get(key) as { id: number } | undefined;
    if (open) {
      this.db.prepare('UPDATE paper_evaluations SET job_id = ? WHERE id = ?').run(jobId, open.id);
      return open.id;
    }
    const { lastInsertRowid } = this.db
      .prepare("INSERT INTO paper_evaluations (kind, title, params, eval_key, status, job_id, created_at) VALUES (?, ?, ?, ?, 'running', ?, ?)")
      .run(kind, title, JSON.stringify(params), key, jobId, new Date().toISOString());
    return Number(lastInsertRowid);
  }

  complete(id: number, result: unknown, summary: string[]): void {
    this.db
      .prepare("UPDATE paper_evaluations SET status = 'complete', result = ?, summary = ?, error = NULL, finished_at = ? WHERE id = ?")
      .run(JSON.stringify(result), JSON.stringify(summary), new Date().toISOString(), id);
  }

  /** A failure that resuming cannot fix (bad data); cancellations and crashes leave the row running. */
  fail(id: number, message: string): void {
    this.db.prepare("UPDATE paper_evaluations SET status = 'failed', error = ?, finished_at = ? WHERE id = ?").run(message, new Date().toISOString(), id);
  }

  get(id: number): StoredPaperEvaluation | undefined {
    const row = this.db.prepare('SELECT * FROM paper_evaluations WHERE id = ?').get(id) as EvaluationRecord | undefined;
    return row && toStored(row);
  }

  list(kind: PaperEvalKind | undefined, limit: number): PaperEvaluationSummary[] {
    const rows = (kind === undefined
      ? this.db.prepare('SELECT * FROM paper_evaluations ORDER BY id DESC LIMIT ?').all(limit)
      : this.db.prepare('SELECT * FROM paper_evaluations WHERE kind = ? ORDER BY id DESC LIMIT ?').all(kind, limit)) as EvaluationRecord[];
    return rows.map((r) => {
      const { result: _result, ...summary } = toStored({ ...r, result: null });
      return summary;
    });
  }

  delete(id: number): boolean {
    return this.db.prepare('DELETE FROM paper_evaluations WHERE id = ?').run(id).changes > 0;
  }
}
