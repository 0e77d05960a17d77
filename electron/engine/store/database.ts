/**
 * The only module that imports better-sqlite3. Opens the store's SQLite file in WAL mode
 * and brings its schema up to date.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../common/errors.js';
import { migrate } from './migrations.js';

export type SqliteDatabase = Database.Database;

/** Where `npm run rebuild:electron` puts better-sqlite3 built for Electron's ABI. */
function electronNativeBinding(): string | undefined {
  if (!process.versions.electron) return undefined;
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/electron/engine/store -> repo root (or app.asar.unpacked root when packaged)
  // Packaged, native modules live beside app.asar in app.asar.unpacked (asar cannot hold a dlopen-able file).
  const candidate = join(here, '..', '..', '..', '..', 'native', 'electron', 'better_sqlite3.node').replace(
    /app\.asar([\\/])/,
    'app.asar.unpacked$1',
  );
  return existsSync(candidate) ? candidate : undefined;
}

export function openDatabase(path: string): SqliteDatabase {
  mkdirSync(dirname(path), { recursive: true });
  let db: SqliteDatabase;
  try {
    db = new Database(path, { nativeBinding: electronNativeBinding() });
  } catch (error) {
    throw new AppError('unavailable', `Cannot open the database at ${path}: ${(error as Error).message}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    // FULL: an acknowledged write (a label keystroke) survives power loss too, not only a killed process.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
