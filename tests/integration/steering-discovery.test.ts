/**
 * Hallucination-feature discovery end to end on the fixture Whisper: the labelled dataset (tone /
 * noise / chirp, tests/helpers/analysed-sae.ts) with tone clips playing "non-speech"; an imported
 * SAE whose latent 0 is a planted tone detector (LDA direction), latent 1 its opposite, the rest
 * random directions. The planted latent must rank first, by one run + label and by two runs; its
 * scores are checked against values computed here from the raw frames. Then presets, bad input,
 * a cancelled job and the CLI.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { DiscoveryRanking } from '../../electron/common/contract.js';
import { CancelledError } from '../../electron/common/errors.js';
import { RpcClient } from '../../electron/common/rpc-client.js';
import { Engine } from '../../electron/engine/engine.js';
import { ActivationsRepo } from '../../electron/engine/extraction/activations-repo.js';
import { discoverJob } from '../../electron/engine/steering/discover-job.js';
import type { DiscoverParams } from '../../electron/engine/steering/discovery-input.js';
import { SteeringRepo } from '../../electron/engine/steering/steering-repo.js';
import { SaesRepo } from '../../electron/engine/training/saes-repo.js';
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
let planted: { u: Float32Array; bias: number };
let saeId: number;
const D = 64;
const WIDTH = 8;

function connect(): void {
  const [clientEnd, engineEnd] = createInProcessChannelPair();
  engine.connect(engineEnd);
  client = new RpcClient(clientEnd);
}

function medianProjection(): number {
  const p = frames.rows.map((x) => dot(x, planted.u)).sort((x, y) => x - y);
  return p[Math.floor(p.length / 2)]!;
}

function sae(name: string, options: { dIn?: number; layer?: number; modelId?: number } = {}): number {
  const dIn = options.dIn ?? D;
  const rng = new SeededRandom(42);
  return registerPlantedSae(engine.store.db, {
    modelId: options.modelId ?? run.modelId,
    layer: options.layer ?? ANALYSED_LAYER,
    dIn,
    dSae: WIDTH,
    folder: join(dir.path, 'planted', name),
    encoder: (j) => {
      if (dIn !== D) return undefined;
      if (j === 0) return { w: planted.u, b: planted.bias };
      if (j === 1) return { w: planted.u.map((v) => -v), b: medianProjection() }; // an anti-tone latent: fires below the median
      if (j === WIDTH - 1) return undefined; // dead
      const w = Float32Array.from({ length: dIn }, () => rng.normal());
      const norm = Math.hypot(...w);
      return { w: w.map((v) => v / norm), b: 0 };
    },
  });
}

before(async () => {
  hub = await startTestHub();
  dir = makeTempDir('steering-discovery-');
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
  planted = plantedDirection(frames, new Set(dataset.clips.tone), D);
  saeId = sae('tone');
});

after(async () => {
  client.dispose();
  await engine.close();
  await hub.close();
  dir.cleanup();
});

/** The latent's per-frame activation (threshold 0 selection) computed here in float64. */
const activation = (x: Float32Array, w: Float32Array, b: number) => Math.max(0, dot(x, w) + b);

function bruteForceAuroc(pos: number[], neg: number[]): number {
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

async function discover(params: Omit<DiscoverParams, 'score' | 'l2' | 'iterations' | 'heldOutFraction' | 'seed'> & Partial<DiscoverParams>): Promise<DiscoveryRanking> {
  const job = await waitForJob(client, (await client.call('steering.discover', params)).jobId);
  assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
  assert.equal(job.progress.unit, 'frames');
  const { discoveryId } = job.result as { discoveryId: number };
  return client.call('steering.ranking', { discoveryId, limit: WIDTH });
}

let discoveryId: number;

test('one run + label: the planted tone feature ranks first, its scores match the raw frames', async () => {
  const ranking = await discover({ saeId, runId: run.runId, positive: { key: 'folder', value: 'tone' } });
  discoveryId = ranking.discovery.id;
  const tones = new Set(dataset.clips.tone);
  const toneFrames = frames.clipOf.filter((c) => tones.has(c)).length;
  assert.deepEqual(ranking.discovery.positive, { clips: tones.size, frames: toneFrames }, 'the tone clips are the non-speech set');
  assert.deepEqual(ranking.discovery.negative, { clips: 2 * tones.size, frames: frames.rows.length - toneFrames });
  assert.equal(ranking.total, WIDTH);
  const top = ranking.rows[0]!;
  assert.equal(top.feature, 0, `the planted feature ranks first (${ranking.rows.map((r) => `${r.feature}:${r.auroc.toFixed(2)}`).join(' ')})`);
  assert.equal(top.rank, 1);
  assert.equal(top.firingRateNeg, 0, 'it never fires on the other clips');
  const anti = ranking.rows.find((r) => r.feature === 1)!;
  assert.ok(anti.firingRateNeg > anti.firingRatePos && anti.rank > WIDTH / 2, `the anti-tone latent fires more on the rest, ranks low (${anti.rank}, ${anti.firingRatePos} vs ${anti.firingRateNeg})`);
  const dead = ranking.rows.find((r) => r.feature === WIDTH - 1)!;
  assert.equal(dead.auroc, 0.5, 'a dead latent has AUROC 0.5');
  assert.equal(dead.probeWeight, 0, 'and probe weight 0');

  // Independent computation of latent 0 from the frames.
  const act = frames.rows.map((x) => activation(x, planted.u, planted.bias));
  const firedTone = act.filter((a, i) => a > 0 && tones.has(frames.clipOf[i]!)).length;
  const borderline = frames.rows.filter((x) => Math.abs(dot(x, planted.u) + planted.bias) < 1e-4 * Math.abs(planted.bias)).length;
  assert.ok(Math.abs(top.firingRatePos * toneFrames - firedTone) <= borderline, `fires on ${top.firingRatePos * toneFrames} tone frames, expected ${firedTone}`);
  const sumTone = act.reduce((s, a, i) => s + (tones.has(frames.clipOf[i]!) ? a : 0), 0);
  assert.ok(Math.abs(top.meanPos - sumTone / toneFrames) < 1e-3 * Math.max(1, sumTone / toneFrames), `mean on tone frames ${top.meanPos} vs ${sumTone / toneFrames}`);
  const clipMax = new Map<number, number>();
  act.forEach((a, i) => clipMax.set(frames.clipOf[i]!, Math.max(clipMax.get(frames.clipOf[i]!) ?? 0, a)));
  const expected = bruteForceAuroc([...clipMax].filter(([c]) => tones.has(c)).map(([, v]) => v), [...clipMax].filter(([c]) => !tones.has(c)).map(([, v]) => v));
  assert.ok(Math.abs(top.auroc - expected) < 1e-9, `AUROC ${top.auroc} vs brute force ${expected}`);
  assert.ok(top.auroc > 0.8, 'the planted feature separates tone clips');

  const heldOut = ranking.discovery.heldOutAccuracy;
  assert.ok(heldOut !== null && heldOut >= 0 && heldOut <= 1, `held-out accuracy reported (${heldOut})`);
  assert.ok(top.probeWeight > 0, `the probe weighs the planted feature towards non-speech (${top.probeWeight})`);
  const listed = await client.call('steering.discoveries', { saeId });
  assert.deepEqual(listed.map((d) => d.id), [discoveryId]);
  assert.equal(listed[0]!.params['runId'], run.runId, 'params stored');
});

test('sorts and labels in the ranking', async () => {
  await client.call('labels.set', { saeId, feature: 0, patch: { label: 'tone detector' } });
  const byRank = await client.call('steering.ranking', { discoveryId, limit: 2 });
  assert.equal(byRank.rows[0]!.label, 'tone detector', 'labels are joined');
  assert.equal(byRank.rows[1]!.label, null);
  const byFeature = await client.call('steering.ranking', { discoveryId, sort: 'feature', offset: 2, limit: 3 });
  assert.deepEqual(byFeature.rows.map((r) => r.feature), [2, 3, 4], 'paged by feature');
  const byProbe = await client.call('steering.ranking', { discoveryId, sort: 'probeWeight', limit: WIDTH });
  assert.ok(byProbe.rows.every((r, i) => i === 0 || r.probeWeight <= byProbe.rows[i - 1]!.probeWeight), 'probe weights descending');
  const byRate = await client.call('steering.ranking', { discoveryId, sort: 'firingRateDiff', limit: WIDTH });
  const diff = (r: { firingRatePos: number; firingRateNeg: number }) => r.firingRatePos - r.firingRateNeg;
  assert.ok(byRate.rows.every((r, i) => i === 0 || diff(r) <= diff(byRate.rows[i - 1]!)), 'firing-rate differences descending');
});

test('two runs (non-speech, speech) rank the planted feature first too', async () => {
  const extract = async (folder: string, name: string) => {
    const imported = await waitForJob(client, (await client.call('datasets.importFolder', { name, folder: join(dir.path, 'labelled', folder) })).jobId);
    assert.equal(imported.status, 'succeeded', JSON.stringify(imported.error));
    const datasetId = (imported.result as { datasetId: number }).datasetId;
    const extracted = await waitForJob(client, (await client.call('activations.extract', { datasetId, modelId: run.modelId, layers: [ANALYSED_LAYER] })).jobId);
    assert.equal(extracted.status, 'succeeded', JSON.stringify(extracted.error));
    return (extracted.result as { runId: number }).runId;
  };
  const toneRun = await extract('tone', 'tones');
  const noiseRun = await extract('noise', 'noises');
  const ranking = await discover({ saeId, nonspeechRunId: toneRun, speechRunId: noiseRun, score: 'firingRateDiff' });
  assert.equal(ranking.rows[0]!.feature, 0, 'planted feature first');
  assert.equal(ranking.discovery.score, 'firingRateDiff');
  assert.equal(ranking.discovery.positive.clips, 6);
  assert.equal(ranking.discovery.negative.clips, 6);
  await assert.rejects(client.call('steering.discover', { saeId, nonspeechRunId: toneRun, speechRunId: toneRun }), /both run \d+: give two runs/);
});

test('presets: save top N of a discovery or given features, list, refuse bad ones, delete', async () => {
  const preset = await client.call('steering.savePreset', { name: 'tone off', saeId, features: { discoveryId, topN: 3 } });
  const top3 = (await client.call('steering.ranking', { discoveryId, limit: 3 })).rows.map((r) => r.feature);
  assert.deepEqual(preset.features, top3.map((feature) => ({ feature, scale: -1 })), 'top 3 by rank, scale -1 (alpha 1)');
  const explicit = await client.call('steering.savePreset', { name: 'alpha 3', saeId, features: [0, 2, 2], scale: -2, notes: 'strong' });
  assert.deepEqual(explicit.features, [{ feature: 0, scale: -2 }, { feature: 2, scale: -2 }], 'repeats dropped');
  assert.deepEqual((await client.call('steering.presets', {})).map((p) => p.name), ['alpha 3', 'tone off'], 'newest first');
  assert.deepEqual((await client.call('steering.presets', { saeId: 99_999 })), []);
  await assert.rejects(client.call('steering.savePreset', { name: 'tone off', saeId, features: [1] }), (e: Error & { code?: string }) => e.code === 'conflict' && /already exists/.test(e.message));
  await assert.rejects(client.call('steering.savePreset', { name: 'x', saeId, features: [8, 12] }), /features 0\.\.7; 8, 12 are outside it/);
  const other = sae('other');
  await assert.rejects(client.call('steering.savePreset', { name: 'x', saeId: other, features: { discoveryId } }), /ranks the features of SAE \d+, not SAE \d+/);
  await assert.rejects(client.call('steering.savePreset', { name: 'x', saeId, features: { discoveryId: 99_999 } }), /No discovery with id 99999/);
  assert.deepEqual(await client.call('steering.deletePreset', { presetId: explicit.id }), { deleted: true });
  assert.deepEqual(await client.call('steering.deletePreset', { presetId: explicit.id }), { deleted: false });
  assert.deepEqual((await client.call('steering.presets', { saeId })).map((p) => p.id), [preset.id]);
});

test('bad input is refused with a clear message', async () => {
  const label = { runId: run.runId, positive: { key: 'folder', value: 'tone' } };
  await assert.rejects(client.call('steering.discover', { saeId, ...label, speechRunId: run.runId }), (e: Error & { code?: string }) => e.code === 'invalid_params' && /either nonspeechRunId and speechRunId, or runId and positive/.test(e.message));
  await assert.rejects(client.call('steering.discover', { saeId, runId: run.runId }), /Give both runId and positive/);
  await assert.rejects(client.call('steering.discover', { saeId, runId: run.runId, positive: { key: 'folder', value: 'speech' } }), /No clip of activation run \d+ carries the label folder=speech \(its clips carry folder = chirp, noise, tone\)/);
  await assert.rejects(client.call('steering.discover', { saeId, runId: run.runId, positive: { key: 'genre', value: 'x' } }), /no clip of its dataset has a "genre" label/);
  const db = engine.store.db;
  db.prepare("INSERT INTO clip_labels (clip_id, key, value) SELECT id, 'set', 'all' FROM clips WHERE dataset_id = ?").run(dataset.datasetId);
  await assert.rejects(client.call('steering.discover', { saeId, runId: run.runId, positive: { key: 'set', value: 'all' } }), /All 18 clips of activation run \d+ carry set=all, so nothing is left for the speech set/);
  await assert.rejects(client.call('steering.discover', { saeId: sae('narrow', { dIn: 32 }), ...label }), /32-wide activations but activation run \d+ is 64 wide/);
  await assert.rejects(client.call('steering.discover', { saeId: sae('layer-3', { layer: 3 }), ...label }), /reads layer 3, which activation run \d+ does not hold \(it has layers 1\)/);
  // A run of another model: a copy of the model row and the run row pointing at it.
  const model = db.prepare("INSERT INTO models (repo_id, revision, commit_sha, architecture, snapshot_dir, n_mels, d_model, layers, created_at) SELECT 'other/model', revision, commit_sha, architecture, snapshot_dir, n_mels, d_model, layers, created_at FROM models WHERE id = ?").run(run.modelId);
  const otherModel = Number(model.lastInsertRowid);
  const otherRun = Number(db.prepare('INSERT INTO activation_runs (dataset_id, model_id, layers, dtype, d_model, frame_rate_hz, dir, status, device, created_at) SELECT dataset_id, ?, layers, dtype, d_model, frame_rate_hz, dir, status, device, created_at FROM activation_runs WHERE id = ?').run(otherModel, run.runId).lastInsertRowid);
  await assert.rejects(client.call('steering.discover', { saeId, nonspeechRunId: run.runId, speechRunId: otherRun }), new RegExp(`speech run ${otherRun} was extracted with model ${otherModel}, but SAE ${saeId} belongs to model ${run.modelId}`));
  await assert.rejects(client.call('steering.discover', { saeId: 99_999, ...label }), /No SAE with id 99999/);
  await assert.rejects(client.call('steering.discover', { saeId, nonspeechRunId: 99_999, speechRunId: run.runId }), /No activation run with id 99999 \(non-speech\)/);
  await assert.rejects(client.call('steering.ranking', { discoveryId: 99_999 }), /No discovery with id 99999/);
});

test('a cancelled discovery stores nothing', async () => {
  const db = engine.store.db;
  const steering = new SteeringRepo(db);
  const before = steering.discoveries(saeId).length;
  const job = discoverJob({ activations: new ActivationsRepo(db), saes: new SaesRepo(db), steering }, { batchRows: 32 });
  let checks = 0;
  const params: DiscoverParams = { saeId, runId: run.runId, positive: { key: 'folder', value: 'tone' }, score: 'auroc', l2: 0.01, iterations: 50, heldOutFraction: 0.2, seed: 0 };
  await assert.rejects(
    job.run({ jobId: 0, params, signal: new AbortController().signal, progress: () => undefined, throwIfCancelled: () => { if (++checks === 3) throw new CancelledError(); } }),
    CancelledError,
  );
  assert.equal(steering.discoveries(saeId).length, before, 'no discovery row');
  assert.equal((db.prepare('SELECT COUNT(*) AS n FROM feature_discovery_scores s LEFT JOIN feature_discoveries d ON d.id = s.discovery_id WHERE d.id IS NULL').get() as { n: number }).n, 0, 'no orphan scores');
});

test('audiosae steer discover / ranking / preset save / preset list', async () => {
  client.dispose();
  await engine.close();
  const TSX = import.meta.resolve('tsx');
  const CLI = join(import.meta.dirname, '..', '..', 'electron', 'engine', 'cli', 'cli.ts');
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', TSX, CLI, '--data-dir', join(dir.path, 'data'), 'steer', ...args], { encoding: 'utf8', timeout: 60_000 });
  const discovered = cli('discover', String(saeId), '--run', String(run.runId), '--positive', 'folder=tone');
  assert.equal(discovered.status, 0, discovered.stderr);
  const match = /Discovery (\d+) of SAE \d+ in [\d.]+ s: probe held-out accuracy [\d.]+%; top features 0,/.exec(discovered.stdout);
  assert.ok(match, discovered.stdout);
  const ranking = cli('ranking', match[1]!, '--top', '2');
  assert.equal(ranking.status, 0, ranking.stderr);
  assert.match(ranking.stdout, /rank\tfeature\tAUROC/);
  assert.match(ranking.stdout, /\n1\t0\t[\d.]+\t[\d.]+%\t0\.0%\t[-\d.]+\ttone detector\n/);
  const saved = cli('preset', 'save', 'cli preset', '--discovery', match[1]!, '--top', '2');
  assert.equal(saved.status, 0, saved.stderr);
  assert.match(saved.stdout, /Preset \d+ "cli preset": 2 features of SAE \d+, scale -1 \(alpha 1\)/);
  const listed = cli('preset', 'list');
  assert.equal(listed.status, 0, listed.stderr);
  assert.match(listed.stdout, /cli preset\tSAE \d+\t2 features\tscale -1/);
  const bad = cli('discover', String(saeId), '--run', String(run.runId));
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /Give both runId and positive \{key, value\}/);
  engine = Engine.open({ dataDir: join(dir.path, 'data') });
  connect();
});

