/**
 * kill -9 of the engine in the middle of an extraction (through `audiosae serve`'s
 * supervisor, as a user would hit it): the job is `interrupted`, resuming it completes the
 * run, and its shards are byte-identical to an uninterrupted extraction of the same data.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RpcClient } from '../../electron/common/rpc-client.js';
import { startTestHub, type TestHub } from '../helpers/fixture-hub.js';
import { waitForJob } from '../helpers/jobs.js';
import { startSupervisedEngine, type SupervisedEngine } from '../helpers/supervised-engine.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { encodeWav, tone, whiteNoise } from '../helpers/wav-folder.js';

const CLIPS = 14;

function shardBytes(dir: string): Map<string, Buffer> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.safetensors')).sort();
  return new Map(files.map((f) => [f, readFileSync(join(dir, f))]));
}

describe('extraction survives kill -9 of the engine', () => {
  const dir = makeTempDir('audiosae-extract-kill-');
  const audio = join(dir.path, 'audio');
  let hub: TestHub;
  const engines: SupervisedEngine[] = [];

  before(async () => {
    mkdirSync(audio);
    for (let i = 0; i < CLIPS; i++) {
      const samples = i % 2 === 0 ? tone(200 + 37 * i, 20, 16000) : whiteNoise(20, 16000, i);
      writeFileSync(join(audio, `clip-${String(i).padStart(2, '0')}.wav`), encodeWav([samples], 16000));
    }
    hub = await startTestHub();
    // The supervisor's engine child inherits this process's environment.
    process.env.HF_ENDPOINT = hub.endpoint;
    process.env.HF_HUB_CACHE = hub.cacheDir;
  });

  after(async () => {
    for (const engine of engines) await engine.stop();
    await hub.close();
    dir.cleanup();
  });

  async function startServe(name: string): Promise<SupervisedEngine> {
    const serve = await startSupervisedEngine(join(dir.path, name));
    engines.push(serve);
    return serve;
  }

  async function prepare(client: RpcClient): Promise<{ datasetId: number; modelId: number }> {
    const imported = await waitForJob(client, (await client.call('datasets.importFolder', { name: 'clips', folder: audio })).jobId);
    assert.equal(imported.status, 'succeeded', `import: ${JSON.stringify(imported.error)}`);
    const downloaded = await waitForJob(client, (await client.call('models.download', { repoId: hub.repoId })).jobId);
    assert.equal(downloaded.status, 'succeeded', `download: ${JSON.stringify(downloaded.error)}`);
    const [dataset] = await client.call('datasets.list', {});
    const [model] = await client.call('models.list', {});
    return { datasetId: dataset!.id, modelId: model!.id };
  }

  test('interrupted by kill -9, resumed, identical to an uninterrupted run', async () => {
    // Reference: an uninterrupted extraction in its own data dir.
    const reference = await startServe('reference');
    let client = await reference.connect();
    const ids = await prepare(client);
    const done = await waitForJob(client, (await client.call('activations.extract', { ...ids, layers: 'all' })).jobId, 120_000);
    assert.equal(done.status, 'succeeded', `reference extraction: ${JSON.stringify(done.error)}`);
    const [referenceRun] = await client.call('activations.runs', {});
    client.dispose();

    // The same extraction, killed once audio has started flowing through the encoder.
    const killed = await startServe('killed');
    client = await killed.connect();
    const killedIds = await prepare(client);
    const { pid } = await client.call('engine.info', {});
    const running = new Promise<void>((resolve) =>
      client.onEvent((e) => {
        if (e.type === 'job' && e.job.kind === 'activations.extract' && e.job.status === 'running' && e.job.progress.done > 0) resolve();
      }),
    );
    const { jobId } = await client.call('activations.extract', { ...killedIds, layers: 'all' });
    await running;
    const restarted = killed.nextListening();
    process.kill(pid, 'SIGKILL');
    await restarted;

    client = await killed.connect();
    const interrupted = await client.call('jobs.get', { jobId });
    assert.equal(interrupted.status, 'interrupted', 'the killed job is marked interrupted after the restart');
    const [partial] = await client.call('activations.runs', {});
    assert.notEqual(partial?.status, 'complete', 'the run is not complete before resuming');

    const resumed = await waitForJob(client, (await client.call('jobs.resume', { jobId })).jobId, 120_000);
    assert.equal(resumed.status, 'succeeded', `resumed extraction: ${JSON.stringify(resumed.error)}`);
    const runs = await client.call('activations.runs', {});
    assert.equal(runs.length, 1, 'the resumed job continued the same run instead of starting another');
    const [run] = runs;
    assert.equal(run!.status, 'complete', 'the run is complete after resuming');
    assert.equal(run!.frames, referenceRun!.frames, 'same number of frames as the uninterrupted run');
    assert.equal(run!.frames, CLIPS * 20 * 50, 'every frame of every clip (20 s at 50 frames/s)');

    const expected = shardBytes(referenceRun!.dir);
    const actual = shardBytes(run!.dir);
    assert.deepEqual([...actual.keys()], [...expected.keys()], 'the same shard files');
    for (const [name, bytes] of expected) {
      assert.ok(actual.get(name)!.equals(bytes), `${name} is byte-identical to the uninterrupted run's`);
    }
    client.dispose();
  });
});
