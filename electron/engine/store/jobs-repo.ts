import type { RpcErrorShape } from '../../common/errors.js';
import type { JobKind, JobProgress, JobSnapshot, JobStatus } from '../../common/jobs.js';
import type { SqliteDatabase } from './database.js';

interface JobRecord {
  id: number;
  kind: string;
  title: string;
  status: string;
  params: string;
  progress: string;
  result: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

function toSnapshot(row: JobRecord): JobSnapshot {
  return {
    id: row.id,
    kind: row.kind as JobKind,
    title: row.title,
    status: row.status as JobStatus,
    params: JSON.parse(row.params) as unknown,
    progress: JSON.parse(row.progress) as JobProgress,
    result: row.result === null ? null : (JSON.parse(row.result) as unknown),
    error: row.error === null ? null : (JSON.parse(row.error) as RpcErrorShape),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export const EMPTY_PROGRESS: JobProgress = { done: 0, total: null, unit: 'items', etaSeconds: null };

export class JobsRepo {
  constructor(private readonly db: SqliteDatabase) {}

  create(kind: JobKind, title: string, params: unknown, resumedFrom: number | null = null): JobSnapshot {
    const info = this.db
      .prepare(
        `INSERT INTO jobs (kind, title, status, params, progress, resumed_from, created_at)
         VALUES (?, ?, 'queued', ?, ?, ?, ?)`,
      )
      .run(kind, title, JSON.stringify(params), JSON.stringify(EMPTY_PROGRESS), resumedFrom, new Date().toISOString());
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): JobSnapshot | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRecord | undefined;
    return row && toSnapshot(row);
  }

  list(limit: number): JobSnapshot[] {
    const rows = this.db.prepare('SELECT * FROM jobs ORDER BY id DESC LIMIT ?').all(limit) as JobRecord[];
    return rows.map(toSnapshot);
  }

  markRunning(id: number): void {
    this.db.prepare(`UPDATE jobs SET status = 'running', started_at = ? WHERE id = ?`).run(new Date().toISOString(), id);
  }

  saveProgress(id: number, progress: JobProgress): void {
    this.db.prepare('UPDATE jobs SET progress = ? WHERE id = ?').run(JSON.stringify(progress), id);
  }

  finish(
    id: number,
    status: Extract<JobStatus, 'succeeded' | 'failed' | 'cancelled' | 'interrupted'>,
    outcome: { progress: JobProgress; result?: unknown; error?: RpcErrorShape },
  ): void {
    this.db
      .prepare('UPDATE jobs SET status = ?, progress = ?, result = ?, error = ?, finished_at = ? WHERE id = ?')
      .run(
        status,
        JSON.stringify(outcome.progress),
        outcome.result === undefined ? null : JSON.stringify(outcome.result),
        outcome.error === undefined ? null : JSON.stringify(outcome.error),
        new Date().toISOString(),
        id,
      );
  }

  /**
   * Jobs left queued or running by an engine that stopped (crash, kill -9, power loss)
   * become `interrupted`; the user can resume them. Returns how many.
   */
  interruptUnfinished(): number {
    const error = JSON.stringify({
      name: 'Interrupted',
      code: 'unavailable',
      message: 'The engine stopped while this job was unfinished. Resume it to run it again.',
    });
    return this.db
      .prepare(
        `UPDATE jobs SET status = 'interrupted', error = ?, finished_at = ? WHERE status IN ('queued', 'running')`,
      )
      .run(error, new Date().toISOString()).changes;
  }
}
