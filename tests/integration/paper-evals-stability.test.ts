/**
 * Feature stability end to end on the fixture Whisper: two SAEs trained with different seeds on
 * the same run, a permuted noisy copy of one (imported, same layer and one layer up), compared
 * through evals.start -> job -> evals.get. The copy must match 100% with the permutation; the
 * trained pair is recomputed here from the checkpoints (float64 cosines). The activation alignment
 * of models mode is checked on the run against itself. Then bad requests and the CLI.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { PaperEvalJobResult, PaperEvaluationDetail } from '../../electron/common/paper-evals/index.js';
import type { StabilityParams } from '../../electron/common/paper-evals/stability.js';
import { RpcClient } from '../../electron/common/rpc-client.js';
import { Engine } from '../../electron/engine/engine.js';
import { ActivationsRepo } from '../../electron/engine/extraction/activations-repo.js';
import type { PaperEvalDeps } from '../../electron/engine/paper-evals/definition.js';
import { loadSae } from '../../electron/engine/paper-evals/sae-source.js';
import { activationCorrelations } from '../../electron/engine/paper-evals/stability/activation-correlation.js';
import { alignedCodes } from '../../electron/engine/paper-evals/stability/aligned-codes.js';
import { linearAssignment } from '../../electron/engine/paper-evals/stability/linear-assignment.js';
import { SaesRepo } from '../../electron/engine/training/saes-repo.js';
import { createInProcessChannelPair } from '../../electron/engine/transports/in-process-channel.js';
import { SeededRandom } from '../../native-models/common/seeded-random.js';
import { cosineMatrix, countMatchedAbove } from '../../native-models/sae/dictionary-matching.js';
import { loadSaeCheckpoint, saveSaeCheckpoint } from '../../native-models/sae/sae-checkpoint.js';
import { ANALYSED_LAYER, prepareLabelledDataset, prepareRun, type PreparedRun } from '../helpers/analysed-sae.js';
import { startTestHub, type TestHub } from '../helpers/fixture-hub.js';
import { waitForJob } from '../helpers/jobs.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { TINY_HUBERT_REPO } from '../../native-models/fixtures/generate-fixtures.js';

let hub: TestHub;
let dir: ReturnType<typeof makeTempDir>;
let engine: Engine;
let client: RpcClient;
let run: PreparedRun;
let seed0: number;
let seed1: number;
let copySameLayer: number;
let copyNextLayer: number;
/** Latent i of the copies is latent order[i] of seed0. */
let order: Int32Array;
const WIDTH = 128;

function connect(): void {
  const [clientEnd, engineEnd] = createInProcessChannelPair();
  engine.connect(engineEnd);
  client = new RpcClient(clientEnd);
}

function deps(): PaperEvalDeps {
  return { store: engine.store, db: engine.store.db, activations: new ActivationsRepo(engine.store.db), saes: new SaesRepo(engine.store.db) };
}

/** Registers a latent-permuted copy of `saeId` (decoder rows jittered) as an imported SAE of `layer`. */
async function registerPermutedCopy(saeId: number, layer: number, name: string, noise: number, random: SeededRandom): Promise<number> {
  const source = engine.store.db.prepare('SELECT checkpoint_path AS path FROM saes WHERE id = ?').get(saeId) as { path: string };
  const { config, weights } = await loadSaeCheckpoint(source.path);
  const { dIn, dSae } = weights;
  const copy = { ...weights, W_enc: new Float32Array(dIn * dSae), b_enc: new Float32Array(dSae), W_dec: new Float32Array(dSae * dIn), threshold: new Float32Array(dSae) };
  for (let i = 0; i < dSae; i++) {
    const from = order[i]!;
    copy.b_enc[i] = weights.b_enc[from]!;
    copy.threshold[i] = weights.threshold[from]!;
    for (let c = 0; c < dIn; c++) {
      copy.W_enc[c * dSae + i] = weights.W_enc[c * dSae + from]!;
      copy.W_dec[i * dIn + c] = weights.W_dec[from * dIn + c]! + noise * random.normal();
    }
  }
  const folder = join(dir.path, 'copies', name);
  saveSaeCheckpoint(folder, { ...config, hookName: `layer_${layer}` }, copy);
  const { lastInsertRowid } = engine.store.db
    .prepare(
      `INSERT INTO saes (run_id, model_id, layer, architecture, k, width, seed, status, config, train_key, checkpoint_path, created_at, source, source_format, source_path)
       VALUES (NULL, ?, ?, ?, ?, ?, 0, 'complete', ?, '', ?, ?, 'imported', 'audiosae', ?)`,
    )
    .run(run.modelId, layer, config.architecture, config.k, dSae, JSON.stringify({ ...config, hookName: `layer_${layer}` }), folder, new Date().toISOString(), folder);
  return Number(lastInsertRowid);
}

async function evaluate(params: Partial<StabilityParams> & { saeIds: number[] }): Promise<PaperEvaluationDetail<'stability'>> {
  const job = await waitForJob(client, (await client.call('evals.start', { kind: 'stability', params })).jobId);
  assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
  assert.equal(job.progress.unit, 'pairs');
  const { evaluationId } = job.result as PaperEvalJobResult;
  return (await client.call('evals.get', { id: evaluationId })) as PaperEvaluationDetail<'stability'>;
}

before(async () => {
  hub = await startTestHub();
  dir = makeTempDir('paper-evals-stability-');
  engine = Engine.open({ dataDir: join(dir.path, 'data'), hub: { endpoint: hub.endpoint, cacheDir: hub.cacheDir }, extraction: { shardFrames: 700, batchSize: 4 }, analysis: { batchRows: 256 } });
  connect();
  const dataset = await prepareLabelledDataset(client, dir.path);
  run = await prepareRun(client, hub.repoId, dataset.datasetId);
  const trained = await waitForJob(
    client,
    (await client.call('saes.train', { runId: run.runId, layers: [ANALYSED_LAYER], seeds: [0, 1], architectures: ['topk'], k: 4, expansion: 2, steps: 60, batchSize: 64, lr: 4e-3, metricsEvery: 20, checkpointEvery: 1000 })).jobId,
  );
  assert.equal(trained.status, 'succeeded', JSON.stringify(trained.error));
  [seed0, seed1] = (trained.result as { saeIds: number[] }).saeIds as [number, number];
  const random = new SeededRandom(21);
  order = Int32Array.from({ length: WIDTH }, (_, i) => i);
  for (let i = WIDTH - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  copySameLayer = await registerPermutedCopy(seed0, ANALYSED_LAYER, 'same-layer', 0.01, random);
  copyNextLayer = await registerPermutedCopy(seed0, ANALYSED_LAYER + 1, 'next-layer', 0.01, random);
});

after(async () => {
  client.dispose();
  await engine.close();
  await hub.close();
  dir.cleanup();
});

test('seeds mode: a permuted copy matches 100%; the seed pair equals a float64 recomputation from the checkpoints', async () => {
  const detail = await evaluate({ saeIds: [seed0, seed1, copySameLayer], mode: 'seeds', threshold: 0.7 });
  assert.equal(detail.status, 'complete');
  const result = detail.result!;
  assert.equal(result.pairs.length, 3, 'every pair of the three SAEs of layer 1');
  const pair = (a: number, b: number) => result.pairs.find((p) => p.saeA === a && p.saeB === b)!;
  const copyPair = pair(seed0, copySameLayer);
  assert.equal(copyPair.matched, WIDTH);
  assert.equal(copyPair.consistentShare, 1);
  assert.ok(copyPair.medianSimilarity > 0.99);

  const [a, b] = await Promise.all([loadSaeCheckpoint(deps().saes.get(seed0)!.checkpointPath!), loadSaeCheckpoint(deps().saes.get(seed1)!.checkpointPath!)]);
  const cosines = cosineMatrix(a.weights.W_dec, WIDTH, b.weights.W_dec, WIDTH, a.weights.dIn);
  const { rowToColumn } = linearAssignment(cosines, WIDTH, WIDTH, { maximize: true });
  const matched = Array.from(rowToColumn, (j, i) => cosines[i * WIDTH + j]!);
  const seedPair = pair(seed0, seed1);
  console.log(`seed 0 vs seed 1 after 60 steps: ${(100 * seedPair.consistentShare).toFixed(1)}% above 0.7, mean cosine ${seedPair.meanSimilarity.toFixed(3)}`);
  assert.ok(Math.abs(seedPair.meanSimilarity - matched.reduce((s, c) => s + c, 0) / WIDTH) < 1e-5, 'mean matched cosine');
  assert.equal(seedPair.consistentShare, matched.filter((c) => c > 0.7).length / WIDTH);
  assert.ok(seedPair.consistentShare <= countMatchedAbove(cosines, WIDTH, WIDTH, 0.7) / WIDTH, 'never above the largest matching of pairs above the threshold');
  assert.equal(seedPair.histogram.counts.reduce((s, c) => s + c, 0), WIDTH);

  assert.deepEqual(result.perLayer.map((l) => [l.layer, l.pairs]), [[ANALYSED_LAYER, 3]]);
  const shares = result.pairs.map((p) => p.consistentShare);
  assert.ok(Math.abs(result.perLayer[0]!.consistentShare - shares.reduce((s, v) => s + v, 0) / 3) < 1e-12);
  assert.deepEqual(detail.tables.map((t) => t.name), ['matched pairs of SAEs', 'consistent share per layer', 'histogram of matched similarities']);
  assert.equal(detail.tables[2]!.rows.length, 3 * 40);
  assert.match(detail.summary[0]!, /^layer 1: [\d.]+% of features consistent \(decoder cosine > 0\.7\) over 3 pairs$/);
  assert.match(result.reference.text, /50%/);
  const csv = (await client.call('evals.csv', { id: detail.id })).csv;
  assert.match(csv, /# matched pairs of SAEs/);
  assert.match(csv, /# histogram of matched similarities/);
});

test('layers mode: the copy one layer up matches 100%', async () => {
  const detail = await evaluate({ saeIds: [copyNextLayer, seed0], mode: 'layers' });
  const [p] = detail.result!.pairs;
  assert.deepEqual([p!.saeA, p!.saeB, p!.layerA, p!.layerB], [seed0, copyNextLayer, ANALYSED_LAYER, ANALYSED_LAYER + 1]);
  assert.equal(p!.consistentShare, 1);
  assert.match(detail.summary[0]!, /^layer 1 → 2: 100\.0% of features consistent/);
});

test('models-mode alignment: the run against itself pairs every frame with itself; correlations recover the permutation', async () => {
  const d = deps();
  const [a, copy] = await Promise.all([loadSae(d, seed0), loadSae(d, copySameLayer)]);
  const theRun = d.activations.get(run.runId)!;
  const aligned = await alignedCodes(d.activations, theRun, a, theRun, copy, 1_000_000);
  assert.equal(aligned.frames, theRun.frames);
  const half = await alignedCodes(d.activations, theRun, a, theRun, copy, Math.ceil(theRun.frames / 2));
  assert.equal(half.frames, Math.ceil(theRun.frames / 2), 'every second frame');
  const correlations = activationCorrelations(aligned.a, WIDTH, aligned.b, WIDTH);
  const { rowToColumn } = linearAssignment(correlations, WIDTH, WIDTH, { maximize: true });
  // Latent j of the copy has the encoder of latent order[j] of seed0: same codes, so correlation 1.
  let live = 0;
  for (let j = 0; j < WIDTH; j++) {
    const i = order[j]!;
    if (correlations[i * WIDTH + j]! < 0.999) continue;
    live++;
    assert.equal(rowToColumn[i], j, `feature ${i}`);
  }
  assert.ok(live > WIDTH / 4, `${live} features fire on the run`);
});

test('models mode: a Whisper SAE against a HuBERT SAE by activation correlation on the same clips', async () => {
  const downloaded = await waitForJob(client, (await client.call('models.download', { repoId: TINY_HUBERT_REPO })).jobId);
  assert.equal(downloaded.status, 'succeeded', JSON.stringify(downloaded.error));
  const hubertModel = (downloaded.result as { modelId: number }).modelId;
  const whisperRun = deps().activations.get(run.runId)!;
  const extracted = await waitForJob(client, (await client.call('activations.extract', { datasetId: whisperRun.datasetId, modelId: hubertModel, layers: [1], dtype: 'float16' })).jobId);
  assert.equal(extracted.status, 'succeeded', JSON.stringify(extracted.error));
  const hubertRun = (extracted.result as { runId: number }).runId;
  const trained = await waitForJob(
    client,
    (await client.call('saes.train', { runId: hubertRun, layers: [1], architectures: ['topk'], k: 4, expansion: 2, steps: 40, batchSize: 64, lr: 4e-3, metricsEvery: 20, checkpointEvery: 1000 })).jobId,
  );
  assert.equal(trained.status, 'succeeded', JSON.stringify(trained.error));
  const hubertSae = (trained.result as { saeIds: number[] }).saeIds[0]!;

  const detail = await evaluate({ saeIds: [hubertSae, seed0], mode: 'models', runIds: [hubertRun, run.runId], maxFrames: 500 });
  const [pair] = detail.result!.pairs;
  assert.equal(detail.result!.pairs.length, 1);
  assert.equal(pair!.method, 'activation_correlation');
  // Recomputed here from the same pieces: aligned codes, Pearson matrix, optimal assignment.
  const d = deps();
  const [a, b] = [await loadSae(d, pair!.saeA), await loadSae(d, pair!.saeB)];
  const runOf = (sae: number) => d.activations.get(d.saes.get(sae)!.modelId === hubertModel ? hubertRun : run.runId)!;
  const aligned = await alignedCodes(d.activations, runOf(pair!.saeA), a, runOf(pair!.saeB), b, 500);
  assert.ok(aligned.frames >= 400, `${aligned.frames} aligned frames`);
  const correlations = activationCorrelations(aligned.a, a.weights.dSae, aligned.b, b.weights.dSae);
  const width = Math.min(a.weights.dSae, b.weights.dSae);
  const { rowToColumn } = linearAssignment(correlations, a.weights.dSae, b.weights.dSae, { maximize: true });
  const matched = Array.from(rowToColumn).flatMap((j, i) => (j === -1 ? [] : [correlations[i * b.weights.dSae + j]!]));
  assert.equal(pair!.matched, width);
  assert.equal(pair!.consistentShare, matched.filter((c) => c > 0.7).length / width);
  assert.ok(Math.abs(pair!.meanSimilarity - matched.reduce((s, c) => s + c, 0) / width) < 1e-9);
  console.log(`Whisper vs HuBERT (random fixtures): ${(100 * pair!.consistentShare).toFixed(1)}% above 0.7 over ${aligned.frames} frames`);
  assert.match(detail.summary[0]!, /activation correlation > 0\.7/);

  const start = (params: Record<string, unknown>) => client.call('evals.start', { kind: 'stability', params: { saeIds: [hubertSae, seed0], mode: 'models', ...params } as never });
  await assert.rejects(start({}), /give one activation run per model/);
  await assert.rejects(start({ runIds: [run.runId] }), /SAE \d+ belongs to model \d+, but no given activation run is of that model/);
  await assert.rejects(start({ runIds: [hubertRun, run.runId, 999_999] }), /No activation run with id 999999/);
});

test('bad requests are refused before a job is queued, saying what to do', async () => {
  const start = (params: Record<string, unknown>) => client.call('evals.start', { kind: 'stability', params: { saeIds: [seed0, seed1], ...params } as never });
  await assert.rejects(start({ saeIds: [seed0] }), /Give at least two SAEs to compare/);
  await assert.rejects(start({ saeIds: [seed0, 999_999] }), /No SAE with id 999999/);
  await assert.rejects(start({ saeIds: [seed0, seed0] }), /listed twice/);
  const wide = await registerPermutedCopy(seed0, ANALYSED_LAYER, 'other-width', 0, new SeededRandom(1));
  engine.store.db.prepare('UPDATE saes SET width = 256 WHERE id = ?').run(wide);
  await assert.rejects(start({ saeIds: [seed0, seed1, wide] }), /SAE \d+ \(model \d+, layer 1, width 256\) has no other SAE of the same model, layer and width/);
  await assert.rejects(start({ mode: 'layers' }), /both read layer 1/);
  await assert.rejects(start({ mode: 'models' }), /all the SAEs belong to model/);
  await assert.rejects(start({ threshold: 1.5 }), /expected number to be <=1/);
});

test('audiosae evaluate stability', async () => {
  client.dispose();
  await engine.close();
  const TSX = import.meta.resolve('tsx');
  const CLI = join(import.meta.dirname, '..', '..', 'electron', 'engine', 'cli', 'cli.ts');
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', TSX, CLI, '--data-dir', join(dir.path, 'data'), 'evaluate', 'stability', ...args], { encoding: 'utf8', timeout: 120_000 });
  const done = cli('--sae', `${seed0},${copySameLayer}`, '--threshold', '0.9');
  assert.equal(done.status, 0, done.stderr);
  assert.match(done.stdout, /Evaluation \d+ \(stability\) in [\d.]+ s/);
  assert.match(done.stdout, /layer 1: 100\.0% of features consistent \(decoder cosine > 0\.9\) over 1 pair/);
  const bad = cli('--sae', String(seed0));
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /Give at least two SAEs/);
  const badMode = cli('--sae', `${seed0},${seed1}`, '--mode', 'epochs');
  assert.notEqual(badMode.status, 0);
  assert.match(badMode.stderr, /Expected one of seeds, layers, models/);
  engine = Engine.open({ dataDir: join(dir.path, 'data') });
  connect();
});
