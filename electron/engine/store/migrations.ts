/**
 * Schema migrations, applied in order inside one transaction each. `PRAGMA user_version`
 * records the last applied one. Never edit a migration that has shipped: add a new one.
 */
import type { Database } from 'better-sqlite3';
import { AppError } from '../../common/errors.js';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'jobs, datasets, clips, models',
    sql: `
      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued','running','succeeded','failed','cancelled','interrupted')),
        params TEXT NOT NULL,
        progress TEXT NOT NULL,
        result TEXT,
        error TEXT,
        resumed_from INTEGER REFERENCES jobs(id),
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
      );
      CREATE INDEX jobs_status ON jobs(status);

      CREATE TABLE datasets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        root_path TEXT NOT NULL,
        import_job_id INTEGER REFERENCES jobs(id),
        created_at TEXT NOT NULL
      );

      CREATE TABLE clips (
        id INTEGER PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        relative_path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        duration_sec REAL NOT NULL CHECK (duration_sec > 0),
        sample_rate INTEGER NOT NULL CHECK (sample_rate > 0),
        channels INTEGER NOT NULL CHECK (channels > 0),
        labels TEXT NOT NULL DEFAULT '{}',
        UNIQUE (dataset_id, relative_path)
      );
      CREATE INDEX clips_sha256 ON clips(dataset_id, sha256);

      CREATE TABLE models (
        id INTEGER PRIMARY KEY,
        repo_id TEXT NOT NULL,
        revision TEXT NOT NULL,
        commit_sha TEXT NOT NULL,
        architecture TEXT NOT NULL,
        snapshot_dir TEXT NOT NULL,
        n_mels INTEGER NOT NULL,
        d_model INTEGER NOT NULL,
        layers INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (repo_id, revision)
      );
    `,
  },
];

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): void {
  const current = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new AppError(
      'unavailable',
      `The database was written by a newer AudioSAE Lab (schema ${current}, this build knows ${latest}). Update the app.`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
