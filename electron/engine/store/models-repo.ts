import type { ModelRow } from '../../common/contract.js';
import type { SqliteDatabase } from './database.js';

export type NewModel = Omit<ModelRow, 'id' | 'createdAt' | 'sizeBytes'> & { sizeBytes?: number };

interface ModelRecord {
  id: number;
  repo_id: string;
  revision: string;
  commit_sha: string;
  architecture: string;
  snapshot_dir: string;
  n_mels: number;
  d_model: number;
  layers: number;
  size_bytes: number;
  created_at: string;
}

function toModel(row: ModelRecord): ModelRow {
  return {
    id: row.id,
    repoId: row.repo_id,
    revision: row.revision,
    commit: row.commit_sha,
    architecture: row.architecture,
    snapshotDir: row.snapshot_dir,
    nMels: row.n_mels,
    dModel: row.d_model,
    layers: row.layers,
    sizeBytes: row.size_bytes,
    createdAt: row.created_at,
  };
}

export class ModelsRepo {
  constructor(private readonly db: SqliteDatabase) {}

  /** Registers a downloaded model; downloading the same repo + revision again updates it. */
  upsert(model: NewModel): ModelRow {
    this.db
      .prepare(
        `INSERT INTO models (repo_id, revision, commit_sha, architecture, snapshot_dir, n_mels, d_model, layers, size_bytes, created_at)
         VALUES (@repoId, @revision, @commit, @architecture, @snapshotDir, @nMels, @dModel, @layers, @sizeBytes, @createdAt)
         ON CONFLICT (repo_id, revision) DO UPDATE SET
           commit_sha = excluded.commit_sha, architecture = excluded.architecture, snapshot_dir = excluded.snapshot_dir,
           n_mels = excluded.n_mels, d_model = excluded.d_model, layers = excluded.layers, size_bytes = excluded.size_bytes`,
      )
      .run({ ...model, sizeBytes: model.sizeBytes ?? 0, createdAt: new Date().toISOString() });
    const row = this.db
      .prepare('SELECT * FROM models WHERE repo_id = ? AND revision = ?')
      .get(model.repoId, model.revision) as ModelRecord;
    return toModel(row);
  }

  list(): ModelRow[] {
    return (this.db.prepare('SELECT * FROM models ORDER BY id').all() as ModelRecord[]).map(toModel);
  }

  /** Models registered for a hub repo (one per revision). */
  byRepo(repoId: string): ModelRow[] {
    return (this.db.prepare('SELECT * FROM models WHERE repo_id = ? COLLATE NOCASE ORDER BY id').all(repoId) as ModelRecord[]).map(toModel);
  }

  /** Unregisters a model; its activation runs go with it (ON DELETE CASCADE). */
  delete(id: number): boolean {
    return this.db.prepare('DELETE FROM models WHERE id = ?').run(id).changes > 0;
  }

  get(id: number): ModelRow | undefined {
    const row = this.db.prepare('SELECT * FROM models WHERE id = ?').get(id) as ModelRecord | undefined;
    return row && toModel(row);
  }
}
