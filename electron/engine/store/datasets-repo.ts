/**
 * Datasets and their clips. An import writes clips in batches, each batch one transaction,
 * under a dataset whose status stays `importing` until the import job finishes: lists and
 * lookups show only `ready` datasets, so a cancelled or crashed import is invisible (and a
 * resumed job continues into the same dataset, skipping files already there).
 */
import type {
  ClipPage,
  ClipRow,
  ClipSort,
  DatasetLayout,
  DatasetSummary,
  ImportFailureRow,
  LabelCount,
} from '../../common/contract.js';
import type { SqliteDatabase } from './database.js';

export type ResolvedLayout = Exclude<DatasetLayout, 'auto'>;

export interface NewClip {
  path: string;
  relativePath: string;
  sha256: string;
  durationSec: number;
  sampleRate: number;
  channels: number;
  format?: string;
  labels?: Record<string, string[]>;
  transcript?: string | null;
}

export interface ClipQuery {
  datasetId: number;
  offset: number;
  limit: number;
  sort?: ClipSort;
  label?: { key: string; value: string };
  minDurationSec?: number;
  maxDurationSec?: number;
  text?: string;
}

interface DatasetRecord {
  id: number;
  name: string;
  root_path: string;
  layout: ResolvedLayout;
  created_at: string;
  clip_count: number;
  total_duration: number | null;
  failed_files: number;
}

interface ClipRecord {
  id: number;
  dataset_id: number;
  path: string;
  relative_path: string;
  sha256: string;
  duration_sec: number;
  sample_rate: number;
  channels: number;
  format: string;
  labels: string;
  transcript: string | null;
}

const DATASET_SUMMARY_SQL = `
  SELECT d.id, d.name, d.root_path, d.layout, d.created_at,
         (SELECT COUNT(*) FROM clips c WHERE c.dataset_id = d.id) AS clip_count,
         (SELECT COALESCE(SUM(c.duration_sec), 0) FROM clips c WHERE c.dataset_id = d.id) AS total_duration,
         (SELECT COUNT(*) FROM import_failures f WHERE f.dataset_id = d.id) AS failed_files
  FROM datasets d WHERE d.status = 'ready'`;

const ORDER_BY: Record<ClipSort, string> = {
  path: 'relative_path, id',
  duration: 'duration_sec, id',
  '-duration': 'duration_sec DESC, id DESC',
  id: 'id',
};

function toSummary(row: DatasetRecord): DatasetSummary {
  return {
    id: row.id,
    name: row.name,
    rootPath: row.root_path,
    layout: row.layout,
    clipCount: row.clip_count,
    totalDurationSec: row.total_duration ?? 0,
    failedFiles: row.failed_files,
    createdAt: row.created_at,
  };
}

function toClip(row: ClipRecord): ClipRow {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    path: row.path,
    relativePath: row.relative_path,
    sha256: row.sha256,
    durationSec: row.duration_sec,
    sampleRate: row.sample_rate,
    channels: row.channels,
    format: row.format,
    labels: JSON.parse(row.labels) as Record<string, string[]>,
    transcript: row.transcript,
  };
}

/** User text to an FTS5 query: each word quoted (no syntax errors), words ANDed, `word*` a prefix. */
export function toFtsQuery(text: string): string {
  return text
    .split(/\s+/)
    .map((word) => word.replace(/"/g, ''))
    .filter((word) => word.replace(/\*/g, '').length > 0)
    .map((word) => (word.endsWith('*') ? `"${word.replace(/\*/g, '')}"*` : `"${word.replace(/\*/g, '')}"`))
    .join(' ');
}

export class DatasetsRepo {
  constructor(private readonly db: SqliteDatabase) {}

  /** A ready dataset with all its clips in one transaction (tests and small imports). */
  createWithClips(name: string, rootPath: string, importJobId: number | null, clips: readonly NewClip[]): number {
    return this.db.transaction(() => {
      const id = this.beginImport(name, rootPath, 'generic', importJobId);
      this.commitBatch(id, importJobId ?? 0, clips, []);
      this.finishImport(id);
      return id;
    })();
  }

  /**
   * The dataset an import of `rootPath` named `name` writes into: the one an earlier,
   * unfinished (or finished) import of the same folder and name left, else a new one. It is
   * marked `importing` and its failure list is cleared (the job reports them again).
   */
  beginImport(name: string, rootPath: string, layout: ResolvedLayout, importJobId: number | null): number {
    return this.db.transaction(() => {
      const existing = this.db
        .prepare('SELECT id FROM datasets WHERE name = ? AND root_path = ? ORDER BY id DESC LIMIT 1')
        .get(name, rootPath) as { id: number } | undefined;
      if (existing) {
        this.db
          .prepare(`UPDATE datasets SET status = 'importing', layout = ?, import_job_id = ? WHERE id = ?`)
          .run(layout, importJobId, existing.id);
        this.db.prepare('DELETE FROM import_failures WHERE dataset_id = ?').run(existing.id);
        return existing.id;
      }
      return Number(
        this.db
          .prepare(
            `INSERT INTO datasets (name, root_path, import_job_id, created_at, layout, status) VALUES (?, ?, ?, ?, ?, 'importing')`,
          )
          .run(name, rootPath, importJobId, new Date().toISOString(), layout).lastInsertRowid,
      );
    })();
  }

  /** Whether this file (same relative path, same content) is already a clip of the dataset. */
  hasClip(datasetId: number, relativePath: string, sha256: string): boolean {
    return (
      this.db
        .prepare('SELECT 1 FROM clips WHERE dataset_id = ? AND relative_path = ? AND sha256 = ?')
        .get(datasetId, relativePath, sha256) !== undefined
    );
  }

  /** Writes a batch of clips (a changed file replaces its row) and failures in one transaction. */
  commitBatch(
    datasetId: number,
    jobId: number,
    clips: readonly NewClip[],
    failures: readonly { path: string; reason: string }[],
  ): void {
    const upsert = this.db.prepare(
      `INSERT INTO clips (dataset_id, path, relative_path, sha256, duration_sec, sample_rate, channels, format, labels, transcript)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (dataset_id, relative_path) DO UPDATE SET
         path = excluded.path, sha256 = excluded.sha256, duration_sec = excluded.duration_sec,
         sample_rate = excluded.sample_rate, channels = excluded.channels, format = excluded.format,
         labels = excluded.labels, transcript = excluded.transcript
       RETURNING id`,
    );
    const clearLabels = this.db.prepare('DELETE FROM clip_labels WHERE clip_id = ?');
    const insertLabel = this.db.prepare('INSERT OR IGNORE INTO clip_labels (clip_id, key, value) VALUES (?, ?, ?)');
    const insertFailure = this.db.prepare('INSERT INTO import_failures (dataset_id, job_id, path, reason) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const c of clips) {
        const labels = c.labels ?? {};
        const { id } = upsert.get(
          datasetId,
          c.path,
          c.relativePath,
          c.sha256,
          c.durationSec,
          c.sampleRate,
          c.channels,
          c.format ?? 'wav',
          JSON.stringify(labels),
          c.transcript ?? null,
        ) as { id: number };
        clearLabels.run(id);
        for (const [key, values] of Object.entries(labels)) for (const value of values) insertLabel.run(id, key, value);
      }
      for (const f of failures) insertFailure.run(datasetId, jobId, f.path, f.reason);
    })();
  }

  finishImport(datasetId: number): void {
    this.db.prepare(`UPDATE datasets SET status = 'ready' WHERE id = ?`).run(datasetId);
  }

  clipCountIncludingUnfinished(datasetId: number): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM clips WHERE dataset_id = ?').get(datasetId) as { n: number }).n;
  }

  list(): DatasetSummary[] {
    return (this.db.prepare(`${DATASET_SUMMARY_SQL} ORDER BY d.id`).all() as DatasetRecord[]).map(toSummary);
  }

  get(id: number): DatasetSummary | undefined {
    const row = this.db.prepare(`${DATASET_SUMMARY_SQL} AND d.id = ?`).get(id) as DatasetRecord | undefined;
    return row && toSummary(row);
  }

  /** Deletes a dataset whatever its status (an abandoned import too); clips, labels, failures follow. */
  delete(id: number): boolean {
    return this.db.prepare('DELETE FROM datasets WHERE id = ?').run(id).changes > 0;
  }

  importFailures(datasetId: number): ImportFailureRow[] {
    return (
      this.db
        .prepare('SELECT path, reason, job_id FROM import_failures WHERE dataset_id = ? ORDER BY path, id')
        .all(datasetId) as { path: string; reason: string; job_id: number }[]
    ).map((r) => ({ path: r.path, reason: r.reason, jobId: r.job_id }));
  }

  labelCounts(datasetId: number, key?: string): LabelCount[] {
    const rows = this.db
      .prepare(
        `SELECT l.key, l.value, COUNT(*) AS count FROM clip_labels l JOIN clips c ON c.id = l.clip_id
         WHERE c.dataset_id = ? ${key === undefined ? '' : 'AND l.key = ?'}
         GROUP BY l.key, l.value ORDER BY l.key, count DESC, l.value`,
      )
      .all(...(key === undefined ? [datasetId] : [datasetId, key])) as LabelCount[];
    return rows;
  }

  /** One page of clips, filtered and sorted in SQL (indexes on path, duration, labels; FTS5 for text). */
  listClips(query: ClipQuery): ClipPage {
    const where = ['c.dataset_id = ?'];
    const args: (string | number)[] = [query.datasetId];
    if (query.minDurationSec !== undefined) {
      where.push('c.duration_sec >= ?');
      args.push(query.minDurationSec);
    }
    if (query.maxDurationSec !== undefined) {
      where.push('c.duration_sec <= ?');
      args.push(query.maxDurationSec);
    }
    if (query.label) {
      where.push('c.id IN (SELECT clip_id FROM clip_labels WHERE key = ? AND value = ?)');
      args.push(query.label.key, query.label.value);
    }
    if (query.text !== undefined) {
      const fts = toFtsQuery(query.text);
      if (fts.length === 0) return { total: 0, offset: query.offset, clips: [] };
      where.push('c.id IN (SELECT rowid FROM clip_transcripts WHERE clip_transcripts MATCH ?)');
      args.push(fts);
    }
    const filter = where.join(' AND ');
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM clips c WHERE ${filter}`).get(...args) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT c.* FROM clips c WHERE ${filter} ORDER BY ${ORDER_BY[query.sort ?? 'path']} LIMIT ? OFFSET ?`)
      .all(...args, query.limit, query.offset) as ClipRecord[];
    return { total, offset: query.offset, clips: rows.map(toClip) };
  }

  getClip(id: number): ClipRow | undefined {
    const row = this.db.prepare('SELECT * FROM clips WHERE id = ?').get(id) as ClipRecord | undefined;
    return row && toClip(row);
  }
}
