/**
 * Crash suite (issue 10): kill -9 of the engine (through `audiosae serve`'s supervisor) at seeded
 * random points of a dataset import, an activation extraction, SAE training, label bursts and the
 * evaluation-like jobs (feature analysis, hallucination-feature discovery). After every kill the
 * engine restarts on the same data dir and: `PRAGMA integrity_check` is ok and `foreign_key_check`
 * empty, every acknowledged labels.set is there with its text, every job is finished or
 * `interrupted`, and jobs.resume finishes the killed job with the uncrashed run's result (clip
 * count, shard bytes, final weights, analysis statistics, discovery ranking).
 *
 * AUDIOSAE_CRASH_SEED=<n> (or `random`) picks the seed; AUDIOSAE_CRASH_ITERATIONS raises the kill points
 * per job kind from 3 for a long local run (each test's timeout scales with it).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RpcParams, SaeSummary } from '../../electron/common/contract.js';
import type { JobSnapshot } from '../../electron/common/jobs.js';
import { OWN_WEIGHTS_FILE } from '../../native-models/sae/sae-checkpoint.js';
import { startTestHub, type TestHub } from '../helpers/fixture-hub.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { encodeWav, tone, whiteNoise } from '../helpers/wav-folder.js';
import { CrashEngine, crashIterations, crashSeed, waitFor } from './crash-harness.js';

const SEED = crashSeed(20261126);
const ITERATIONS = crashIterations(3);
/** Tiny files for the import (slow enough to be killed between batch commits). */
const IMPORT_FILES = 1000;
/** tone/ and noise/ clips of CLIP_SEC seconds for extraction, training and evaluation. */
const CLIPS = 8;
const CLIP_SEC = 12;

const TRAIN: Omit<RpcParams<'saes.train'>, 'runId'> = {
  layers: [1],
  seeds: [0],
  architectures: ['topk', 'batchtopk'],
  k: 4,
  expansion: 2,
  steps: 120,
  batchSize: 64,
  lr: 4e-3,
  checkpointEvery: 20,
  metricsEvery: 10,
};
const SAE_WIDTH = 128; // expansion 2 of the fixture Whisper's d 64

function elapsed(t0: number): string {
  return `${((performance.now() - t0) / 1000).toFixed(1)} s`;
}

/** How long a finished job ran (its kill points are drawn inside that span). */
function durationOf(job: JobSnapshot): number {
  return Date.parse(job.finishedAt!) - Date.parse(job.startedAt!);
}

function shardBytes(dir: string): Map<string, Buffer> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.safetensors')).sort();
  return new Map(files.map((f) => [f, readFileSync(join(dir, f))]));
}

/** Per test: npm test's default (180 s) at the default 3 kill points, more for a long run. */
const TEST_TIMEOUT = 60_000 * ITERATIONS;

describe(`crash suite (seed ${SEED}, ${ITERATIONS} kill points per job kind)`, { timeout: 7 * TEST_TIMEOUT }, () => {
  const dir = makeTempDir('audiosae-crash-');
  const importFolder = join(dir.path, 'many');
  const clipsFolder = join(dir.path, 'clips');
  let hub: TestHub;
  let engine: CrashEngine;
  const suiteStart = performance.now();
  const TESTS = 6;
  let passed = 0;
  let datasetId: number;
  let modelId: number;
  let reference: { runId: number; runDir: string; frames: number; shards: Map<string, Buffer> };
  let labelledSae: number;

  before(async () => {
    console.log(`crash suite seed ${SEED} (replay with AUDIOSAE_CRASH_SEED=${SEED}); ${ITERATIONS} kill points per job kind`);
    mkdirSync(importFolder);
    for (let i = 0; i < IMPORT_FILES; i++) writeFileSync(join(importFolder, `f${String(i).padStart(4, '0')}.wav`), encodeWav([tone(200 + (i % 50) * 10, 0.05, 16000)], 16000));
    for (const kind of ['tone', 'noise']) {
      mkdirSync(join(clipsFolder, kind), { recursive: true });
      for (let i = 0; i < CLIPS / 2; i++) {
        const samples = kind === 'tone' ? tone(300 + 170 * i, CLIP_SEC, 16000) : whiteNoise(CLIP_SEC, 16000, 10 + i);
        writeFileSync(join(clipsFolder, kind, `${kind}-${i}.wav`), encodeWav([samples], 16000));
      }
    }
    hub = await startTestHub();
    process.env.HF_ENDPOINT = hub.endpoint;
    process.env.HF_HUB_CACHE = hub.cacheDir;
    engine = await CrashEngine.start(join(dir.path, 'data'), SEED);
    const { client } = engine;

    // Uncrashed references: the dataset, the model, one extraction, one SAE to label.
    const t0 = performance.now();
    const imported = await waitFor(client, (await client.call('datasets.importFolder', { name: 'clips', folder: clipsFolder })).jobId);
    assert.equal(imported.status, 'succeeded', JSON.stringify(imported.error));
    datasetId = (imported.result as { datasetId: number }).datasetId;
    const downloaded = await waitFor(client, (await client.call('models.download', { repoId: hub.repoId })).jobId);
    assert.equal(downloaded.status, 'succeeded', JSON.stringify(downloaded.error));
    modelId = (downloaded.result as { modelId: number }).modelId;
    const extracted = await waitFor(client, (await client.call('activations.extract', { datasetId, modelId, layers: 'all' })).jobId);
    assert.equal(extracted.status, 'succeeded', JSON.stringify(extracted.error));
    const runId = (extracted.result as { runId: number }).runId;
    const run = (await client.call('activations.runs', {})).find((r) => r.id === runId)!;
    reference = { runId, runDir: run.dir, frames: run.frames, shards: shardBytes(run.dir) };
    const trained = await waitFor(client, (await client.call('saes.train', { ...TRAIN, runId, architectures: ['topk'], steps: 40, analyze: true })).jobId);
    assert.equal(trained.status, 'succeeded', JSON.stringify(trained.error));
    labelledSae = (trained.result as { saeIds: number[] }).saeIds[0]!;
    console.log(`crash suite: references ready in ${elapsed(t0)} (${run.frames} frames, ${run.shards} shards)`);
  });

  after(async () => {
    await engine?.stop();
    await hub?.close();
    dir.cleanup();
    const f = engine?.figures;
    if (f && passed < TESTS) console.log(`crash suite: FAILED (${passed} of ${TESTS} parts passed) after ${f.killPoints} kill points; seed ${SEED}`);
    else if (f) {
      console.log(
        `crash suite: ${f.killPoints} kill points survived (${f.killedMidJob} mid-job), ${f.jobsResumed} jobs resumed to completion, ` +
          `${f.labelsLost} labels lost of ${f.labelsAcknowledged} acknowledged, integrity ok (${f.integrityChecks} checks); seed ${SEED}, ${elapsed(suiteStart)}`,
      );
    }
  });

  const labels = () => ({ saeId: labelledSae, width: SAE_WIDTH });

  /**
   * After the kill: the checks, then every interrupted job resumed (the killed one and any queued
   * behind it), or, when the kill came before the job existed, the same request again. Returns the
   * finished job that stands for the killed one, and the other resumed jobs by original id.
   */
  async function survive(jobId: number, again?: () => Promise<number>): Promise<{ job: JobSnapshot; resumed: Map<number, JobSnapshot> }> {
    const killed = await engine.checkAfterRestart(jobId);
    if (killed?.status === 'interrupted') engine.figures.killedMidJob++;
    const resumed = await engine.resumeInterrupted();
    for (const job of resumed.values()) await engine.checkAfterRestart(job.id);
    const outcome = killed === null ? 'not created: requested again' : `${killed.status} after the restart`;
    console.log(`crash suite:   -> ${outcome}; resumed ${[...resumed].map(([from, job]) => `${from} as ${job.id} (${job.kind})`).join(', ') || 'nothing'}`);
    if (killed === null) {
      assert.ok(again, 'the kill came before the job was created');
      const job = await waitFor(engine.client, await again());
      assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
      return { job, resumed };
    }
    return { job: resumed.get(jobId) ?? killed, resumed };
  }

  test('dataset import', { timeout: TEST_TIMEOUT }, async () => {
    const t0 = performance.now();
    for (let i = 0; i < ITERATIONS; i++) {
      const name = `import-${i}`;
      const start = async () => (await engine.client.call('datasets.importFolder', { name, folder: importFolder })).jobId;
      const { job } = await survive(await engine.killDuring('datasets.import', start, labels()), start);
      const result = job.result as { imported: number; skipped: number; failedCount: number };
      assert.equal(result.imported + result.skipped, IMPORT_FILES, 'the resumed import skipped exactly the clips committed before the kill');
      assert.equal(result.failedCount, 0);
      const datasets = (await engine.client.call('datasets.list', {})).filter((d) => d.name === name);
      assert.equal(datasets.length, 1, 'the resumed import continued the same dataset');
      assert.equal(datasets[0]!.clipCount, IMPORT_FILES, 'every file imported once, as an uncrashed import does');
      assert.equal(datasets[0]!.failedFiles, 0);
    }
    console.log(`crash suite: import ${ITERATIONS} kills in ${elapsed(t0)}`);
    passed++;
  });

  test('activation extraction', { timeout: TEST_TIMEOUT }, async () => {
    const t0 = performance.now();
    for (let i = 0; i < ITERATIONS; i++) {
      const start = async () => (await engine.client.call('activations.extract', { datasetId, modelId, layers: 'all' })).jobId;
      const { job: done } = await survive(await engine.killDuring('activations.extract', start, labels()), start);
      const runId = (done.result as { runId: number }).runId;
      const run = (await engine.client.call('activations.runs', {})).find((r) => r.id === runId)!;
      assert.equal(run.status, 'complete');
      assert.equal(run.frames, reference.frames, 'the same frame count as the uncrashed extraction');
      assert.deepEqual(readdirSync(run.dir).sort(), readdirSync(reference.runDir).sort(), 'no leftover of the killed write in the run folder');
      const shards = shardBytes(run.dir);
      assert.deepEqual([...shards.keys()], [...reference.shards.keys()], 'the same shard files');
      for (const [file, bytes] of reference.shards) assert.ok(shards.get(file)!.equals(bytes), `${file} byte-identical to the uncrashed run's`);
    }
    assert.equal((await engine.client.call('activations.runs', {})).filter((r) => r.status !== 'complete').length, 0, 'no run left incomplete');
    console.log(`crash suite: extraction ${ITERATIONS} kills in ${elapsed(t0)}`);
    passed++;
  });

  test('SAE training', { timeout: TEST_TIMEOUT }, async () => {
    const t0 = performance.now();
    const params = { ...TRAIN, runId: reference.runId };
    const weightsOf = async (job: JobSnapshot) => {
      const { saeIds } = job.result as { saeIds: number[] };
      const all = await engine.client.call('saes.list', {});
      return new Map(saeIds.map((id) => all.find((s) => s.id === id)!).map((s: SaeSummary) => {
        assert.equal(s.status, 'complete');
        assert.equal(s.step, TRAIN.steps, 'training reached its final step');
        return [`${s.layer}/${s.architecture}/${s.seed}`, { files: readdirSync(s.checkpointPath!).sort(), weights: readFileSync(join(s.checkpointPath!, OWN_WEIGHTS_FILE)) }];
      }));
    };
    const uncrashed = await waitFor(engine.client, (await engine.client.call('saes.train', params)).jobId);
    assert.equal(uncrashed.status, 'succeeded', JSON.stringify(uncrashed.error));
    const expected = await weightsOf(uncrashed);
    for (let i = 0; i < ITERATIONS; i++) {
      const start = async () => (await engine.client.call('saes.train', params)).jobId;
      const { job: done } = await survive(await engine.killDuring('saes.train', start, labels()), start);
      const actual = await weightsOf(done);
      assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
      for (const [key, { files, weights }] of expected) {
        assert.deepEqual(actual.get(key)!.files, files, `${key}: the same files as the uncrashed SAE's folder`);
        assert.ok(actual.get(key)!.weights.equals(weights), `${key}: final weights byte-identical to the uncrashed run's`);
      }
    }
    console.log(`crash suite: training ${ITERATIONS} kills in ${elapsed(t0)}`);
    passed++;
  });

  test('labelling bursts', { timeout: TEST_TIMEOUT }, async () => {
    const t0 = performance.now();
    for (let i = 0; i < ITERATIONS; i++) {
      let stop!: () => void;
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      const burst = engine.labelBurst(labelledSae, SAE_WIDTH, stopped);
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.floor(engine.random.uniform() * 600)));
      stop();
      await engine.killAndRestart();
      await burst;
      const jobs = await engine.client.call('jobs.list', { limit: 1 });
      await engine.checkAfterRestart(jobs[0]!.id);
    }
    console.log(`crash suite: labelling ${ITERATIONS} kills in ${elapsed(t0)}`);
    passed++;
  });

  test('evaluation jobs: feature analysis and feature discovery', { timeout: TEST_TIMEOUT }, async () => {
    const t0 = performance.now();
    const { client } = engine;
    const analyze: RpcParams<'saes.analyze'> = { saeId: labelledSae, runId: reference.runId, topN: 50, quantileSamples: 10 };
    const statsOf = async () => {
      const analysis = (await engine.client.call('saes.analysis', { saeId: labelledSae }))!;
      const page = await engine.client.call('features.list', { saeId: labelledSae, limit: 10_000 });
      return { frames: analysis.frames, topN: analysis.topN, histogram: analysis.histogram, rows: page.rows.map((r) => [r.feature, r.density, r.meanActivation, r.maxActivation, r.suggestedLabel]) };
    };
    // Each uncrashed job runs twice: the second run's duration (warm) spans the kill points, and
    // both runs must agree (the comparison after a resume relies on the job being deterministic).
    const uncrashedAnalysis = async () => {
      const job = await waitFor(client, (await client.call('saes.analyze', analyze)).jobId);
      assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
      return { job, stats: await statsOf() };
    };
    const expectedStats = (await uncrashedAnalysis()).stats;
    const uncrashed = await uncrashedAnalysis();
    assert.deepEqual(uncrashed.stats, expectedStats, 'two uncrashed analyses agree');
    const discover: RpcParams<'steering.discover'> = { saeId: labelledSae, runId: reference.runId, positive: { key: 'folder', value: 'noise' }, iterations: 10_000 };
    const rankingOf = async (job: JobSnapshot) => {
      const ranking = await engine.client.call('steering.ranking', { discoveryId: (job.result as { discoveryId: number }).discoveryId, limit: 10_000 });
      return { positive: ranking.discovery.positive, negative: ranking.discovery.negative, accuracy: ranking.discovery.heldOutAccuracy, rows: ranking.rows.map(({ label: _label, ...row }) => row) };
    };
    const uncrashedDiscovery = async () => {
      const job = await waitFor(client, (await client.call('steering.discover', discover)).jobId);
      assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
      return { job, ranking: await rankingOf(job) };
    };
    const expectedRanking = (await uncrashedDiscovery()).ranking;
    const discovered = await uncrashedDiscovery();
    assert.deepEqual(discovered.ranking, expectedRanking, 'two uncrashed discoveries agree');

    const discoveriesBefore = async () => (await engine.client.call('jobs.list', { limit: 500 })).filter((j) => j.kind === 'steering.discover').map((j) => j.id);
    for (let i = 0; i < ITERATIONS; i++) {
      // The analysis is killed with a discovery queued behind it: both end up resumed.
      const known = new Set(await discoveriesBefore());
      const startAnalysis = async () => {
        const { jobId } = await engine.client.call('saes.analyze', analyze);
        await engine.client.call('steering.discover', discover);
        return jobId;
      };
      const analysed = await survive(await engine.killDuring('saes.analyze', startAnalysis, labels(), { durationMs: durationOf(uncrashed.job) }), startAnalysis);
      assert.deepEqual(await statsOf(), expectedStats, 'the analysis equals the uncrashed one');
      for (const [from, job] of analysed.resumed) if (job.kind === 'steering.discover') assert.deepEqual(await rankingOf(job), expectedRanking, `the discovery queued at the kill (job ${from}), resumed`);
      for (const id of await discoveriesBefore()) {
        if (known.has(id)) continue;
        const job = await waitFor(engine.client, id);
        assert.ok(job.status === 'succeeded' || job.status === 'interrupted', `discovery ${id} is ${job.status}`);
        if (job.status === 'succeeded') assert.deepEqual(await rankingOf(job), expectedRanking, `discovery ${id}`);
      }

      const startDiscovery = async () => (await engine.client.call('steering.discover', discover)).jobId;
      const ranked = await engine.killDuring('steering.discover', startDiscovery, labels(), { durationMs: durationOf(discovered.job) });
      assert.deepEqual(await rankingOf((await survive(ranked, startDiscovery)).job), expectedRanking, 'the discovery ranking equals the uncrashed one');
    }
    console.log(`crash suite: analysis + discovery ${2 * ITERATIONS} kills in ${elapsed(t0)}`);
    passed++;
  });
  test("a paper evaluation (frame-level probing): the resumed job takes over its row and stores the uncrashed result", { timeout: TEST_TIMEOUT }, async () => {
    const t0 = performance.now();
    const request: RpcParams<'evals.start'> = {
      kind: 'probing',
      params: { runId: reference.runId, saeIds: [labelledSae], labelKey: 'folder', level: 'frame', folds: 3, kSweep: [1, 4, 16, 64], maxFramesPerClass: 3000 },
    };
    const resultOf = async (job: JobSnapshot) => (await engine.client.call('evals.get', { id: (job.result as { evaluationId: number }).evaluationId })).result;
    const uncrashed = async () => {
      const job = await waitFor(engine.client, (await engine.client.call('evals.start', request)).jobId);
      assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
      return { job, result: await resultOf(job) };
    };
    const expected = (await uncrashed()).result;
    const warm = await uncrashed();
    assert.deepEqual(warm.result, expected, 'two uncrashed evaluations agree');
    const start = async () => (await engine.client.call('evals.start', request)).jobId;
    for (let i = 0; i < ITERATIONS; i++) {
      const killed = await engine.killDuring('evals.run', start, labels(), { durationMs: durationOf(warm.job) });
      const { job } = await survive(killed, start);
      assert.deepEqual(await resultOf(job), expected, 'the resumed evaluation equals the uncrashed one');
      const stored = await engine.client.call('evals.list', { kind: 'probing', limit: 1000 });
      assert.deepEqual(stored.filter((e) => e.status !== 'complete').map((e) => e.id), [], 'no evaluation row is left running: the resumed job took it over');
    }
    console.log(`crash suite: paper evaluation ${ITERATIONS} kills in ${elapsed(t0)}`);
    passed++;
  });
});
