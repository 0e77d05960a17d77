import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { MIGRATIONS, migrate, schemaVersion } from '../../../electron/engine/store/migrations.js';
import { Store } from '../../../electron/engine/store/store.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

test('a new store is migrated to the latest schema, in WAL mode, and passes integrity_check', () => {
  const dir = makeTempDir();
  try {
    const store = Store.open(dir.path);
    assert.equal(schemaVersion(store.db), MIGRATIONS.at(-1)!.version);
    assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
    assert.equal(store.db.pragma('synchronous', { simple: true }), 2, 'synchronous = FULL: acknowledged writes survive power loss');
    assert.equal(store.integrityCheck(), 'ok');
    store.dispose();
  } finally {
    dir.cleanup();
  }
});

test('a failing migration rolls back entirely and leaves the version where it was', () => {
  const db = new Database(':memory:');
  const broken = [
    MIGRATIONS[0]!,
    { version: 2, description: 'half broken', sql: 'CREATE TABLE extra (id INTEGER); INSERT INTO nowhere VALUES (1);' },
  ];
  assert.throws(() => migrate(db, broken), /no such table: nowhere/);
  assert.equal(schemaVersion(db), 1);
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE name = 'extra'`).all();
  assert.equal(tables.length, 0);
});

test('a database from a newer build is refused with an explanation', () => {
  const db = new Database(':memory:');
  db.pragma('user_version = 999');
  assert.throws(() => migrate(db), /newer AudioSAE Lab/);
});

test('datasets and clips are written in one transaction: a bad clip writes nothing', () => {
  const dir = makeTempDir();
  try {
    const store = Store.open(dir.path);
    const good = { path: '/a.wav', relativePath: 'a.wav', sha256: 'x', durationSec: 1, sampleRate: 16000, channels: 1 };
    assert.throws(() =>
      store.datasets.createWithClips('d', '/', null, [good, { ...good, relativePath: 'b.wav', durationSec: 0 }]),
    );
    assert.deepEqual(store.datasets.list(), []);
    const id = store.datasets.createWithClips('d', '/', null, [good]);
    assert.deepEqual(
      store.datasets.list().map((d) => [d.id, d.clipCount, d.totalDurationSec]),
      [[id, 1, 1]],
    );
    store.dispose();
  } finally {
    dir.cleanup();
  }
});

test('jobs left queued or running by a dead engine become interrupted on the next open', () => {
  const dir = makeTempDir();
  try {
    const first = Store.open(dir.path);
    const running = first.jobs.create('datasets.import', 'r', { a: 1 });
    first.jobs.markRunning(running.id);
    const queued = first.jobs.create('datasets.import', 'q', {});
    const done = first.jobs.create('datasets.import', 'd', {});
    first.jobs.finish(done.id, 'succeeded', { progress: done.progress, result: { ok: true } });
    first.db.close(); // no orderly shutdown, as after kill -9

    const second = Store.open(join(dir.path));
    assert.equal(second.jobs.interruptUnfinished(), 2);
    assert.equal(second.jobs.get(running.id)!.status, 'interrupted');
    assert.equal(second.jobs.get(queued.id)!.status, 'interrupted');
    assert.match(second.jobs.get(running.id)!.error!.message, /Resume/);
    assert.equal(second.jobs.get(done.id)!.status, 'succeeded');
    assert.deepEqual(second.jobs.get(running.id)!.params, { a: 1 });
    second.dispose();
  } finally {
    dir.cleanup();
  }
});

test('migration 4 keeps models registered at schema 3, with size 0 until measured, and runs without a fallback', () => {
  const db = new Database(':memory:');
  migrate(db, MIGRATIONS.filter((m) => m.version <= 3));
  assert.equal(schemaVersion(db), 3, 'at schema 3 first');
  db.prepare(
    `INSERT INTO models (repo_id, revision, commit_sha, architecture, snapshot_dir, n_mels, d_model, layers, created_at)
     VALUES ('o/n', 'main', 'c', 'whisper-encoder', '/s', 80, 64, 2, 'now')`,
  ).run();
  migrate(db, MIGRATIONS.filter((m) => m.version <= 4));
  assert.equal(schemaVersion(db), 4, 'migrated to 4');
  assert.deepEqual(db.prepare('SELECT repo_id, size_bytes FROM models').all(), [{ repo_id: 'o/n', size_bytes: 0 }], 'the model stays, sized 0');
  const columns = (db.prepare('PRAGMA table_info(activation_runs)').all() as { name: string }[]).map((c) => c.name);
  assert.ok(columns.includes('device_fallback'), `activation_runs has device_fallback (${columns.join(', ')})`);
  const versions = MIGRATIONS.map((m) => m.version);
  assert.deepEqual(versions, [...versions].sort((a, b) => a - b), 'migrations ascend');
});

test('migration 6 rebuilds saes (run optional) without cascading away their metrics, and labels are searchable with FTS5', () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, MIGRATIONS.filter((m) => m.version <= 5));
  db.exec(`
    INSERT INTO models (id, repo_id, revision, commit_sha, architecture, snapshot_dir, n_mels, d_model, layers, created_at) VALUES (1, 'o/n', 'main', 'c', 'whisper-encoder', '/s', 80, 64, 2, 'now');
    INSERT INTO datasets (id, name, root_path, created_at) VALUES (1, 'd', '/d', 'now');
    INSERT INTO activation_runs (id, dataset_id, model_id, layers, dtype, d_model, frame_rate_hz, dir, status, device, created_at) VALUES (1, 1, 1, '[1]', 'float32', 64, 50, '/a', 'complete', 'cpu', 'now');
    INSERT INTO saes (id, run_id, model_id, layer, architecture, k, width, seed, status, config, train_key, created_at) VALUES (7, 1, 1, 1, 'topk', 4, 256, 0, 'complete', '{}', 'key', 'now');
    INSERT INTO sae_metrics VALUES (7, 10, 1, 1, 0.5, 0.5, 4, 0, 0, 1e-4);
  `);
  migrate(db);
  assert.equal(schemaVersion(db), MIGRATIONS.at(-1)!.version, 'migrated to the latest');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1, 'foreign keys are back on');
  assert.deepEqual(db.prepare('SELECT id, run_id, source FROM saes').all(), [{ id: 7, run_id: 1, source: 'trained' }], 'the SAE row survives as trained');
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM sae_metrics').get() as { n: number }).n, 1, 'its metrics were not cascaded away');
  db.prepare("INSERT INTO saes (run_id, model_id, layer, architecture, k, width, seed, status, config, train_key, created_at, source) VALUES (NULL, 1, 1, 'batchtopk', 4, 256, 0, 'complete', '{}', '', 'now', 'imported')").run();
  db.prepare("INSERT INTO feature_labels (sae_id, feature, label, notes, author, updated_at) VALUES (7, 3, 'dog bark', 'loud onsets', 'me', 'now')").run();
  const hits = db.prepare("SELECT l.feature FROM feature_labels_fts f JOIN feature_labels l ON l.id = f.rowid WHERE feature_labels_fts MATCH 'bark'").all();
  assert.deepEqual(hits, [{ feature: 3 }], 'FTS5 finds the label');
  db.prepare("UPDATE feature_labels SET label = 'siren' WHERE feature = 3").run();
  assert.equal(db.prepare("SELECT rowid FROM feature_labels_fts WHERE feature_labels_fts MATCH 'bark'").all().length, 0, 'the old text is gone from the index');
});
