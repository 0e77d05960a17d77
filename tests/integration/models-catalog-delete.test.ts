/**
 * models.catalog, sizeBytes and models.delete through the engine: the catalog marks downloaded
 * entries; a model's size on disk is measured at download; deleting refuses while activation runs
 * exist (unless force) and, with deleteFiles, removes only that repo's snapshot from the HF cache.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { RpcError } from '../../electron/common/errors.js';
import { RpcClient } from '../../electron/common/rpc-client.js';
import { Engine } from '../../electron/engine/engine.js';
import { createInProcessChannelPair } from '../../electron/engine/transports/in-process-channel.js';
import { TINY_HUBERT_REPO } from '../../native-models/fixtures/generate-fixtures.js';
import { startTestHub, type TestHub } from '../helpers/fixture-hub.js';
import { waitForJob } from '../helpers/jobs.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { writeWavFolder } from '../helpers/wav-folder.js';

let hub: TestHub;
let dir: ReturnType<typeof makeTempDir>;
let engine: Engine;
let client: RpcClient;
let datasetId: number;

before(async () => {
  hub = await startTestHub();
  dir = makeTempDir('models-delete-');
  const audio = join(dir.path, 'audio');
  mkdirSync(audio);
  writeWavFolder(audio);
  engine = Engine.open({ dataDir: join(dir.path, 'data'), hub: { endpoint: hub.endpoint, cacheDir: hub.cacheDir } });
  const [clientEnd, engineEnd] = createInProcessChannelPair();
  engine.connect(engineEnd);
  client = new RpcClient(clientEnd);
  const imported = await waitForJob(client, (await client.call('datasets.importFolder', { name: 'audio', folder: audio })).jobId);
  assert.equal(imported.status, 'succeeded', JSON.stringify(imported.error));
  datasetId = (imported.result as { datasetId: number }).datasetId;
});

after(async () => {
  client.dispose();
  await engine.close();
  await hub.close();
  dir.cleanup();
});

async function download(repoId: string): Promise<{ modelId: number; snapshotDir: string }> {
  const job = await waitForJob(client, (await client.call('models.download', { repoId })).jobId);
  assert.equal(job.status, 'succeeded', `download of ${repoId}: ${JSON.stringify(job.error)}`);
  return job.result as { modelId: number; snapshotDir: string };
}

function repoFolder(repoId: string): string {
  return join(hub.cacheDir, `models--${repoId.split('/').join('--')}`);
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => join(e.parentPath, e.name));
}

async function rejectsWith(promise: Promise<unknown>, code: string, pattern: RegExp, message: string): Promise<void> {
  await assert.rejects(
    promise,
    (error: unknown) => {
      assert.ok(error instanceof RpcError, `${message}: expected an RpcError, got ${String(error)}`);
      assert.equal(error.code, code, `${message}: ${error.message}`);
      assert.match(error.message, pattern, message);
      return true;
    },
    message,
  );
}

test('models.catalog lists the built-in encoders with their shapes and which are downloaded', async () => {
  const before = await client.call('models.catalog', {});
  const small = before.find((e) => e.id === 'whisper-small');
  assert.ok(small, `whisper-small is in the catalog (ids: ${before.map((e) => e.id).join(', ')})`);
  assert.deepEqual(
    { repoId: small.repoId, family: small.family, layers: small.layers, width: small.width, frontend: small.frontend, nMels: small.nMels, frameRateHz: small.frameRateHz },
    { repoId: 'onnx-community/whisper-small', family: 'whisper', layers: 12, width: 768, frontend: 'whisper-log-mel', nMels: 80, frameRateHz: 50 },
    'whisper-small is 12 x 768 with 80 mels at 50 Hz',
  );
  assert.equal(before.find((e) => e.id === 'whisper-large-v3')?.nMels, 128, 'large-v3 has 128 mel bins');
  assert.equal(before.find((e) => e.id === 'hubert-base')?.nMels, null, 'waveform models have no mel bins');
  assert.ok(small.variants.includes('quantized'), `variants listed: ${small.variants.join(', ')}`);
  assert.ok(before.every((e) => e.downloaded === null), 'nothing downloaded yet');

  // A registration of a catalog repo (case-insensitive) shows up as its download.
  const row = engine.store.models.upsert({ repoId: 'ONNX-community/whisper-small', revision: 'main', commit: 'c'.repeat(40), architecture: 'whisper-encoder', snapshotDir: '/nowhere', nMels: 80, dModel: 768, layers: 12, sizeBytes: 1234 });
  const after = await client.call('models.catalog', {});
  assert.equal(after.find((e) => e.id === 'whisper-small')?.downloaded?.id, row.id, 'whisper-small is marked downloaded');
  assert.equal(after.find((e) => e.id === 'whisper-small')?.downloaded?.sizeBytes, 1234, 'with its size on disk');
  await client.call('models.delete', { modelId: row.id });
});

test('sizeBytes is the size of the snapshot files (through the blob symlinks)', async () => {
  const { modelId, snapshotDir } = await download(hub.repoId);
  const model = (await client.call('models.list', {})).find((m) => m.id === modelId);
  assert.ok(model, 'the downloaded model is listed');
  const expected = filesUnder(snapshotDir).reduce((sum, f) => sum + statSync(f).size, 0);
  assert.ok(expected > 0, 'the snapshot has files');
  assert.equal(model.sizeBytes, expected, 'sizeBytes sums the files the snapshot links to');
  await client.call('models.delete', { modelId, deleteFiles: true });
});

test('models.delete refuses while activation runs exist, and force removes them with their shards', async () => {
  const { modelId } = await download(hub.repoId);
  const extracted = await waitForJob(client, (await client.call('activations.extract', { datasetId, modelId, layers: [0, 1] })).jobId);
  assert.equal(extracted.status, 'succeeded', JSON.stringify(extracted.error));
  const run = (await client.call('activations.runs', {})).find((r) => r.modelId === modelId);
  assert.ok(run && existsSync(run.dir), 'the run has a folder of shards');
  assert.equal(run.device, 'cpu', 'the run records its device');
  assert.equal(run.deviceFallback, null, 'no fallback when the CPU was asked for');

  await rejectsWith(client.call('models.delete', { modelId }), 'conflict', /1 activation run.*force/, 'a model with runs is not deleted silently');
  assert.ok((await client.call('models.list', {})).some((m) => m.id === modelId), 'still registered after the refusal');

  const result = await client.call('models.delete', { modelId, force: true });
  assert.deepEqual({ deleted: result.deleted, runsDeleted: result.runsDeleted, bytesFreed: result.bytesFreed }, { deleted: true, runsDeleted: 1, bytesFreed: 0 }, 'deleted with its run, files kept');
  assert.ok(!(await client.call('models.list', {})).some((m) => m.id === modelId), 'gone from models.list');
  assert.ok(!(await client.call('activations.runs', {})).some((r) => r.modelId === modelId), 'its runs are gone');
  assert.ok(!existsSync(run.dir), `the run folder ${run.dir} was removed`);
  assert.ok(existsSync(join(repoFolder(hub.repoId), 'snapshots')), 'without deleteFiles the HF cache is untouched');
  await rejectsWith(client.call('models.delete', { modelId }), 'not_found', /No model/, 'deleting twice is not_found');
});

test('deleteFiles removes only that repo snapshot; other repos and foreign files in the cache stay', async () => {
  const whisper = await download(hub.repoId);
  const hubert = await download(TINY_HUBERT_REPO);
  // Files another tool put in the shared cache: one at its root, one in a repo folder we never download.
  const foreign = join(hub.cacheDir, 'models--someone--else', 'snapshots', 'a'.repeat(40), 'config.json');
  mkdirSync(join(foreign, '..'), { recursive: true });
  writeFileSync(foreign, '{}');
  writeFileSync(join(hub.cacheDir, 'version.txt'), '1');
  const hubertFiles = filesUnder(repoFolder(TINY_HUBERT_REPO)).map((f) => [f, readFileSync(f)] as const);
  const model = (await client.call('models.list', {})).find((m) => m.id === whisper.modelId);
  assert.ok(model, 'whisper registered');

  const result = await client.call('models.delete', { modelId: whisper.modelId, deleteFiles: true });
  assert.equal(result.deleted, true, 'unregistered');
  assert.equal(result.bytesFreed, model.sizeBytes, 'frees exactly the snapshot size');
  assert.ok(!existsSync(repoFolder(hub.repoId)), 'the emptied repo folder is gone');
  assert.ok(existsSync(foreign), 'a foreign repo folder is untouched');
  assert.equal(readFileSync(join(hub.cacheDir, 'version.txt'), 'utf8'), '1', 'files at the cache root are untouched');
  for (const [file, bytes] of hubertFiles) assert.deepEqual(readFileSync(file), bytes, `${file} of another model is untouched`);
  assert.ok((await client.call('models.list', {})).some((m) => m.id === hubert.modelId), 'the other model stays registered');
  await client.call('models.delete', { modelId: hubert.modelId, deleteFiles: true });
});

test('deleteFiles keeps blobs another snapshot of the same repo links to', async () => {
  const { modelId, snapshotDir } = await download(hub.repoId);
  const repoDir = repoFolder(hub.repoId);
  // Another tool's snapshot at another commit sharing config.json's blob.
  const otherSnapshot = join(repoDir, 'snapshots', 'b'.repeat(40));
  mkdirSync(otherSnapshot, { recursive: true });
  const { readlinkSync, symlinkSync } = await import('node:fs');
  const configLink = readlinkSync(join(snapshotDir, 'config.json'));
  symlinkSync(configLink, join(otherSnapshot, 'config.json'));
  const sharedBlob = join(snapshotDir, configLink);

  await client.call('models.delete', { modelId, deleteFiles: true });
  assert.ok(!existsSync(snapshotDir), 'our snapshot is gone');
  assert.ok(existsSync(sharedBlob), 'the blob the other snapshot links to stays');
  assert.deepEqual(readdirSync(join(repoDir, 'blobs')), [configLink.split('/').at(-1)], 'only the shared blob is left');
  assert.ok(!existsSync(join(repoDir, 'refs', 'main')), 'the ref to the removed commit is gone');
  assert.equal(readFileSync(join(otherSnapshot, 'config.json')).length > 0, true, 'the other snapshot still reads');
});
