/**
 * Domain specialization end to end on the fixture Whisper: the labelled dataset (tone / noise /
 * chirp, tests/helpers/analysed-sae.ts) with tone playing speech, chirp music and noise other.
 * Imported SAEs of layer 1 carry planted latents (a tone detector, a chirp detector, one that fires
 * on every frame, a dead one) and random directions; the job's shares are checked against the
 * planted answer and against the definition computed here from the raw frames in float64.
 * Then bad requests and the CLI.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { DomainShares, DomainsParams } from '../../electron/common/paper-evals/domains.js';
import type { PaperEvalJobResult, PaperEvaluationDetail } from '../../electron/common/paper-evals/index.js';
import { RpcClient } from '../../electron/common/rpc-client.js';
import { Engine } from '../../electron/engine/engine.js';
import { createInProcessChannelPair } from '../../electron/engine/transports/in-process-channel.js';
import { SeededRandom } from '../../native-models/common/seeded-random.js';
import { ANALYSED_LAYER, prepareLabelledDataset, prepareRun, type LabelledDataset, type PreparedRun } from '../helpers/analysed-sae.js';
import { startTestHub, type TestHub } from '../helpers/fixture-hub.js';
import { waitForJob } from '../helpers/jobs.js';
import { dot, plantedDirection, readRunFrames, registerPlantedSae, type RunFrames } from '../helpers/planted-feature.js';
import { makeTempDir } from '../helpers/temp-dir.js';

let hub: TestHub;
let dir: ReturnType<typeof makeTempDir>;
let engine: Engine;
let client: RpcClient;
let dataset: LabelledDataset;
let run: PreparedRun;
let frames: RunFrames;
const D = 64;
const WIDTH = 8;
type Encoder = (latent: number) => { w: Float32Array; b: number } | undefined;
const encoders = new Map<number, Encoder>();
let toneSae: number;
let chirpSae: number;

function connect(): void {
  const [clientEnd, engineEnd] = createInProcessChannelPair();
  engine.connect(engineEnd);
  client = new RpcClient(clientEnd);
}

/** Latent `planted` is the detector, 1 fires on every frame at 1, 2..6 random directions, 7 dead. */
function registerSae(name: string, detector: { u: Float32Array; bias: number }, seed: number, options: { layer?: number; dIn?: number } = {}): number {
  const rng = new SeededRandom(seed);
  const random = Array.from({ length: WIDTH }, () => {
    const w = Float32Array.from({ length: D }, () => rng.normal());
    const norm = Math.hypot(...w);
    return w.map((v) => v / norm);
  });
  const encoder: Encoder = (j) => {
    if (j === 0) return { w: detector.u, b: detector.bias };
    if (j === 1) return { w: new Float32Array(D), b: 1 };
    if (j === WIDTH - 1) return undefined;
    return { w: random[j]!, b: 0 };
  };
  const id = registerPlantedSae(engine.store.db, {
    modelId: run.modelId,
    layer: options.layer ?? ANALYSED_LAYER,
    dIn: options.dIn ?? D,
    dSae: WIDTH,
    folder: join(dir.path, 'planted', name),
    encoder: options.dIn === undefined ? encoder : () => undefined,
  });
  encoders.set(id, encoder);
  return id;
}

const DOMAIN_OF_CLASS = { tone: 'speech', chirp: 'music', noise: 'other' } as const;
const baseParams = (saeIds: number[]): DomainsParams => ({ runId: run.runId, saeIds, labelKey: 'folder', speech: ['tone'], music: ['chirp'], other: ['noise'], specificity: 0.9 });

/** The definition computed straight from the raw frames in float64 (threshold-0 selection). */
function expectedShares(encoder: Encoder, specificity: number): { audio: DomainShares; frame: DomainShares } {
  const domainOf = new Map<number, 'speech' | 'music' | 'other'>();
  for (const cls of ['tone', 'chirp', 'noise'] as const) for (const c of dataset.clips[cls]) domainOf.set(c, DOMAIN_OF_CLASS[cls]);
  const classify = (mass: Record<string, number>): keyof DomainShares => {
    const total = mass['speech']! + mass['music']! + mass['other']!;
    if (total === 0) return 'dead';
    for (const d of ['speech', 'music', 'other'] as const) if (mass[d]! / total >= specificity) return d;
    return 'shared';
  };
  const out = { audio: { speech: 0, music: 0, other: 0, shared: 0, dead: 0 }, frame: { speech: 0, music: 0, other: 0, shared: 0, dead: 0 } };
  for (let j = 0; j < WIDTH; j++) {
    const e = encoder(j);
    const clipMax = new Map<number, number>();
    const frameSum = { speech: 0, music: 0, other: 0 };
    const frameCount = { speech: 0, music: 0, other: 0 };
    frames.rows.forEach((x, r) => {
      const clip = frames.clipOf[r]!;
      const d = domainOf.get(clip)!;
      const a = e ? Math.max(0, dot(x, e.w) + e.b) : 0;
      frameSum[d] += a;
      frameCount[d]++;
      clipMax.set(clip, Math.max(clipMax.get(clip) ?? 0, a));
    });
    const clipSum = { speech: 0, music: 0, other: 0 };
    for (const [clip, m] of clipMax) clipSum[domainOf.get(clip)!] += m;
    const per = (sum: Record<string, number>, n: Record<string, number>) => Object.fromEntries(Object.keys(sum).map((d) => [d, sum[d]! / n[d]!]));
    out.audio[classify(per(clipSum, { speech: 6, music: 6, other: 6 }))] += 1 / WIDTH;
    out.frame[classify(per(frameSum, frameCount))] += 1 / WIDTH;
  }
  return out;
}

async function evaluate(params: DomainsParams): Promise<PaperEvaluationDetail<'domains'>> {
  const job = await waitForJob(client, (await client.call('evals.start', { kind: 'domains', params })).jobId);
  assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
  assert.equal(job.progress.unit, 'frames');
  const { evaluationId } = job.result as PaperEvalJobResult;
  return (await client.call('evals.get', { id: evaluationId })) as PaperEvaluationDetail<'domains'>;
}

before(async () => {
  hub = await startTestHub();
  dir = makeTempDir('paper-evals-domains-');
  engine = Engine.open({
    dataDir: join(dir.path, 'data'),
    hub: { endpoint: hub.endpoint, cacheDir: hub.cacheDir },
    extraction: { shardFrames: 700, batchSize: 4 },
    analysis: { batchRows: 256 },
  });
  connect();
  dataset = await prepareLabelledDataset(client, dir.path);
  run = await prepareRun(client, hub.repoId, dataset.datasetId);
  frames = await readRunFrames(engine.store.db, run.runId, ANALYSED_LAYER, D);
  toneSae = registerSae('tone', plantedDirection(frames, new Set(dataset.clips.tone), D), 1);
  chirpSae = registerSae('chirp', plantedDirection(frames, new Set(dataset.clips.chirp), D), 2);
});

after(async () => {
  client.dispose();
  await engine.close();
  await hub.close();
  dir.cleanup();
});

test('a planted tone (speech) and chirp (music) detector count as specific to their domain; shares match the raw frames', async () => {
  const detail = await evaluate(baseParams([chirpSae, toneSae]));
  assert.equal(detail.status, 'complete');
  const result = detail.result!;
  assert.deepEqual(result.clips, { speech: 6, music: 6, other: 6 });
  const framesOf = (cls: 'tone' | 'chirp' | 'noise') => frames.clipOf.filter((c) => dataset.clips[cls].includes(c)).length;
  assert.deepEqual(result.frames, { speech: framesOf('tone'), music: framesOf('chirp'), other: framesOf('noise') });
  assert.deepEqual(result.layers.map((l) => l.saeId), [toneSae, chirpSae].sort((a, b) => a - b), 'one row per SAE, in layer then id order');
  for (const layer of result.layers) {
    const want = expectedShares(encoders.get(layer.saeId)!, 0.9);
    console.log(`SAE ${layer.saeId}: audio ${JSON.stringify(layer.audio)} frame ${JSON.stringify(layer.frame)}`);
    for (const level of ['audio', 'frame'] as const) {
      for (const c of ['speech', 'music', 'other', 'shared', 'dead'] as const) {
        assert.ok(Math.abs(layer[level][c] - want[level][c]) < 1e-9, `SAE ${layer.saeId} ${level} ${c}: ${layer[level][c]} vs raw frames ${want[level][c]}`);
      }
      const planted = layer.saeId === toneSae ? 'speech' : 'music';
      assert.ok(layer[level][planted] >= 1 / WIDTH, `${level}: the planted detector is ${planted}-specific`);
      assert.ok(layer[level].shared >= 1 / WIDTH, `${level}: the always-on latent is shared`);
      assert.ok(layer[level].dead >= 1 / WIDTH, `${level}: the dead latent is dead`);
    }
  }
  const [audioTable, frameTable] = detail.tables;
  assert.equal(audioTable!.rows.length, 2);
  assert.equal(frameTable!.header[3], 'speech features');
  assert.match(detail.summary[0]!, /clips speech 6, music 6, other 6/);
  assert.match(result.reference.text, /layer 5/);
  assert.match((await client.call('evals.csv', { id: detail.id })).csv, /# audio-level feature domains/);
});

test('a lower specificity bar never shrinks the specific shares', async () => {
  const strict = (await evaluate({ ...baseParams([toneSae]), specificity: 1 })).result!.layers[0]!;
  const loose = (await evaluate({ ...baseParams([toneSae]), specificity: 0.6 })).result!.layers[0]!;
  for (const level of ['audio', 'frame'] as const) {
    const specific = (s: DomainShares) => s.speech + s.music + s.other;
    assert.ok(specific(loose[level]) >= specific(strict[level]), level);
    assert.equal(loose[level].dead, strict[level].dead, `${level}: dead does not depend on the bar`);
    const want = expectedShares(encoders.get(toneSae)!, 0.6);
    assert.ok(Math.abs(loose[level].speech - want[level].speech) < 1e-9, `${level} speech at 0.6`);
  }
});

test('bad requests are refused before a job is queued, saying what to do', async () => {
  const start = (params: Partial<DomainsParams>) => client.call('evals.start', { kind: 'domains', params: { ...baseParams([toneSae]), ...params } });
  await assert.rejects(start({ labelKey: 'genre' }), /carries the label "genre"; pick one of: folder/, 'unknown label key');
  await assert.rejects(start({ music: ['piano'] }), /No clip of activation run \d+ falls in the music domain \(folder = piano\); values of folder there: chirp \(6\), noise \(6\), tone \(6\)/, 'a domain without clips');
  await assert.rejects(start({ music: ['tone', 'chirp'] }), /"tone" is listed for both speech and music/, 'a value in two domains');
  const layer2 = registerSae('layer2', { u: new Float32Array(D), bias: 0 }, 3, { layer: 2 });
  await assert.rejects(start({ saeIds: [toneSae, layer2] }), /SAE \d+ reads layer 2, which activation run \d+ does not hold/, 'an SAE of a layer the run lacks');
  const narrow = registerSae('narrow', { u: new Float32Array(D), bias: 0 }, 4, { dIn: 32 });
  await assert.rejects(start({ saeIds: [narrow] }), /reads 32-wide activations but activation run \d+ is 64 wide/, 'an SAE of another width');
  await assert.rejects(start({ saeIds: [toneSae, toneSae] }), /listed twice/);
  await assert.rejects(start({ saeIds: [999_999] }), /No SAE with id 999999/);
  await assert.rejects(start({ specificity: 0.5 }), /above 0\.5/);
});

test('audiosae evaluate domains', async () => {
  client.dispose();
  await engine.close();
  const TSX = import.meta.resolve('tsx');
  const CLI = join(import.meta.dirname, '..', '..', 'electron', 'engine', 'cli', 'cli.ts');
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', TSX, CLI, '--data-dir', join(dir.path, 'data'), 'evaluate', 'domains', ...args], { encoding: 'utf8', timeout: 120_000 });
  const done = cli('--run', String(run.runId), '--sae', `${toneSae},${chirpSae}`, '--label', 'folder', '--speech', 'tone', '--music', 'chirp', '--other', 'noise', '--specificity', '0.9');
  assert.equal(done.status, 0, done.stderr);
  assert.match(done.stdout, /Evaluation \d+ \(domains\) in [\d.]+ s/);
  assert.match(done.stdout, new RegExp(`layer 1 \\(SAE ${toneSae}\\): audio speech [1-9][\\d.]*%`));
  const bad = cli('--run', String(run.runId), '--sae', String(toneSae), '--label', 'folder', '--speech', 'tone', '--music', 'tone', '--other', 'noise');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /listed for both speech and music/);
  const badShare = cli('--run', String(run.runId), '--sae', String(toneSae), '--label', 'folder', '--speech', 'tone', '--music', 'chirp', '--other', 'noise', '--specificity', '0.4');
  assert.notEqual(badShare.status, 0);
  assert.match(badShare.stderr, /above 0\.5/);
  engine = Engine.open({ dataDir: join(dir.path, 'data') });
  connect();
});
