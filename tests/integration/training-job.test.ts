/**
 * SAE training end to end through the engine: fixture hub -> whisper fixture -> WAV folder ->
 * all-layer extraction -> one job training 2 layers x 2 seeds x both architectures from one
 * shuffled stream; metrics, checkpoints, bad input, and a cancelled-then-resumed job whose final
 * weights are byte-identical to an uninterrupted run's.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RpcParams, SaeSummary } from '../../electron/common/contract.js';
import { RpcClient } from '../../electron/common/rpc-client.js';
import { Engine } from '../../electron/engine/engine.js';
import { createInProcessChannelPair } from '../../electron/engine/transports/in-process-channel.js';
import { OWN_WEIGHTS_FILE } from '../../native-models/sae/sae-checkpoint.js';
import { startTestHub, type TestHub } from '../helpers/fixture-hub.js';
import { waitForJob } from '../helpers/jobs.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { writeWavFolder } from '../helpers/wav-folder.js';

let hub: TestHub;
let dir: ReturnType<typeof makeTempDir>;
let engine: Engine;
let client: RpcClient;
let runId: number;
const hooks: { onCheckpoint?: (saeId: number, step: number) => void } = {};

const STEPS = 40;
const params = (): RpcParams<'saes.train'> => ({
  runId,
  layers: [1, 2],
  seeds: [0, 1],
  architectures: ['topk', 'batchtopk'],
  k: 4,
  expansion: 2,
  steps: STEPS,
  batchSize: 32,
  lr: 4e-3,
  checkpointEvery: 10,
  metricsEvery: 5,
});

before(async () => {
  hub = await startTestHub();
  dir = makeTempDir('training-');
  const audio = join(dir.path, 'audio');
  mkdirSync(audio);
  writeWavFolder(audio);
  engine = Engine.open({
    dataDir: join(dir.path, 'data'),
    hub: { endpoint: hub.endpoint, cacheDir: hub.cacheDir },
    extraction: { shardFrames: 1500, batchSize: 2 },
    training: { bufferRows: 128, intraOpThreads: 1, onCheckpoint: (saeId, step) => hooks.onCheckpoint?.(saeId, step) },
  });
  const [clientEnd, engineEnd] = createInProcessChannelPair();
  engine.connect(engineEnd);
  client = new RpcClient(clientEnd);
  const imported = await waitForJob(client, (await client.call('datasets.importFolder', { name: 'audio', folder: audio })).jobId);
  assert.equal(imported.status, 'succeeded', JSON.stringify(imported.error));
  const downloaded = await waitForJob(client, (await client.call('models.download', { repoId: hub.repoId })).jobId);
  assert.equal(downloaded.status, 'succeeded', JSON.stringify(downloaded.error));
  const datasetId = (imported.result as { datasetId: number }).datasetId;
  const modelId = (downloaded.result as { modelId: number }).modelId;
  const extracted = await waitForJob(client, (await client.call('activations.extract', { datasetId, modelId, layers: 'all', dtype: 'float16' })).jobId);
  assert.equal(extracted.status, 'succeeded', JSON.stringify(extracted.error));
  runId = (extracted.result as { runId: number }).runId;
});

after(async () => {
  client.dispose();
  await engine.close();
  await hub.close();
  dir.cleanup();
});

const keyOf = (s: SaeSummary) => `${s.layer}/${s.architecture}/${s.seed}`;

async function saesOfJob(jobId: number): Promise<SaeSummary[]> {
  const ids = (await client.call('jobs.get', { jobId })).result as { saeIds: number[] };
  const all = await client.call('saes.list', {});
  return ids.saeIds.map((id) => all.find((s) => s.id === id)!);
}

let uninterrupted: Map<string, Buffer>;

test('one job trains every layer x seed x architecture, with metrics and checkpoints', async () => {
  const started = performance.now();
  const job = await waitForJob(client, (await client.call('saes.train', params())).jobId);
  assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
  assert.equal(job.progress.unit, 'steps');
  assert.equal(job.progress.done, STEPS, 'progress ends at the last step');
  assert.match(job.progress.message ?? '', /FVU \d+\.\d+ · L0 \d/, 'progress reports FVU and L0');
  const saes = await saesOfJob(job.id);
  assert.equal(saes.length, 8, '2 layers x 2 seeds x 2 architectures');
  assert.deepEqual(new Set(saes.map(keyOf)).size, 8, 'each combination once');
  uninterrupted = new Map();
  for (const sae of saes) {
    assert.equal(sae.status, 'complete');
    assert.equal(sae.step, STEPS);
    assert.equal(sae.width, 128, 'expansion 2 x d 64');
    assert.ok(sae.checkpointPath && existsSync(join(sae.checkpointPath, OWN_WEIGHTS_FILE)), 'final weights saved');
    const folder = join(dir.path, 'data', 'saes', String(sae.id));
    assert.deepEqual(readdirSync(folder).sort(), ['final', 'step-000000030'], 'the last training checkpoint is kept beside the final SAE');
    const rows = await client.call('saes.metrics', { saeId: sae.id });
    assert.deepEqual(rows.map((r) => r.step), [5, 10, 15, 20, 25, 30, 35, 40], 'a metrics row every 5 steps');
    const fvu = rows.map((r) => r['metrics/fvu']);
    assert.ok(fvu.every(Number.isFinite), `FVU finite (${fvu.join(', ')})`);
    assert.ok(fvu.at(-1)! < fvu[0]!, `FVU decreases overall (${sae.architecture} layer ${sae.layer}: ${fvu.map((f) => f.toFixed(3)).join(' ')})`);
    assert.ok(Math.abs(rows[0]!['metrics/explained_variance'] - (1 - fvu[0]!)) < 1e-9, 'explained variance = 1 - FVU');
    assert.deepEqual(sae.finalMetrics, rows.at(-1), 'final metrics are the last row');
    if (sae.architecture === 'topk') assert.equal(rows.at(-1)!['metrics/l0'], 4, 'TopK keeps exactly k');
    uninterrupted.set(keyOf(sae), readFileSync(join(sae.checkpointPath!, OWN_WEIGHTS_FILE)));
  }
  const seedsDiffer = !uninterrupted.get('1/topk/0')!.equals(uninterrupted.get('1/topk/1')!);
  assert.ok(seedsDiffer, 'different seeds give different SAEs');
  console.log(`8 SAEs x ${STEPS} steps in ${((performance.now() - started) / 1000).toFixed(1)} s`);
});

test('a cancelled job, resumed, ends with the same weights as an uninterrupted run', async () => {
  assert.ok(uninterrupted, 'the uninterrupted run ran first');
  let cancelled = false;
  let jobId = 0;
  hooks.onCheckpoint = (_saeId, step) => {
    if (step === 20 && !cancelled) {
      cancelled = true;
      void client.call('jobs.cancel', { jobId });
    }
  };
  jobId = (await client.call('saes.train', params())).jobId;
  const first = await waitForJob(client, jobId);
  hooks.onCheckpoint = undefined;
  assert.equal(first.status, 'cancelled', JSON.stringify(first.error));
  const partial = await saesOfJobIds(jobId);
  assert.ok(partial.every((s) => s.status === 'incomplete' && s.step === 20), `every SAE stopped at its step-20 checkpoint (${partial.map((s) => `${s.status}@${s.step}`).join(', ')})`);

  const { jobId: resumedId } = await client.call('jobs.resume', { jobId });
  const resumed = await waitForJob(client, resumedId);
  assert.equal(resumed.status, 'succeeded', JSON.stringify(resumed.error));
  assert.equal((resumed.result as { resumedFromStep: number }).resumedFromStep, 20);
  const saes = await saesOfJob(resumedId);
  assert.deepEqual(saes.map((s) => s.id).sort(), partial.map((s) => s.id).sort(), 'the same SAE rows are continued');
  for (const sae of saes) {
    const bytes = readFileSync(join(sae.checkpointPath!, OWN_WEIGHTS_FILE));
    assert.ok(bytes.equals(uninterrupted.get(keyOf(sae))!), `${keyOf(sae)}: final weights byte-identical to the uninterrupted run`);
    const rows = await client.call('saes.metrics', { saeId: sae.id });
    assert.deepEqual(rows.map((r) => r.step), [5, 10, 15, 20, 25, 30, 35, 40], 'metrics continue without gaps or duplicates');
  }
});

async function saesOfJobIds(jobId: number): Promise<SaeSummary[]> {
  return (await client.call('saes.list', {})).filter((s) => s.jobId === jobId);
}

test('bad input is refused before a job starts', async () => {
  await assert.rejects(client.call('saes.train', { ...params(), layers: [7] }), /Layers 7 are not in activation run/);
  await assert.rejects(client.call('saes.train', { ...params(), runId: 999 }), /No activation run with id 999/);
  engine.store.db.prepare("UPDATE activation_runs SET status = 'incomplete' WHERE id = ?").run(runId);
  try {
    await assert.rejects(client.call('saes.train', params()), /is incomplete; finish its extraction/);
  } finally {
    engine.store.db.prepare("UPDATE activation_runs SET status = 'complete' WHERE id = ?").run(runId);
  }
  const frames = (engine.store.db.prepare('SELECT frames FROM activation_runs WHERE id = ?').get(runId) as { frames: number }).frames;
  engine.store.db.prepare('UPDATE activation_runs SET frames = 0 WHERE id = ?').run(runId);
  try {
    await assert.rejects(client.call('saes.train', params()), /holds no frames to train on/);
  } finally {
    engine.store.db.prepare('UPDATE activation_runs SET frames = ? WHERE id = ?').run(frames, runId);
  }
  await assert.rejects(client.call('saes.metrics', { saeId: 999 }), /No SAE with id 999/);
});
