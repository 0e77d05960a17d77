import type { ClipPage, ClipRow, DatasetSummary } from '../../common/contract.js';
import type { SqliteDatabase } from './database.js';

export interface NewClip {
  path: string;
  relativePath: string;
  sha256: string;
  durationSec: number;
  sampleRate: number;
  channels: number;
}

interface DatasetRecord {
  id: number;
  name: string;
  root_path: string;
  created_at: string;
  clip_count: number;
  total_duration: number | null;
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
}

const DATASET_SUMMARY_SQL = `
  SELECT d.id, d.name, d.root_path, d.created_at,
         COUNT(c.id) AS clip_count, COALESCE(SUM(c.duration_sec), 0) AS total_duration
  FROM datasets d LEFT JOIN clips c ON c.dataset_id = d.id`;

function toSummary(row: DatasetRecord): DatasetSummary {
  return {
    id: row.id,
    name: row.name,
    rootPath: row.root_path,
    clipCount: row.clip_count,
    totalDurationSec: row.total_duration ?? 0,
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
  };
}

export class DatasetsRepo {
  constructor(private readonly db: SqliteDatabase) {}

  /** Dataset and all its clips in one transaction: a crash leaves either all or nothing. */
  createWithClips(name: string, rootPath: string, importJobId: number | null, clips: readonly NewClip[]): number {
    const insertDataset = this.db.prepare(
      'INSERT INTO datasets (name, root_path, import_job_id, created_at) VALUES (?, ?, ?, ?)',
    );
    const insertClip = this.db.prepare(
      `INSERT INTO clips (dataset_id, path, relative_path, sha256, duration_sec, sample_rate, channels)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    return this.db.transaction(() => {
      const datasetId = Number(insertDataset.run(name, rootPath, importJobId, new Date().toISOString()).lastInsertRowid);
      for (const c of clips) {
        insertClip.run(datasetId, c.path, c.relativePath, c.sha256, c.durationSec, c.sampleRate, c.channels);
      }
      return datasetId;
    })();
  }

  list(): DatasetSummary[] {
    const rows = this.db.prepare(`${DATASET_SUMMARY_SQL} GROUP BY d.id ORDER BY d.id`).all() as DatasetRecord[];
    return rows.map(toSummary);
  }

  get(id: number): DatasetSummary | undefined {
    const row = this.db.prepare(`${DATASET_SUMMARY_SQL} WHERE d.id = ? GROUP BY d.id`).get(id) as
      | DatasetRecord
      | undefined;
    return row && toSummary(row);
  }

  delete(id: number): boolean {
    return this.db.prepare('DELETE FROM datasets WHERE id = ?').run(id).changes > 0;
  }

  listClips(datasetId: number, offset: number, limit: number): ClipPage {
    const total = (this.db.prepare('SELECT COUNT(*) AS n FROM clips WHERE dataset_id = ?').get(datasetId) as { n: number })
      .n;
    const rows = this.db
      .prepare('SELECT * FROM clips WHERE dataset_id = ? ORDER BY relative_path LIMIT ? OFFSET ?')
      .all(datasetId, limit, offset) as ClipRecord[];
    return { total, offset, clips: rows.map(toClip) };
  }

  getClip(id: number): ClipRow | undefined {
    const row = this.db.prepare('SELECT * FROM clips WHERE id = ?').get(id) as ClipRecord | undefined;
    return row && toClip(row);
  }
}
