/**
 * Activation extraction end to end through the engine: fixture hub -> model download -> WAV folder
 * import -> extract all layers -> shards read back equal a direct tapped-encoder run; a cancelled
 * run with crash leftovers, resumed, ends byte-identical to an uninterrupted one.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ActivationRunSummary } from '../../electron/common/contract.js';
import type { JobSnapshot } from '../../electron/common/jobs.js';
import { RpcClient } from '../../electron/common/rpc-client.js';
import { Engine } from '../../electron/engine/engine.js';
import { ActivationsRepo } from '../../electron/engine/extraction/activations-repo.js';
import { audioWindows } from '../../electron/engine/extraction/audio-windows.js';
import type { ExtractResult } from '../../electron/engine/extraction/extract-job.js';
import { createInProcessChannelPair } from '../../electron/engine/transports/in-process-channel.js';
import { TappedWaveformEncoder } from '../../native-models/encoders/tapped-waveform-encoder.js';
import { TappedWhisperEncoder } from '../../native-models/encoders/tapped-whisper-encoder.js';
import { TINY_HUBERT_REPO } from '../../native-models/fixtures/generate-fixtures.js';
import { readSafetensorsHeader, readSafetensorsTensor } from '../../native-models/formats/safetensors.js';
import { WhisperLogMel } from '../../native-models/frontends/whisper-log-mel.js';
import { startTestHub, type TestHub } from '../helpers/fixture-hub.js';
import { waitForJob } from '../helpers/jobs.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { encodeWav, whiteNoise, writeWavFolder } from '../helpers/wav-folder.js';

let hub: TestHub;
let dir: ReturnType<typeof makeTempDir>;
let engine: Engine;
let client: RpcClient;
let datasetId: number;
let modelId: number;
let snapshotDir: string;
const hooks: { onShard?: (runId: number, shard: number) => void } = {};

before(async () => {
  hub = await startTestHub();
  dir = makeTempDir('extraction-');
  const audio = join(dir.path, 'audio');
  mkdirSync(audio);
  writeWavFolder(audio);
  // 65 s: two full 30 s windows and a 5 s one.
  writeFileSync(join(audio, 'long.wav'), encodeWav([whiteNoise(65, 16000, 3, 0.2)], 16000));
  engine = Engine.open({
    dataDir: join(dir.path, 'data'),
    hub: { endpoint: hub.endpoint, cacheDir: hub.cacheDir },
    extraction: { shardFrames: 1500, batchSize: 2, onShardCommitted: (runId, shard) => hooks.onShard?.(runId, shard) },
  });
  const [clientEnd, engineEnd] = createInProcessChannelPair();
  engine.connect(engineEnd);
  client = new RpcClient(clientEnd);

  const imported = await waitForJob(client, (await client.call('datasets.importFolder', { name: 'audio', folder: audio })).jobId);
  assert.equal(imported.status, 'succeeded', JSON.stringify(imported.error));
  datasetId = (imported.result as { datasetId: number }).datasetId;
  const downloaded = await waitForJob(client, (await client.call('models.download', { repoId: hub.repoId })).jobId);
  assert.equal(downloaded.status, 'succeeded', JSON.stringify(downloaded.error));
  ({ modelId, snapshotDir } = downloaded.result as { modelId: number; snapshotDir: string });
});

after(async () => {
  client.dispose();
  await engine.close();
  await hub.close();
  dir.cleanup();
});

async function extract(dtype: 'float16' | 'float32'): Promise<{ jobId: number; result: ExtractResult; job: JobSnapshot }> {
  const { jobId } = await client.call('activations.extract', { datasetId, modelId, layers: 'all', dtype });
  const job = await waitForJob(client, jobId);
  assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
  return { jobId, result: job.result as ExtractResult, job };
}

function clipIdByPath(suffix: string): number {
  const row = engine.store.db.prepare('SELECT id FROM clips WHERE dataset_id = ? AND path LIKE ?').get(datasetId, `%${suffix}`) as { id: number };
  return row.id;
}

test('extracts every layer of every clip into shards indexed by clip, frame and time', async () => {
  const progressSeen: JobSnapshot['progress'][] = [];
  const listener = client.onEvent((e) => {
    if (e.type === 'job' && e.job.kind === 'activations.extract') progressSeen.push(e.job.progress);
  });
  const { result, job } = await extract('float32');
  listener.dispose();
  assert.equal(result.device, 'cpu', 'runs on the CPU here');
  assert.equal(job.progress.unit, 'audio seconds', 'progress counts audio seconds');
  assert.equal(job.progress.done, job.progress.total, 'progress ends full');
  assert.match(job.progress.message ?? '', /real-time factor \d/, 'the message reports the real-time factor');
  const dones = progressSeen.map((p) => p.done);
  assert.deepEqual(dones, [...dones].sort((a, b) => a - b), 'progress never goes back');
  assert.ok(result.realTimeFactor > 0, 'reports a real-time factor');
  const runs = await client.call('activations.runs', {});
  const run = runs.find((r) => r.id === result.runId) as ActivationRunSummary;
  assert.equal(run.status, 'complete', 'run complete');
  assert.deepEqual(run.layers, [0, 1, 2], 'all layers: 0 (block input) to 2');
  assert.equal(run.dModel, 64, 'fixture width');
  assert.ok(run.shards >= 3, `several shards (${run.shards})`);
  // 1.5 + 1 + 0.8 + 2 + 0.5 + 65 s at 50 frames/s; nothing truncated, nothing padded.
  assert.equal(run.frames, 75 + 50 + 40 + 100 + 25 + 3250, 'frames cover all audio');
  const repo = new ActivationsRepo(engine.store.db);

  const long = repo.spansOfClip(run.id, clipIdByPath('long.wav'));
  assert.deepEqual(long.map((s) => [s.windowIndex, s.firstFrame, s.frames, s.startSec]), [[0, 0, 1500, 0], [1, 1500, 1500, 30], [2, 3000, 250, 60]], 'long clip: three 30 s windows mapped to clip time');

  // One clip's frames, read back from its shard, equal a direct run of the tapped encoder.
  const clipId = clipIdByPath('a440.wav');
  const [span] = repo.spansOfClip(run.id, clipId);
  assert.ok(span, 'the clip has a span');
  assert.equal(span.frames, 75, '1.5 s -> 75 frames');
  const shardPath = join(run.dir, repo.shardFiles(run.id)[span.shardIndex]!.file);
  const header = readSafetensorsHeader(shardPath);
  assert.deepEqual([...header.tensors.keys()], ['layer_0', 'layer_1', 'layer_2'], 'one tensor per layer');

  const encoder = await TappedWhisperEncoder.load(snapshotDir);
  const frontend = await WhisperLogMel.create({ nMels: 80 });
  try {
    const clipPath = (engine.store.db.prepare('SELECT path FROM clips WHERE id = ?').get(clipId) as { path: string }).path;
    const windows = [];
    for await (const w of audioWindows(clipPath, 16000, 480000)) windows.push(w);
    assert.equal(windows.length, 1, 'one window');
    const direct = await encoder.encode(await frontend.compute(windows[0]!.samples), [0, 1, 2]);
    for (const layer of [0, 1, 2]) {
      const stored = await readSafetensorsTensor(shardPath, `layer_${layer}`, { start: span.rowOffset, end: span.rowOffset + span.frames });
      const expected = direct.get(layer)!.data.subarray(0, 75 * 64);
      let diff = 0;
      for (let i = 0; i < expected.length; i++) diff = Math.max(diff, Math.abs(stored.data[i]! - expected[i]!));
      assert.ok(diff <= 1e-5, `layer ${layer}: shard differs from the direct run by ${diff}`);
    }
  } finally {
    await encoder.dispose();
    await frontend.dispose();
  }
});

test('a run cancelled mid-way (with crash leftovers) resumes to shards identical to an uninterrupted run', async () => {
  const reference = await extract('float16');
  const referenceDir = reference.result.dir;

  let cancelledRun: number | undefined;
  const { jobId } = await client.call('activations.extract', { datasetId, modelId, layers: 'all', dtype: 'float16' });
  hooks.onShard = (runId, shard) => {
    if (shard === 1) {
      cancelledRun = runId;
      engine.jobs.cancel(jobId);
    }
  };
  const cancelled = await waitForJob(client, jobId);
  hooks.onShard = undefined;
  assert.equal(cancelled.status, 'cancelled', 'cancelled mid-way');
  assert.ok(cancelledRun !== undefined && cancelledRun !== reference.result.runId, 'a second run');
  const partial = (await client.call('activations.runs', {})).find((r) => r.id === cancelledRun)!;
  assert.equal(partial.status, 'incomplete', 'the run is incomplete');
  assert.equal(partial.shards, 2, 'two shards committed');
  // What a crash could leave: an uncommitted shard and a half-written one.
  writeFileSync(join(partial.dir, 'shard-00002.safetensors'), 'garbage');
  writeFileSync(join(partial.dir, 'shard-00003.safetensors.partial'), 'garbage');

  const resumed = await waitForJob(client, (await client.call('jobs.resume', { jobId })).jobId);
  assert.equal(resumed.status, 'succeeded', JSON.stringify(resumed.error));
  const result = resumed.result as ExtractResult;
  assert.equal(result.runId, cancelledRun, 'the same run continued');
  assert.equal(result.resumedFromShard, 2, 'from the first uncommitted shard');

  const files = readdirSync(result.dir).sort();
  assert.deepEqual(files, readdirSync(referenceDir).sort(), 'same shard files');
  for (const file of files) {
    assert.ok(readFileSync(join(result.dir, file)).equals(readFileSync(join(referenceDir, file))), `${file} is byte-identical`);
  }
  const runs = await client.call('activations.runs', {});
  const [a, b] = [runs.find((r) => r.id === reference.result.runId)!, runs.find((r) => r.id === cancelledRun)!];
  assert.deepEqual([b.frames, b.shards, b.bytes, b.status], [a.frames, a.shards, a.bytes, 'complete'], 'same index totals');
});

test('a HuBERT model (waveform frontend, post-LN taps) extracts too, frames equal to a direct run', async () => {
  const downloaded = await waitForJob(client, (await client.call('models.download', { repoId: TINY_HUBERT_REPO })).jobId);
  assert.equal(downloaded.status, 'succeeded', JSON.stringify(downloaded.error));
  const hubert = downloaded.result as { modelId: number; snapshotDir: string };
  const model = (await client.call('models.list', {})).find((m) => m.id === hubert.modelId)!;
  assert.deepEqual([model.architecture, model.layers, model.dModel, model.nMels], ['hubert-encoder', 2, 32, 0], 'registered as a HuBERT encoder');

  const logs: string[] = [];
  const listener = client.onEvent((e) => {
    if (e.type === 'log') logs.push(e.message);
  });
  // No GPU here: CUDA falls back to the CPU, and says why.
  const { jobId } = await client.call('activations.extract', { datasetId, modelId: hubert.modelId, layers: [0, 2], dtype: 'float32', device: 'cuda' });
  const job = await waitForJob(client, jobId);
  listener.dispose();
  assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
  const result = job.result as ExtractResult;
  if (result.device === 'cpu') {
    assert.match(result.deviceFallback ?? '', /cannot use cuda/, 'the fallback reason is in the result');
    assert.ok(logs.some((m) => /cannot use cuda/.test(m)), 'and logged');
  }
  const repo = new ActivationsRepo(engine.store.db);
  const long = repo.spansOfClip(result.runId, clipIdByPath('long.wav'));
  // 30 s -> 1499 frames (400-sample receptive field, 320-sample hop); clip frame numbers follow time.
  assert.deepEqual(long.map((s) => [s.firstFrame, s.frames, s.startSec]), [[0, 1499, 0], [1500, 1499, 30], [3000, 249, 60]], 'windows of a waveform model');

  const clipId = clipIdByPath('a440.wav');
  const [span] = repo.spansOfClip(result.runId, clipId);
  assert.equal(span!.frames, 74, '1.5 s -> 74 frames');
  const shardPath = join(result.dir, repo.shardFiles(result.runId)[span!.shardIndex]!.file);
  const encoder = await TappedWaveformEncoder.load(hubert.snapshotDir);
  try {
    const clipPath = (engine.store.db.prepare('SELECT path FROM clips WHERE id = ?').get(clipId) as { path: string }).path;
    const windows = [];
    for await (const w of audioWindows(clipPath, 16000, 480000)) windows.push(w);
    const direct = await encoder.encode(windows[0]!.samples, [0, 2]);
    for (const layer of [0, 2]) {
      const stored = await readSafetensorsTensor(shardPath, `layer_${layer}`, { start: span!.rowOffset, end: span!.rowOffset + span!.frames });
      const expected = direct.get(layer)!.data;
      assert.equal(stored.data.length, expected.length, `layer ${layer}: all frames stored`);
      let diff = 0;
      for (let i = 0; i < expected.length; i++) diff = Math.max(diff, Math.abs(stored.data[i]! - expected[i]!));
      assert.ok(diff <= 1e-6, `layer ${layer}: shard differs from the direct run by ${diff}`);
    }
  } finally {
    await encoder.dispose();
  }
});

test('layers that do not exist are refused before a job starts', async () => {
  await assert.rejects(client.call('activations.extract', { datasetId, modelId, layers: [0, 7], dtype: 'float16' }), /Layers 7 do not exist/, 'layer 7 of a 2-layer model');
});
