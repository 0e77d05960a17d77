/**
 * kill -9 of the engine right after a label keystroke is acknowledged (through `audiosae serve`'s
 * supervisor): after the restart the label, its history and its FTS entry are all there.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Store } from '../../electron/engine/store/store.js';
import { startSupervisedEngine, type SupervisedEngine } from '../helpers/supervised-engine.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const dir = makeTempDir('audiosae-labels-crash-');
let serve: SupervisedEngine | undefined;

after(async () => {
  await serve?.stop();
  dir.cleanup();
});

test('a label acknowledged just before kill -9 is there after the restart, and FTS finds it', async () => {
  const dataDir = join(dir.path, 'data');
  const store = Store.open(dataDir);
  try {
    store.db.exec(`
      INSERT INTO models (id, repo_id, revision, commit_sha, architecture, snapshot_dir, n_mels, d_model, layers, created_at) VALUES (1, 'o/n', 'main', 'c', 'whisper-encoder', '/s', 80, 64, 2, 'now');
      INSERT INTO saes (id, run_id, model_id, layer, architecture, k, width, seed, status, config, train_key, created_at, source) VALUES (1, NULL, 1, 1, 'topk', 4, 128, 0, 'complete', '{}', '', 'now', 'imported');
    `);
  } finally {
    store.dispose();
  }
  serve = await startSupervisedEngine(dataDir);
  let client = await serve.connect();
  const { pid } = await client.call('engine.info', {});
  // Autosave sends a save per keystroke; the last acknowledgement is the one that must survive.
  let last;
  for (const text of ['w', 'wh', 'whi', 'whis', 'whist', 'whistle']) last = await client.call('labels.set', { saeId: 1, feature: 42, patch: { label: text } });
  await client.call('labels.set', { saeId: 1, feature: 7, patch: { notes: 'second feature' } });
  const restarted = serve.nextListening();
  process.kill(pid, 'SIGKILL');
  await restarted;
  client.dispose();

  client = await serve.connect();
  try {
    assert.notEqual((await client.call('engine.info', {})).pid, pid, 'a new engine process');
    const history = await client.call('labels.history', { saeId: 1, feature: 42 });
    assert.deepEqual(history[0], last, 'the acknowledged label is the newest version');
    assert.equal(history.length, 6, 'every keystroke version is kept');
    const hits = await client.call('labels.search', { query: 'whistle' });
    assert.deepEqual(hits.map((h) => [h.saeId, h.feature, h.label]), [[1, 42, 'whistle']], 'FTS finds it after the restart');
    assert.equal((await client.call('labels.history', { saeId: 1, feature: 7 }))[0]?.notes, 'second feature', 'the save acknowledged right before the kill');
  } finally {
    client.dispose();
  }
});
