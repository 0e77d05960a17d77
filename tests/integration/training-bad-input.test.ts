/**
 * Issue 6's bad-input acceptance, end to end through the engine: an SAE whose width does not
 * match the layer, non-finite activations in a shard, an empty activation set, a loss that
 * overflows, and a full disk during a checkpoint (a real ENOSPC from a small tmpfs). Activation
 * runs are written directly (shards + rows), so no model has to run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ModelRow, RpcParams, SaeSummary } from '../../electron/common/contract.js';
import { RpcClient } from '../../electron/common/rpc-client.js';
import { Engine } from '../../electron/engine/engine.js';
import { ActivationsRepo } from '../../electron/engine/extraction/activations-repo.js';
import { createInProcessChannelPair } from '../../electron/engine/transports/in-process-channel.js';
import { SeededRandom } from '../../native-models/common/seeded-random.js';
import { writeSafetensors } from '../../native-models/formats/safetensors.js';
import { saveSaeCheckpoint } from '../../native-models/sae/sae-checkpoint.js';
import { parseSaeConfig } from '../../native-models/sae/sae-config.js';
import { initialSaeWeights } from '../../native-models/sae/sae-weights.js';
import { loadTrainingCheckpoint } from '../../native-models/sae/training-checkpoint.js';
import { waitForJob } from '../helpers/jobs.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const D = 16;
const ROWS = 200;

interface Lab {
  engine: Engine;
  client: RpcClient;
  model: ModelRow;
  dataDir: string;
  /** Registers a complete activation run of layer 1 whose shards hold these rows. */
  run(shards: Float32Array[]): number;
  close(): Promise<void>;
}

function openLab(root: string, hooks: { onCheckpoint?: (saeId: number, step: number) => void } = {}): Lab {
  const dataDir = join(root, 'data');
  const engine = Engine.open({ dataDir, training: { bufferRows: 64, intraOpThreads: 1, onCheckpoint: (id, step) => hooks.onCheckpoint?.(id, step) } });
  const [clientEnd, engineEnd] = createInProcessChannelPair();
  engine.connect(engineEnd);
  const client = new RpcClient(clientEnd);
  const model = engine.store.models.upsert({ repoId: 'fixture/tiny-encoder', revision: 'main', commit: 'c0ffee', architecture: 'whisper', snapshotDir: root, nMels: 80, dModel: D, layers: 2 });
  const datasetId = Number(engine.store.db.prepare("INSERT INTO datasets (name, root_path, created_at) VALUES ('synthetic', ?, '2026-01-01')").run(root).lastInsertRowid);
  const activations = new ActivationsRepo(engine.store.db);
  let runs = 0;
  return {
    engine,
    client,
    model,
    dataDir,
    run(shards) {
      const dir = join(root, `run-${++runs}`);
      mkdirSync(dir, { recursive: true });
      const run = activations.createRun({ datasetId, modelId: model.id, layers: [1], dtype: 'float32', dModel: D, frameRateHz: 50, dir, device: 'cpu', jobId: null });
      shards.forEach((rows, i) => {
        const file = `shard-${String(i).padStart(5, '0')}.safetensors`;
        const bytes = writeSafetensors(join(dir, file), [{ name: 'layer_1', dtype: 'F32', shape: [rows.length / D, D], bytes: new Uint8Array(rows.buffer) }]);
        activations.commitShard(run.id, { shardIndex: i, file, frames: rows.length / D, bytes, audioSec: rows.length / D / 50 }, []);
      });
      activations.finish(run.id, 'complete');
      return run.id;
    },
    async close() {
      client.dispose();
      await engine.close();
    },
  };
}

function gaussianRows(seed: number, rows = ROWS, scale = 1): Float32Array {
  const r = new SeededRandom(seed);
  return Float32Array.from({ length: rows * D }, () => Math.fround(r.normal() * scale));
}

const trainParams = (runId: number): RpcParams<'saes.train'> => ({
  runId,
  layers: [1],
  seeds: [0],
  architectures: ['topk'],
  k: 4,
  expansion: 8,
  steps: 30,
  batchSize: 32,
  checkpointEvery: 2,
  metricsEvery: 2,
  dataSeed: 0,
  analyze: false,
});

async function onlySae(lab: Lab, jobId: number): Promise<SaeSummary> {
  const saes = (await lab.client.call('saes.list', {})).filter((s) => s.jobId === jobId);
  assert.equal(saes.length, 1, 'the job made one SAE');
  return saes[0]!;
}

describe('bad input for SAE training and import', () => {
  const dir = makeTempDir('training-bad-input-');
  let lab: Lab;
  before(() => {
    lab = openLab(join(dir.path, 'main'));
  });
  after(async () => {
    await lab.close();
    dir.cleanup();
  });

  test('an SAE whose width does not match the layer is refused on import, naming both widths', async () => {
    const folder = join(dir.path, 'wide-sae');
    saveSaeCheckpoint(folder, parseSaeConfig({ dIn: 24, dSae: 48, k: 4 }), initialSaeWeights(24, 48, 0));
    await assert.rejects(
      lab.client.call('saes.import', { path: folder, format: 'auto', modelId: lab.model.id, layer: 1 }),
      /reads 24-wide activations \(d_in\), but layer 1 of fixture\/tiny-encoder is 16 wide \(d_model\)/,
    );
    assert.deepEqual(await lab.client.call('saes.list', {}), [], 'nothing registered');
  });

  test('NaN in a shard fails the job naming the shard; the SAE is incomplete with its last good checkpoint', async () => {
    const poisoned = gaussianRows(2);
    poisoned[(ROWS - 1) * D + 5] = Number.NaN;
    const runId = lab.run([gaussianRows(1), poisoned, gaussianRows(3)]);
    const job = await waitForJob(lab.client, (await lab.client.call('saes.train', trainParams(runId))).jobId, 120_000);
    assert.equal(job.status, 'failed');
    assert.match(job.error?.message ?? '', /Activation shard shard-00001\.safetensors holds a non-finite value \(NaN\) in layer_1, row 199: re-extract the run/);
    const sae = await onlySae(lab, job.id);
    assert.equal(sae.status, 'incomplete', 'left incomplete, resumable');
    assert.ok(sae.step > 0 && sae.checkpointPath !== null, `a checkpoint was written before the bad row (step ${sae.step})`);
    const { state } = await loadTrainingCheckpoint(sae.checkpointPath!);
    assert.equal(state.step, sae.step, 'the recorded checkpoint is whole and loads');
    assert.ok(state.weights.W_enc.every(Number.isFinite), 'no NaN reached the weights');
  });

  test('an infinite value in the first rows fails before any checkpoint', async () => {
    const rows = gaussianRows(4);
    rows[3] = Number.POSITIVE_INFINITY;
    const job = await waitForJob(lab.client, (await lab.client.call('saes.train', trainParams(lab.run([rows])))).jobId, 60_000);
    assert.equal(job.status, 'failed');
    assert.match(job.error?.message ?? '', /shard-00000\.safetensors holds a non-finite value \(Infinity\) in layer_1, row 0/);
    const sae = await onlySae(lab, job.id);
    assert.deepEqual([sae.status, sae.checkpointPath], ['incomplete', null]);
  });

  test('an empty activation set is refused before a job starts', async () => {
    const runId = lab.run([]);
    const before = (await lab.client.call('saes.list', {})).length;
    await assert.rejects(lab.client.call('saes.train', trainParams(runId)), /Activation run \d+ holds no frames to train on/);
    assert.equal((await lab.client.call('saes.list', {})).length, before, 'no SAE row');
  });

  test('a loss that overflows stops the job with a clear message', async () => {
    const runId = lab.run([gaussianRows(5, ROWS, 1e18)]);
    const job = await waitForJob(lab.client, (await lab.client.call('saes.train', trainParams(runId))).jobId, 60_000);
    assert.equal(job.status, 'failed');
    assert.match(job.error?.message ?? '', /SAE \d+ \(layer 1\): the loss became (Infinity|NaN) at step \d+, so training stopped/);
    assert.equal((await onlySae(lab, job.id)).status, 'incomplete');
  });
});

/** Mounts a tmpfs (root only); returns why not when it cannot. */
function mountTmpfs(target: string, size: number): string | undefined {
  mkdirSync(target, { recursive: true });
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', target], { encoding: 'utf8' });
  return result.status === 0 ? undefined : `cannot mount a tmpfs here (${(result.stderr || result.error?.message || '').trim()}); the full-disk test needs root (CI runs as root)`;
}

describe('a full disk during a checkpoint', () => {
  const dir = makeTempDir('training-disk-full-');
  const saesDir = join(dir.path, 'lab', 'data', 'saes');
  const skip = mountTmpfs(saesDir, 4 * 1024 * 1024);
  after(() => {
    if (!skip) spawnSync('umount', [saesDir]);
    dir.cleanup();
  });

  test('keeps the last good checkpoint, removes the partial one and says the disk is full', { skip }, async () => {
    const hooks: { onCheckpoint?: (saeId: number, step: number) => void } = {};
    const lab = openLab(join(dir.path, 'lab'), hooks);
    try {
      // After the first checkpoint, shrink the filesystem to what it holds plus half a checkpoint:
      // the next checkpoint (written before the old one is removed) runs out of space mid-write.
      hooks.onCheckpoint = () => {
        hooks.onCheckpoint = undefined;
        const fs = statfsSync(saesDir);
        const used = (fs.blocks - fs.bfree) * fs.bsize;
        const remount = spawnSync('mount', ['-o', `remount,size=${Math.ceil((used * 1.5) / 4096) * 4096}`, saesDir], { encoding: 'utf8' });
        assert.equal(remount.status, 0, remount.stderr);
      };
      const runId = lab.run([gaussianRows(6), gaussianRows(7)]);
      const job = await waitForJob(lab.client, (await lab.client.call('saes.train', trainParams(runId))).jobId, 60_000);
      assert.equal(job.status, 'failed');
      assert.match(job.error?.message ?? '', /The disk is full \(ENOSPC\): could not write the SAE checkpoint .*step-000000004\. Free space on that disk/);
      const sae = await onlySae(lab, job.id);
      assert.equal(sae.status, 'incomplete');
      const folder = join(saesDir, String(sae.id));
      assert.deepEqual(readdirSync(folder), ['step-000000002'], 'the previous checkpoint stays, the partial one is gone');
      assert.equal(sae.checkpointPath, join(folder, 'step-000000002'));
      assert.equal((await loadTrainingCheckpoint(sae.checkpointPath!)).state.step, 2, 'and it still loads');
      assert.ok(!existsSync(join(folder, 'final')));
    } finally {
      await lab.close();
    }
  });
});
