/**
 * kill -9 of the engine in the middle of SAE training (through `audiosae serve`'s supervisor):
 * the job is `interrupted`, resuming it continues each SAE from its last checkpoint, and the final
 * weights are byte-identical to an uninterrupted run's (default threads and shuffle buffer).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RpcParams, SaeSummary } from '../../electron/common/contract.js';
import type { RpcClient } from '../../electron/common/rpc-client.js';
import { OWN_WEIGHTS_FILE } from '../../native-models/sae/sae-checkpoint.js';
import { startTestHub, type TestHub } from '../helpers/fixture-hub.js';
import { waitForJob } from '../helpers/jobs.js';
import { startSupervisedEngine, type SupervisedEngine } from '../helpers/supervised-engine.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { writeWavFolder } from '../helpers/wav-folder.js';

const STEPS = 150;

describe('SAE training survives kill -9 of the engine', () => {
  const dir = makeTempDir('audiosae-train-kill-');
  const audio = join(dir.path, 'audio');
  let hub: TestHub;
  let serve: SupervisedEngine | undefined;

  before(async () => {
    mkdirSync(audio);
    writeWavFolder(audio);
    hub = await startTestHub();
    process.env.HF_ENDPOINT = hub.endpoint;
    process.env.HF_HUB_CACHE = hub.cacheDir;
  });

  after(async () => {
    await serve?.stop();
    await hub.close();
    dir.cleanup();
  });

  test('interrupted by kill -9, resumed, identical to an uninterrupted run', async () => {
    serve = await startSupervisedEngine(join(dir.path, 'data'));
    let client = await serve.connect();
    const imported = await waitForJob(client, (await client.call('datasets.importFolder', { name: 'clips', folder: audio })).jobId);
    const downloaded = await waitForJob(client, (await client.call('models.download', { repoId: hub.repoId })).jobId);
    const extracted = await waitForJob(client, (await client.call('activations.extract', { datasetId: (imported.result as { datasetId: number }).datasetId, modelId: (downloaded.result as { modelId: number }).modelId })).jobId);
    assert.equal(extracted.status, 'succeeded', JSON.stringify(extracted.error));
    const params: RpcParams<'saes.train'> = {
      runId: (extracted.result as { runId: number }).runId,
      layers: [1, 2],
      seeds: [0, 1],
      architectures: ['topk', 'batchtopk'],
      k: 4,
      expansion: 2,
      steps: STEPS,
      batchSize: 32,
      lr: 4e-3,
      checkpointEvery: 25,
      metricsEvery: 10,
    };
    const weightsOf = async (c: RpcClient, jobId: number) => {
      const { saeIds } = (await c.call('jobs.get', { jobId })).result as { saeIds: number[] };
      const all = await c.call('saes.list', {});
      return new Map(saeIds.map((id) => all.find((s) => s.id === id)!).map((s: SaeSummary) => [`${s.layer}/${s.architecture}/${s.seed}`, readFileSync(join(s.checkpointPath!, OWN_WEIGHTS_FILE))]));
    };
    const reference = await waitForJob(client, (await client.call('saes.train', params)).jobId);
    assert.equal(reference.status, 'succeeded', JSON.stringify(reference.error));
    const expected = await weightsOf(client, reference.id);

    const { pid } = await client.call('engine.info', {});
    const midway = new Promise<void>((resolve) =>
      client.onEvent((e) => {
        if (e.type === 'job' && e.job.kind === 'saes.train' && e.job.status === 'running' && e.job.progress.done >= 60) resolve();
      }),
    );
    const { jobId } = await client.call('saes.train', params);
    await midway;
    const restarted = serve.nextListening();
    process.kill(pid, 'SIGKILL');
    await restarted;
    client.dispose();

    client = await serve.connect();
    assert.equal((await client.call('jobs.get', { jobId })).status, 'interrupted', 'the killed job is interrupted after the restart');
    const resumed = await waitForJob(client, (await client.call('jobs.resume', { jobId })).jobId);
    assert.equal(resumed.status, 'succeeded', JSON.stringify(resumed.error));
    const from = (resumed.result as { resumedFromStep: number }).resumedFromStep;
    assert.ok(from >= 50 && from < STEPS, `continued from a checkpoint (step ${from})`);
    const actual = await weightsOf(client, resumed.id);
    assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), 'the same SAEs');
    for (const [key, bytes] of expected) assert.ok(actual.get(key)!.equals(bytes), `${key}: final weights byte-identical to the uninterrupted run`);
    client.dispose();
  });
});
