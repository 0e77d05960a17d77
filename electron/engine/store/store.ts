import { join } from 'node:path';
import type { Disposable } from '../../common/lifecycle.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { DatasetsRepo } from './datasets-repo.js';
import { JobsRepo } from './jobs-repo.js';
import { ModelsRepo } from './models-repo.js';

export const DATABASE_FILE = 'audiosae.sqlite';

/** The engine's SQLite store: one file in the data dir, WAL, migrated on open. */
export class Store implements Disposable {
  readonly jobs: JobsRepo;
  readonly datasets: DatasetsRepo;
  readonly models: ModelsRepo;

  private constructor(
    readonly db: SqliteDatabase,
    readonly path: string,
  ) {
    this.jobs = new JobsRepo(db);
    this.datasets = new DatasetsRepo(db);
    this.models = new ModelsRepo(db);
  }

  static open(dataDir: string): Store {
    const path = join(dataDir, DATABASE_FILE);
    return new Store(openDatabase(path), path);
  }

  integrityCheck(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string;
  }

  dispose(): void {
    if (this.db.open) this.db.close();
  }
}
