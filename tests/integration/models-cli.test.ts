/** `audiosae model pull|list`, `models catalog` and `models delete --files` against the fixture hub. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { startTestHub, type TestHub } from '../helpers/fixture-hub.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const TSX = import.meta.resolve('tsx');
const CLI = join(import.meta.dirname, '..', '..', 'electron', 'engine', 'cli', 'cli.ts');
const run = promisify(execFile);

let hub: TestHub;
let dir: ReturnType<typeof makeTempDir>;

before(async () => {
  hub = await startTestHub();
  dir = makeTempDir('audiosae-models-cli-');
});
after(async () => {
  await hub.close();
  dir.cleanup();
});

/** Runs the CLI without blocking this process (the fixture hub answers from it). */
async function audiosae(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', TSX, CLI, '--data-dir', join(dir.path, 'data'), ...args], {
      cwd: dir.path,
      env: { ...process.env, HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: hub.cacheDir },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

test('model pull, model list, models catalog and models delete --files', async () => {
  const pulled = await audiosae('model', 'pull', hub.repoId);
  assert.equal(pulled.code, 0, `model pull succeeds: ${pulled.stderr}`);
  assert.match(pulled.stdout, new RegExp(`Model 1: ${hub.repoId}@`), 'model pull reports the registered model');

  const list = JSON.parse((await audiosae('--json', 'model', 'list')).stdout) as { id: number; repoId: string; sizeBytes: number; snapshotDir: string }[];
  assert.deepEqual(list.map((m) => m.repoId), [hub.repoId], 'model list shows the pulled model');
  assert.ok(list[0]!.sizeBytes > 0, `size on disk is recorded (${list[0]!.sizeBytes})`);

  const catalog = await audiosae('models', 'catalog');
  assert.equal(catalog.code, 0, catalog.stderr);
  assert.match(catalog.stdout, /whisper-small\tonnx-community\/whisper-small\t12 layers x 768/, 'the catalog lists whisper-small');

  const deleted = await audiosae('models', 'delete', '1', '--files');
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.match(deleted.stdout, /Deleted model 1\.\nFreed [\d.]+ [KM]B in the HF cache\./, `delete reports what it freed: ${deleted.stdout}`);
  assert.ok(!existsSync(list[0]!.snapshotDir), 'the snapshot is gone');
  const missing = await audiosae('models', 'delete', '1');
  assert.notEqual(missing.code, 0, 'deleting again fails');
  assert.match(missing.stderr, /No model with id 1/, 'and says why');
});
