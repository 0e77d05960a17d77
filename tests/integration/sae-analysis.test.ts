/**
 * Feature analysis end to end: a labelled dataset (tone / noise / chirp folders) on the fixture
 * Whisper, an SAE trained and analysed in one job, a planted "tone" feature (its encoder direction
 * separates tone frames from the rest; verified here) whose suggested label and top clips must
 * come out right, bad input, a cancelled analysis that leaves the previous one intact,
 * re-analysis replacing the old one, and the CLI.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { EngineEvent } from '../../electron/common/contract.js';
import { CancelledError } from '../../electron/common/errors.js';
import type { RpcClient } from '../../electron/common/rpc-client.js';
import { AnalysisRepo } from '../../electron/engine/analysis/analysis-repo.js';
import { analyzeSaeJob, type AnalyzeParams } from '../../electron/engine/analysis/analyze-job.js';
import type { Engine } from '../../electron/engine/engine.js';
import { ActivationsRepo } from '../../electron/engine/extraction/activations-repo.js';
import { SaesRepo } from '../../electron/engine/training/saes-repo.js';
import { prepareAnalysedSae, ANALYSED_LAYER, type AnalysedSae } from '../helpers/analysed-sae.js';
import { startTestHub, type TestHub } from '../helpers/fixture-hub.js';
import { waitForJob } from '../helpers/jobs.js';
import { dot, plantedDirection, readRunFrames, registerPlantedSae } from '../helpers/planted-feature.js';
import { openInProcessEngine, type InProcessEngine } from '../helpers/in-process-engine.js';
import { makeTempDir } from '../helpers/temp-dir.js';

let hub: TestHub;
let dir: ReturnType<typeof makeTempDir>;
let engine: Engine;
let client: RpcClient;
let prepared: AnalysedSae;
let events: EngineEvent[];
let session: InProcessEngine;
const D = 64;

before(async () => {
  hub = await startTestHub();
  dir = makeTempDir('sae-analysis-');
  session = openInProcessEngine({
    dataDir: join(dir.path, 'data'),
    testHub: hub,
    extraction: { shardFrames: 700, batchSize: 4 },
    training: { intraOpThreads: 1 },
    analysis: { batchRows: 256 },
  });
  ({ engine, client, events } = session);
  const started = performance.now();
  prepared = await prepareAnalysedSae(client, { repoId: hub.repoId, workDir: dir.path });
  console.log(`prepareAnalysedSae: ${((performance.now() - started) / 1000).toFixed(1)} s`);
});

after(async () => {
  await session.close();
  await hub.close();
  dir.cleanup();
});

const analyses = () => new AnalysisRepo(engine.store.db);
const allClips = () => [...prepared.clips.tone, ...prepared.clips.noise, ...prepared.clips.chirp];

test('training analyses its SAE in the same job', async () => {
  const sae = (await client.call('saes.list', {})).find((s) => s.id === prepared.saeId)!;
  const run = (await client.call('activations.runs', {})).find((r) => r.id === prepared.runId)!;
  assert.equal(sae.analysedRunId, prepared.runId, 'the SAE knows the run it was analysed on');
  const analysis = await client.call('saes.analysis', { saeId: prepared.saeId });
  assert.ok(analysis, 'an analysis is stored');
  assert.equal(analysis.frames, run.frames, 'over every frame of the run');
  assert.equal(analysis.topN, 20);
  const { counts, dead, log10Edges } = analysis.histogram;
  assert.equal(counts.reduce((a, b) => a + b, 0) + dead, sae.width, 'every feature counted once in the histogram');
  assert.equal(log10Edges.length, counts.length + 1);
  const stats = analyses().stats(prepared.saeId);
  assert.equal(stats.length, sae.width, 'a stats row per feature');
  const fired = stats.filter((s) => s.density > 0);
  assert.equal(fired.length, sae.width - dead);
  // TopK k=4: each frame fires at most 4 features (fewer only where a top-4 pre-activation is <= 0).
  const densitySum = stats.reduce((s, f) => s + f.density, 0);
  assert.ok(densitySum <= 4 + 1e-9 && densitySum > 3.5, `densities sum to about k (${densitySum})`);
  const clips = new Set(allClips());
  for (const f of fired.slice(0, 20)) {
    const top = analyses().examples(prepared.saeId, f.feature, 'top');
    assert.ok(top.length > 0, `feature ${f.feature} has top examples`);
    assert.equal(new Set(top.map((e) => e.clipId)).size, top.length, 'at most one example per clip');
    assert.ok(top.every((e) => clips.has(e.clipId)), 'examples are clips of the dataset');
    assert.ok(top.every((e, i) => i === 0 || e.value <= top[i - 1]!.value), 'strongest first');
    assert.ok(Math.abs(top[0]!.value - f.maxActivation) < 1e-6, 'the first top example is the max');
    assert.ok(f.meanActivation > 0 && f.meanActivation <= f.maxActivation, 'mean over firing frames is within (0, max]');
  }
  assert.ok(events.some((e) => e.type === 'saes.changed'), 'saes.changed was broadcast');
});

test('training with analyze: false leaves the SAE unanalysed', async () => {
  const job = await waitForJob(client, (await client.call('saes.train', { runId: prepared.runId, layers: [ANALYSED_LAYER], architectures: ['topk'], k: 4, expansion: 2, steps: 4, batchSize: 32, seeds: [7], analyze: false })).jobId);
  assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
  const [saeId] = (job.result as { saeIds: number[] }).saeIds;
  assert.equal(await client.call('saes.analysis', { saeId: saeId! }), null);
  assert.doesNotMatch(job.progress.message ?? '', /analys/, 'no analysis phase');
});

/** Registers an imported own-format SAE (8 latents, threshold selection) with the given encoder. */
function registerSae(name: string, options: { dIn?: number; layer?: number; status?: string; encoder?: (latent: number) => { w: Float32Array; b: number } | undefined } = {}): number {
  return registerPlantedSae(engine.store.db, {
    modelId: prepared.modelId,
    layer: options.layer ?? ANALYSED_LAYER,
    dIn: options.dIn ?? D,
    dSae: 8,
    folder: join(dir.path, 'planted', name),
    ...(options.encoder ? { encoder: options.encoder } : {}),
    ...(options.status ? { status: options.status } : {}),
  });
}

let plantedId: number;

test('a planted tone feature is labelled folder=tone and its top clips are all tones', async () => {
  const frames = await readRunFrames(engine.store.db, prepared.runId, ANALYSED_LAYER, D);
  const { rows, clipOf } = frames;
  const tones = new Set(prepared.clips.tone);
  // LDA direction: the plain mean difference fired on 4 tone frames only (tests/helpers/planted-feature.ts).
  const { u, bias } = plantedDirection(frames, tones, D);
  const projections = rows.map((x) => dot(x, u));
  const firingTones = new Set(projections.flatMap((p, i) => (p + bias > 0 ? [clipOf[i]!] : [])));
  assert.ok(projections.every((p, i) => p + bias <= 0 || tones.has(clipOf[i]!)), 'feature 0 fires on tone frames only');
  assert.ok(firingTones.size >= 4, `feature 0 fires on most tone clips (${firingTones.size})`);
  console.log(`planted feature: fires on ${firingTones.size} of ${tones.size} tone clips, ${projections.filter((p) => p + bias > 0).length} of ${rows.length} frames`);
  plantedId = registerSae('tone', { encoder: (j) => (j === 0 ? { w: u, b: bias } : undefined) });

  await assert.rejects(client.call('saes.analyze', { saeId: plantedId }), /imported and has no activation run: pass runId/, 'an imported SAE needs a run');
  const job = await waitForJob(client, (await client.call('saes.analyze', { saeId: plantedId, runId: prepared.runId })).jobId);
  assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
  assert.equal(job.progress.unit, 'frames');
  const stats = analyses().stats(plantedId);
  assert.equal(stats[0]!.suggestedLabel, 'folder=tone', 'the enriched label of its top clips');
  const top = analyses().examples(plantedId, 0, 'top');
  assert.deepEqual(new Set(top.map((e) => e.clipId)), firingTones, 'one top example per tone clip it fires on, and no other');
  const expectedFrames = projections.filter((p) => p + bias > 0).length;
  const borderline = projections.filter((p) => Math.abs(p + bias) < 1e-4 * Math.abs(bias)).length; // float32 vs float64
  assert.ok(Math.abs(stats[0]!.density * rows.length - expectedFrames) <= borderline, `fires on ${stats[0]!.density * rows.length} frames, expected ${expectedFrames}`);
  const quantiles = analyses().examples(plantedId, 0, 'quantile');
  assert.ok(quantiles.length > 0 && quantiles.every((e) => tones.has(e.clipId)), 'quantile samples are tone frames too');
  assert.ok(stats.slice(1).every((s) => s.density === 0 && s.suggestedLabel === null), 'the other latents are dead, unlabelled');
  assert.equal((await client.call('saes.analysis', { saeId: plantedId }))!.histogram.dead, 7);
});

test('bad input is refused with a clear message', async () => {
  const narrow = registerSae('narrow', { dIn: 32 });
  await assert.rejects(client.call('saes.analyze', { saeId: narrow, runId: prepared.runId }), /32-wide activations but activation run \d+ is 64 wide/);
  const otherLayer = registerSae('layer-3', { layer: 3 });
  await assert.rejects(client.call('saes.analyze', { saeId: otherLayer, runId: prepared.runId }), /reads layer 3, which activation run \d+ does not hold \(it has layers 1\)/);
  const training = registerSae('training', { status: 'training' });
  await assert.rejects(client.call('saes.analyze', { saeId: training, runId: prepared.runId }), /is training; finish its training/);
  await assert.rejects(client.call('saes.analyze', { saeId: 99_999 }), /No SAE with id 99999/);
  engine.store.db.prepare("UPDATE activation_runs SET status = 'incomplete' WHERE id = ?").run(prepared.runId);
  try {
    await assert.rejects(client.call('saes.analyze', { saeId: prepared.saeId }), /Activation run \d+ is incomplete; finish its extraction/);
  } finally {
    engine.store.db.prepare("UPDATE activation_runs SET status = 'complete' WHERE id = ?").run(prepared.runId);
  }
  assert.equal(await client.call('saes.analysis', { saeId: narrow }), null, 'no analysis before one ran');
});

function snapshot(saeId: number) {
  const db = engine.store.db;
  return {
    analysis: db.prepare('SELECT * FROM sae_analyses WHERE sae_id = ?').get(saeId),
    stats: db.prepare('SELECT * FROM sae_feature_stats WHERE sae_id = ? ORDER BY feature').all(saeId),
    examples: db.prepare('SELECT * FROM sae_feature_examples WHERE sae_id = ? ORDER BY feature, kind, rank').all(saeId),
  };
}

test('a cancelled analysis leaves the previous one intact; a new one replaces it', async () => {
  const before = snapshot(prepared.saeId);
  assert.ok(before.examples.length > 0);
  const db = engine.store.db;
  const job = analyzeSaeJob(new ActivationsRepo(db), new SaesRepo(db), new AnalysisRepo(db), { batchRows: 32 });
  let checks = 0;
  const params: AnalyzeParams = { saeId: prepared.saeId, topN: 3, quantileSamples: 2 };
  await assert.rejects(
    job.run({
      jobId: 0,
      params,
      signal: new AbortController().signal,
      progress: () => undefined,
      throwIfCancelled: () => {
        if (++checks === 4) throw new CancelledError();
      },
    }),
    CancelledError,
  );
  assert.deepEqual(snapshot(prepared.saeId), before, 'the earlier analysis is untouched');

  const rerun = await waitForJob(client, (await client.call('saes.analyze', { saeId: prepared.saeId, topN: 3, quantileSamples: 2 })).jobId);
  assert.equal(rerun.status, 'succeeded', JSON.stringify(rerun.error));
  const after = snapshot(prepared.saeId);
  const analysis = (await client.call('saes.analysis', { saeId: prepared.saeId }))!;
  assert.equal(analysis.topN, 3);
  assert.equal(analysis.jobId, rerun.id);
  const ranks = (after.examples as { kind: string; rank: number }[]).filter((e) => e.kind === 'top').map((e) => e.rank);
  assert.ok(ranks.length > 0 && ranks.every((r) => r < 3), 'only the new top-3 examples remain');
  const quantiles = (after.examples as { kind: string; quantile: number }[]).filter((e) => e.kind === 'quantile');
  assert.ok(quantiles.length > 0 && quantiles.every((q) => [0.2, 0.4, 0.6, 0.8].includes(q.quantile)), 'quantile examples carry their band');
  assert.deepEqual(
    (after.stats as { density: number }[]).map((s) => s.density),
    (before.stats as { density: number }[]).map((s) => s.density),
    'same SAE, same run: same densities',
  );
});

test('audiosae sae analyze runs the job and prints a summary', async () => {
  // The CLI opens its own engine on the data folder: close ours first.
  await session.close();
  const TSX = import.meta.resolve('tsx');
  const CLI = join(import.meta.dirname, '..', '..', 'electron', 'engine', 'cli', 'cli.ts');
  const result = spawnSync(process.execPath, ['--import', TSX, CLI, '--data-dir', join(dir.path, 'data'), 'sae', 'analyze', String(plantedId), '--run', String(prepared.runId), '--top', '5'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`Analysed SAE ${plantedId} on run ${prepared.runId}: \\d+ frames in [\\d.]+ s \\(\\d+ frames/s\\)`));
  const missing = spawnSync(process.execPath, ['--import', TSX, CLI, '--data-dir', join(dir.path, 'data'), 'sae', 'analyze', String(plantedId)], { encoding: 'utf8', timeout: 60_000 });
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /pass runId/);
  session = openInProcessEngine({ dataDir: join(dir.path, 'data') });
  ({ engine, client } = session);
  assert.equal((await client.call('saes.analysis', { saeId: plantedId }))!.topN, 5, 'the CLI stored its analysis');
});
