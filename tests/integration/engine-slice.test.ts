/**
 * The walking skeleton end to end, through the real engine over each transport:
 * import a WAV folder -> list and play clips -> download the fixture Whisper encoder from
 * the fixture hub -> log-mel + encoder on one clip -> per-frame norms. Bad input too.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RpcError } from '../../electron/common/errors.js';
import { RpcClient } from '../../electron/common/rpc-client.js';
import type { Channel } from '../../electron/common/wire.js';
import { Engine } from '../../electron/engine/engine.js';
import { startHttpServer, type RunningServer } from '../../electron/engine/server/http-server.js';
import { createInProcessChannelPair } from '../../electron/engine/transports/in-process-channel.js';
import { connectWebSocket } from '../../electron/engine/transports/websocket-client.js';
import { startTestHub, type TestHub } from '../helpers/fixture-hub.js';
import { waitForJob } from '../helpers/jobs.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { writeBadFiles, writeWavFolder, type GeneratedClip } from '../helpers/wav-folder.js';

const TOKEN = 'test-token-0123456789';

for (const transport of ['in-process', 'websocket'] as const) {
  describe(`engine slice over ${transport}`, () => {
    let hub: TestHub;
    let dir: ReturnType<typeof makeTempDir>;
    let engine: Engine;
    let server: RunningServer | undefined;
    let client: RpcClient;
    let audioFolder: string;
    let expected: GeneratedClip[];
    let badFiles: string[];

    before(async () => {
      hub = await startTestHub();
      dir = makeTempDir();
      audioFolder = join(dir.path, 'audio');
      mkdirSync(audioFolder);
      expected = writeWavFolder(audioFolder);
      badFiles = writeBadFiles(audioFolder);
      engine = Engine.open({ dataDir: join(dir.path, 'data'), hub: { endpoint: hub.endpoint, cacheDir: hub.cacheDir } });
      let channel: Channel;
      if (transport === 'in-process') {
        const [clientEnd, engineEnd] = createInProcessChannelPair();
        engine.connect(engineEnd);
        channel = clientEnd;
      } else {
        server = await startHttpServer({ engine, token: TOKEN, staticDir: join(dir.path, 'no-renderer'), port: 0 });
        channel = await connectWebSocket(`ws://127.0.0.1:${server.port}/rpc?token=${TOKEN}`);
      }
      client = new RpcClient(channel);
    });

    after(async () => {
      client.dispose();
      await server?.close();
      await engine.close();
      await hub.close();
      dir.cleanup();
    });

    let datasetId: number;
    let modelId: number;

    test('imports a WAV folder as a job, reporting each bad file and skipping non-audio', async () => {
      const { jobId } = await client.call('datasets.importFolder', { name: 'tones', folder: audioFolder });
      const job = await waitForJob(client, jobId);
      assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
      const result = job.result as { datasetId: number; imported: number; failures: { path: string; reason: string }[] };
      assert.equal(result.imported, expected.length);
      assert.deepEqual(
        result.failures.map((f) => f.path).sort(),
        badFiles.map((f) => join(audioFolder, f)).sort(),
      );
      const reasons = Object.fromEntries(result.failures.map((f) => [f.path.split('/').pop(), f.reason]));
      assert.match(reasons['not-really.wav']!, /Not a WAV file/);
      assert.match(reasons['empty.wav']!, /Zero-length file/);
      assert.match(reasons['song.mp3']!, /Corrupt mp3 file|Cannot decode/);
      assert.equal(job.progress.done, job.progress.total);
      datasetId = result.datasetId;

      const [dataset] = await client.call('datasets.list', {});
      assert.equal(dataset!.clipCount, expected.length);
      const totalDuration = expected.reduce((s, c) => s + c.durationSec, 0);
      assert.ok(Math.abs(dataset!.totalDurationSec - totalDuration) < 1e-6);
    });

    test('lists clips with the facts of each file and pages through them', async () => {
      const page = await client.call('clips.list', { datasetId });
      assert.equal(page.total, expected.length);
      const byPath = new Map(page.clips.map((c) => [c.relativePath, c]));
      for (const clip of expected) {
        const row = byPath.get(clip.relativePath);
        assert.ok(row, clip.relativePath);
        assert.equal(row.sampleRate, clip.sampleRate);
        assert.equal(row.channels, clip.channels);
        assert.ok(Math.abs(row.durationSec - clip.durationSec) < 1e-3, `${clip.relativePath} duration`);
        assert.match(row.sha256, /^[0-9a-f]{64}$/);
      }
      const second = await client.call('clips.list', { datasetId, offset: 2, limit: 2 });
      assert.deepEqual(second.clips.map((c) => c.id), page.clips.slice(2, 4).map((c) => c.id));
    });

    test('serves a clip for playback byte for byte', async () => {
      const { clips } = await client.call('clips.list', { datasetId, limit: 1 });
      const audio = await client.call('clips.audio', { clipId: clips[0]!.id });
      assert.equal(audio.mimeType, 'audio/wav');
      assert.ok(audio.bytes instanceof Uint8Array);
      assert.deepEqual(Buffer.from(audio.bytes), readFileSync(clips[0]!.path));
    });

    test('downloads the fixture Whisper encoder from the hub and registers it', async () => {
      const { jobId } = await client.call('models.download', { repoId: hub.repoId });
      const job = await waitForJob(client, jobId);
      assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
      assert.equal(job.progress.unit, 'bytes');
      assert.ok((job.progress.total ?? 0) > 100_000);
      const [model] = await client.call('models.list', {});
      assert.equal(model!.repoId, hub.repoId);
      assert.match(model!.commit, /^[0-9a-f]{40}$/);
      assert.ok(model!.snapshotDir.startsWith(hub.cacheDir));
      assert.deepEqual([model!.nMels, model!.dModel, model!.layers], [80, 64, 2]);
      modelId = model!.id;
    });

    test('computes per-frame encoder norms for a clip, covering only its real audio', async () => {
      const { clips } = await client.call('clips.list', { datasetId });
      const a440 = clips.find((c) => c.relativePath === 'tones/a440.wav')!;
      const norms = await client.call('activations.frameNorms', { modelId, clipId: a440.id });
      assert.equal(norms.frameRateHz, 50);
      assert.equal(norms.frames, 75); // 1.5 s at 50 frames/s
      assert.equal(norms.norms.length, 75);
      assert.equal(norms.dModel, 64);
      assert.ok(norms.norms.every((n) => Number.isFinite(n) && n > 0));
      // Deterministic: the same clip gives the same numbers.
      const again = await client.call('activations.frameNorms', { modelId, clipId: a440.id });
      assert.deepEqual(again.norms, norms.norms);
      // A different clip (noise) gives different activations.
      const noise = clips.find((c) => c.relativePath === 'noise/white.wav')!;
      const noiseNorms = await client.call('activations.frameNorms', { modelId, clipId: noise.id });
      assert.equal(noiseNorms.frames, 100);
      assert.notDeepEqual(noiseNorms.norms.slice(0, 10), norms.norms.slice(0, 10));
    });

    test('a folder that does not exist, a relative path and a file are refused before a job starts', async () => {
      const before = (await client.call('jobs.list', {})).length;
      await assert.rejects(
        client.call('datasets.importFolder', { name: 'x', folder: join(dir.path, 'nope') }),
        (e: RpcError) => e.code === 'not_found' && e.message.includes('Folder does not exist'),
      );
      await assert.rejects(
        client.call('datasets.importFolder', { name: 'x', folder: 'relative/path' }),
        (e: RpcError) => e.code === 'bad_input' && /absolute/.test(e.message),
      );
      await assert.rejects(
        client.call('datasets.importFolder', { name: 'x', folder: join(audioFolder, 'silence.wav') }),
        (e: RpcError) => e.code === 'bad_input' && /Not a folder/.test(e.message),
      );
      assert.equal((await client.call('jobs.list', {})).length, before);
    });

    test('an empty folder and a folder of only broken files fail the job and write no dataset', async () => {
      const empty = join(dir.path, 'empty');
      mkdirSync(empty);
      const broken = join(dir.path, 'broken');
      mkdirSync(broken);
      writeBadFiles(broken);
      const datasetsBefore = await client.call('datasets.list', {});
      for (const [folder, pattern] of [
        [empty, /No audio files/],
        [broken, /None of the 3 audio files/],
      ] as const) {
        const { jobId } = await client.call('datasets.importFolder', { name: 'bad', folder });
        const job = await waitForJob(client, jobId);
        assert.equal(job.status, 'failed');
        assert.match(job.error!.message, pattern);
      }
      assert.deepEqual(await client.call('datasets.list', {}), datasetsBefore);
      assert.equal(engine.store.integrityCheck(), 'ok');
    });

    test('a model repo that is not a Whisper encoder gives a clear error', async () => {
      const { jobId } = await client.call('models.download', { repoId: 'audiosae-fixtures/does-not-exist' });
      const job = await waitForJob(client, jobId);
      assert.equal(job.status, 'failed');
      assert.match(job.error!.message, /not found|does not exist|404/i);
      await assert.rejects(client.call('activations.frameNorms', { modelId: 999, clipId: 1 }), (e: RpcError) => e.code === 'not_found');
    });
  });
}
