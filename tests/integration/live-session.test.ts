/**
 * Live sessions through the engine's RPC boundary, on the fixture Whisper with its decoder and an
 * imported SAE at the last block: a generated signal pushed in 250 ms chunks gives updates whose
 * transcripts equal a direct transcribeOriginalAndSteered run on the same window; live.configure
 * changes the steering of the next window; saveTake writes a playable WAV clip in "Recordings".
 * Prints the latency of each window.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { EngineEvent, LiveUpdate, ModelRow, SaeSummary } from '../../electron/common/contract.js';
import { RpcClient } from '../../electron/common/rpc-client.js';
import { Engine } from '../../electron/engine/engine.js';
import { encodeFloat32Chunk } from '../../electron/engine/live/audio-chunk.js';
import { maxNewTokensFor } from '../../electron/engine/live/window-transcriber.js';
import { createInProcessChannelPair } from '../../electron/engine/transports/in-process-channel.js';
import { SeededRandom } from '../../native-models/common/seeded-random.js';
import { WhisperDecoder } from '../../native-models/decoders/whisper-decoder.js';
import { TINY_WHISPER_FIXTURE } from '../../native-models/fixtures/whisper-encoder-fixture.js';
import { WhisperLogMel } from '../../native-models/frontends/whisper-log-mel.js';
import { saveSaeCheckpoint } from '../../native-models/sae/sae-checkpoint.js';
import { parseSaeConfig } from '../../native-models/sae/sae-config.js';
import { initialSaeWeights } from '../../native-models/sae/sae-weights.js';
import { steeringScale } from '../../native-models/steering/sae-splice.js';
import { SteeredWhisperEncoder, transcribeOriginalAndSteered } from '../../native-models/steering/steered-whisper-encoder.js';
import { startTestHub, type TestHub } from '../helpers/fixture-hub.js';
import { waitForJob } from '../helpers/jobs.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const RATE = 16_000;
const D = TINY_WHISPER_FIXTURE.dModel;
const D_SAE = 256;
const K = 8;
const WINDOW_SEC = 2;
const HOP_SEC = 1;

/** A voiced-sounding test signal: harmonics of a gliding pitch under a syllable-rate envelope. */
function testSignal(seconds: number): Float32Array {
  const out = new Float32Array(seconds * RATE);
  const noise = new SeededRandom(5);
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / RATE;
    phase += (2 * Math.PI * (140 + 40 * Math.sin(2 * Math.PI * 0.7 * t))) / RATE;
    const envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t);
    out[i] = envelope * 0.25 * (Math.sin(phase) + 0.5 * Math.sin(2 * phase) + 0.3 * Math.sin(3 * phase)) + 0.01 * noise.normal();
  }
  return out;
}

function writeSae(folder: string): void {
  const sae = initialSaeWeights(D, D_SAE, 3);
  const rng = new SeededRandom(4);
  sae.b_enc = rng.normals(D_SAE, 0.1);
  sae.b_dec = rng.normals(D, 0.1);
  saveSaeCheckpoint(folder, parseSaeConfig({ architecture: 'topk', dIn: D, dSae: D_SAE, k: K }), sae);
}

describe('live sessions through the engine', () => {
  const dir = makeTempDir('live-session-');
  let hub: TestHub;
  let engine: Engine;
  let client: RpcClient;
  let model: ModelRow;
  let sae: SaeSummary;
  const updates: LiveUpdate[] = [];
  const events: EngineEvent[] = [];

  before(async () => {
    hub = await startTestHub({ whisperDecoder: true });
    engine = Engine.open({ dataDir: join(dir.path, 'data'), hub: { endpoint: hub.endpoint, cacheDir: hub.cacheDir } });
    const [clientEnd, engineEnd] = createInProcessChannelPair();
    engine.connect(engineEnd);
    client = new RpcClient(clientEnd);
    client.onEvent((e) => {
      events.push(e);
      if (e.type === 'live.update') updates.push(e.update);
    });
    const { jobId } = await client.call('models.download', { repoId: hub.repoId });
    assert.equal((await waitForJob(client, jobId)).status, 'succeeded', 'the fixture Whisper downloads');
    model = (await client.call('models.list', {})).find((m) => m.repoId === hub.repoId)!;
    writeSae(join(dir.path, 'sae'));
    sae = await client.call('saes.import', { path: join(dir.path, 'sae'), modelId: model.id, layer: model.layers });
  });
  after(async () => {
    client?.dispose();
    await engine?.close();
    await hub?.close();
    dir.cleanup();
  });

  async function nextUpdate(accept: (u: LiveUpdate) => boolean, timeoutMs = 60_000): Promise<LiveUpdate> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = updates.find(accept);
      if (found) return found;
      const error = events.find((e) => e.type === 'live.error');
      if (error) assert.fail(`the session failed: ${JSON.stringify(error)}`);
      if (Date.now() > end) assert.fail(`no matching live.update within ${timeoutMs} ms (got ${updates.length})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async function pushAll(sessionId: number, samples: Float32Array): Promise<void> {
    for (let at = 0; at < samples.length; at += RATE / 4) {
      await client.call('live.push', { sessionId, samples: encodeFloat32Chunk(samples.subarray(at, at + RATE / 4)) });
    }
  }

  test('updates equal a direct original + steered run on the same window; configure applies to the next window; a take is a playable clip', async () => {
    const features = [0, 1, 2, 3, 5, 8, 13, 21, 34, 55];
    const started = await client.call('live.start', { modelId: model.id, saeId: sae.id, features, alpha: 1, windowSec: WINDOW_SEC, hopSec: HOP_SEC });
    assert.deepEqual(started.steering, { saeId: sae.id, presetId: null, presetName: null, features, alpha: 1, version: 0 }, 'the session reports its steering');
    const { sessionId } = started;
    const audio = testSignal(4);
    await pushAll(sessionId, audio.subarray(0, 3 * RATE));
    const first = await nextUpdate((u) => u.windowEndSec === 3);
    for (const u of updates) console.log(`live window ending ${u.windowEndSec.toFixed(2)} s: latency ${u.latencyMs.toFixed(1)} ms (compute ${u.computeMs.toFixed(1)} ms)`);
    assert.equal(first.windowSec, WINDOW_SEC, 'a full window');
    assert.equal(first.featureActivity.length, features.length, 'one activity value per steered feature');

    // The same window, transcribed directly.
    const window = audio.subarray((3 - WINDOW_SEC) * RATE, 3 * RATE);
    const logMel = await WhisperLogMel.create({ nMels: 80 });
    const decoder = await WhisperDecoder.load(model.snapshotDir);
    const { loadSaeCheckpoint } = await import('../../native-models/sae/sae-checkpoint.js');
    const { weights } = await loadSaeCheckpoint(sae.checkpointPath!);
    const encoder = await SteeredWhisperEncoder.load(model.snapshotDir, { layer: model.layers, sae: weights, selection: { kind: 'row_topk', k: K } });
    const direct = async (alpha: number, samples: Float32Array) =>
      transcribeOriginalAndSteered(encoder, decoder, await logMel.compute(samples), steeringScale(D_SAE, features, -alpha), { maxNewTokens: maxNewTokensFor(WINDOW_SEC) });
    try {
      const expected = await direct(1, window);
      assert.equal(first.original, expected.original[0]!.text, 'original transcript equals the direct run');
      assert.equal(first.steered, expected.steered[0]!.text, 'steered transcript equals the direct run');
      features.forEach((f, i) => assert.ok(Math.abs(first.featureActivity[i]! - expected.encoding.meanCodes[f]!) < 1e-5, `feature ${f}'s activity is its mean code`));
      assert.ok(first.featureActivity.some((v) => v > 0), 'some steered feature fires');

      const configured = await client.call('live.configure', { sessionId, alpha: 0 });
      assert.deepEqual([configured.steering.alpha, configured.steering.version], [0, 1], 'configure returns the new steering');
      await pushAll(sessionId, audio.subarray(3 * RATE));
      const next = await nextUpdate((u) => u.windowEndSec === 4);
      assert.deepEqual([next.steering.alpha, next.steering.version], [0, 1], 'the next window uses alpha 0');
      const ablated = await direct(0, audio.subarray((4 - WINDOW_SEC) * RATE, 4 * RATE));
      assert.equal(next.steered, ablated.steered[0]!.text, 'steered transcript at alpha 0 equals the direct run');
      assert.equal(next.original, ablated.original[0]!.text, 'original transcript unchanged by alpha');

      const take = await client.call('live.saveTake', { sessionId, seconds: 2.5 });
      assert.equal(take.durationSec, 2.5, 'the take is the last 2.5 s');
      const takeRun = await direct(0, audio.subarray(1.5 * RATE));
      assert.equal(take.original, takeRun.original[0]!.text.trim(), 'the take is transcribed original');
      assert.equal(take.clip.transcript, take.original, 'the original is the clip transcript');
      assert.deepEqual(take.clip.labels['steered'], [takeRun.steered[0]!.text.trim()], 'the steered transcript is a label');
      assert.deepEqual(take.clip.labels['alpha'], ['0'], 'with the alpha it was steered at');
      const dataset = await client.call('datasets.get', { datasetId: take.datasetId });
      assert.equal(dataset.name, 'Recordings', 'the take is in the Recordings dataset');
      assert.ok(take.clip.path.startsWith(join(dir.path, 'data', 'recordings')), 'under <data dir>/recordings');
      const played = await client.call('clips.audio', { clipId: take.clip.id });
      assert.equal(played.mimeType, 'audio/wav', 'plays back as WAV');
      const view = Buffer.from(played.bytes);
      assert.equal(view.toString('ascii', 0, 4), 'RIFF', 'a RIFF file');
      assert.equal(view.readUInt32LE(24), RATE, 'at 16 kHz');
      assert.equal(view.readUInt16LE(34), 16, '16-bit');
      assert.equal(view.readUInt32LE(40), 2.5 * RATE * 2, '2.5 s of samples');
      const firstSample = view.readInt16LE(44) / 32767;
      assert.ok(Math.abs(firstSample - audio[1.5 * RATE]!) < 1e-4, 'the take holds the pushed audio');
      assert.ok(events.some((e) => e.type === 'datasets.changed'), 'the dataset browser is told');

      const second = await client.call('live.saveTake', { sessionId });
      assert.equal(second.datasetId, take.datasetId, 'the second take joins the same dataset');
      assert.equal(second.durationSec, 4, 'without seconds: all the audio held');
    } finally {
      await encoder.dispose();
      await decoder.dispose();
      await logMel.dispose();
    }

    assert.deepEqual(await client.call('live.stop', { sessionId }), { stopped: true }, 'stopped');
    await assert.rejects(client.call('live.push', { sessionId, samples: encodeFloat32Chunk(new Float32Array(4)) }), /No live session/, 'a stopped session refuses audio');
  });

  test('bad starts are refused with reasons', async () => {
    await assert.rejects(client.call('live.start', { modelId: 999 }), /No model with id 999/, 'unknown model');
    await assert.rejects(client.call('live.start', { modelId: model.id, saeId: sae.id, features: [D_SAE] }), /do not exist: this SAE has features 0\.\.255/, 'feature outside the SAE');
    await assert.rejects(client.call('live.start', { modelId: model.id, saeId: sae.id, presetId: 12345 }), /No steering preset with id 12345/, 'unknown preset');
  });

  test('without an SAE both panes carry the original transcript', async () => {
    updates.length = 0;
    const { sessionId, steering } = await client.call('live.start', { modelId: model.id, windowSec: 1, hopSec: 1 });
    assert.equal(steering.saeId, null, 'no SAE');
    await pushAll(sessionId, testSignal(1));
    const u = await nextUpdate((x) => x.sessionId === sessionId);
    assert.equal(u.steered, u.original, 'nothing steered');
    assert.deepEqual(u.featureActivity, [], 'no features');
    await client.call('live.stop', { sessionId });
  });
});
