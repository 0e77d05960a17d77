/**
 * The steering evaluation end to end on the fixture Whisper with its decoder: a LibriSpeech-layout
 * "speech" set (generated tones standing in for speech, with reference transcripts) and a
 * non-speech folder (tone, noise, chirp), an SAE trained on the last block's output (layer 2 of
 * the 2-block fixture), an alpha sweep through the job; its table, per-clip transcripts and CSV.
 * The random-weight model's transcripts are gibberish: this checks the pipeline and the
 * bookkeeping; the metrics are checked on hand-made cases in tests/unit/engine/evaluation.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { EvaluationDetail } from '../../electron/common/contract.js';
import { RpcClient } from '../../electron/common/rpc-client.js';
import { decodeAudioRange } from '../../electron/engine/audio/decode.js';
import { Engine } from '../../electron/engine/engine.js';
import { SteeredWhisperEncoder } from '../../native-models/steering/steered-whisper-encoder.js';
import { normalizedWords } from '../../electron/engine/evaluation/text-normalizer.js';
import { parseCsv } from '../../electron/engine/features/csv.js';
import { createInProcessChannelPair } from '../../electron/engine/transports/in-process-channel.js';
import { WhisperDecoder } from '../../native-models/decoders/whisper-decoder.js';
import { WhisperEncoder } from '../../native-models/encoders/whisper-encoder.js';
import { WhisperLogMel } from '../../native-models/frontends/whisper-log-mel.js';
import { saeArchitecture } from '../../native-models/sae/architecture-registry.js';
import { inferenceSelectionFor } from '../../native-models/sae/inference-graph.js';
import { loadSaeCheckpoint } from '../../native-models/sae/sae-checkpoint.js';
import { steeringScale } from '../../native-models/steering/sae-splice.js';
import { startTestHub, type TestHub } from '../helpers/fixture-hub.js';
import { waitForJob } from '../helpers/jobs.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { encodeWav, tone, whiteNoise } from '../helpers/wav-folder.js';

const LAST_LAYER = 2;
const CLIPS = 3;
const MAX_NEW_TOKENS = 10;
const ALPHAS = [0, 1, 3];
const FEATURES = [0, 1, 2, 3, 4, 5, 6, 7];
const REFERENCES = ['Hello, world.', 'The cat sat on the mat!', "It's 1,000 [noise] miles"];

let hub: TestHub;
let dir: ReturnType<typeof makeTempDir>;
let engine: Engine;
let client: RpcClient;
let modelId: number;
let saeId: number;
let speechId: number;
let nonSpeechId: number;
let snapshotDir: string;

async function importFolder(name: string, folder: string): Promise<number> {
  const job = await waitForJob(client, (await client.call('datasets.importFolder', { name, folder })).jobId);
  assert.equal(job.status, 'succeeded', `import ${name}: ${JSON.stringify(job.error)}`);
  return (job.result as { datasetId: number }).datasetId;
}

before(async () => {
  hub = await startTestHub({ whisperDecoder: true });
  dir = makeTempDir('steering-eval-');
  engine = Engine.open({ dataDir: join(dir.path, 'data'), hub: { endpoint: hub.endpoint, cacheDir: hub.cacheDir }, extraction: { batchSize: 4 }, training: { intraOpThreads: 1 } });
  const [clientEnd, engineEnd] = createInProcessChannelPair();
  engine.connect(engineEnd);
  client = new RpcClient(clientEnd);

  const chapter = join(dir.path, 'speech', 'dev-clean', '19', '198');
  mkdirSync(chapter, { recursive: true });
  REFERENCES.forEach((_, i) => writeFileSync(join(chapter, `19-198-000${i}.wav`), encodeWav([tone(220 + 110 * i, 1 + 0.25 * i, 16000)], 16000)));
  writeFileSync(join(chapter, '19-198.trans.txt'), REFERENCES.map((r, i) => `19-198-000${i} ${r}`).join('\n') + '\n');
  const nonSpeech = join(dir.path, 'nonspeech');
  mkdirSync(nonSpeech, { recursive: true });
  writeFileSync(join(nonSpeech, 'a-noise.wav'), encodeWav([whiteNoise(1.5, 16000, 3)], 16000));
  writeFileSync(join(nonSpeech, 'b-tone.wav'), encodeWav([tone(880, 1, 16000)], 16000));
  writeFileSync(join(nonSpeech, 'c-noise.wav'), encodeWav([whiteNoise(1, 16000, 9, 0.1)], 16000));
  writeFileSync(join(nonSpeech, 'd-extra.wav'), encodeWav([tone(440, 1, 16000)], 16000));
  speechId = await importFolder('speech', join(dir.path, 'speech'));
  nonSpeechId = await importFolder('nonspeech', nonSpeech);

  const downloaded = await waitForJob(client, (await client.call('models.download', { repoId: hub.repoId })).jobId);
  assert.equal(downloaded.status, 'succeeded', `download: ${JSON.stringify(downloaded.error)}`);
  ({ modelId, snapshotDir } = downloaded.result as { modelId: number; snapshotDir: string });
  const extracted = await waitForJob(client, (await client.call('activations.extract', { datasetId: nonSpeechId, modelId, layers: [LAST_LAYER] })).jobId);
  assert.equal(extracted.status, 'succeeded', `extraction: ${JSON.stringify(extracted.error)}`);
  const runId = (extracted.result as { runId: number }).runId;
  const trained = await waitForJob(
    client,
    (await client.call('saes.train', { runId, layers: [LAST_LAYER], architectures: ['topk'], k: 4, expansion: 2, steps: 20, batchSize: 64, lr: 4e-3, metricsEvery: 10, checkpointEvery: 1000, analyze: false })).jobId,
  );
  assert.equal(trained.status, 'succeeded', `training: ${JSON.stringify(trained.error)}`);
  saeId = (trained.result as { saeIds: number[] }).saeIds[0]!;
});

after(async () => {
  client?.dispose();
  await engine?.close();
  await hub?.close();
  dir?.cleanup();
});

test('a Whisper download with a decoder in the repo also fetches the decoder, tokenizer and generation config', () => {
  for (const file of ['onnx/encoder_model.onnx', 'onnx/decoder_model_merged.onnx', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json']) {
    assert.ok(existsSync(join(snapshotDir, file)), `${file} in the snapshot`);
  }
});

test('the sweep encoder: s = 1 reproduces the original output, a non-trivial s changes it', async () => {
  const sae = engine.store.db.prepare('SELECT checkpoint_path AS path FROM saes WHERE id = ?').get(saeId) as { path: string };
  const { config, weights } = await loadSaeCheckpoint(sae.path);
  const selection = inferenceSelectionFor(saeArchitecture(config.architecture).inferenceSelection, config.k);
  const encoder = await SteeredWhisperEncoder.load(snapshotDir, { layer: LAST_LAYER, sae: weights, selection });
  const frontend = await WhisperLogMel.create({ nMels: encoder.config.nMels as 80 | 128 });
  try {
    const features = await frontend.compute(Float32Array.from(whiteNoise(1, 16000, 3)));
    const all = Array.from({ length: weights.dSae }, (_, i) => i);
    const out = await encoder.encodeSweep(features, [new Float32Array(weights.dSae).fill(1), steeringScale(weights.dSae, all, -3)]);
    const row = out.data.length / 3;
    let identity = 0;
    let steered = 0;
    for (let i = 0; i < row; i++) {
      identity = Math.max(identity, Math.abs(out.data[row + i]! - out.data[i]!));
      steered = Math.max(steered, Math.abs(out.data[2 * row + i]! - out.data[i]!));
    }
    assert.deepEqual(out.dims, [3, 1500, encoder.config.dModel], 'original + two steered rows');
    assert.ok(identity <= 1e-5, `s = 1 leaves the encoder output unchanged (max abs diff ${identity})`);
    assert.ok(steered > 1e-3, `s = -3 on every feature changes it (max abs diff ${steered})`);
  } finally {
    await frontend.dispose();
    await encoder.dispose();
  }
});

test('bad requests are refused before a job is queued', async () => {
  const base = { modelId, saeId, speechDatasetId: speechId, nonSpeechDatasetId: nonSpeechId };
  await assert.rejects(client.call('steering.evaluate', { ...base, features: [100_000] }), /features 0\.\.\d+/, 'a feature outside the SAE');
  await assert.rejects(client.call('steering.evaluate', { ...base, features: [1], speechDatasetId: nonSpeechId, nonSpeechDatasetId: speechId }), /no clips of at most 30 s with a transcript/, 'a speech set without transcripts');
  await assert.rejects(client.call('steering.evaluate', { ...base, features: [1], layer: 1 }), /reads layer 2/, 'a layer the SAE was not trained on');
  await assert.rejects(client.call('steering.evaluate', { ...base }), /features|presetId/, 'neither features nor a preset');
});

test('the alpha sweep stores one row per alpha plus the baseline, every clip\'s transcripts and a CSV', async () => {
  const { jobId } = await client.call('steering.evaluate', { modelId, saeId, features: FEATURES, alphas: ALPHAS, speechDatasetId: speechId, nonSpeechDatasetId: nonSpeechId, maxClipsPerSet: CLIPS, maxNewTokens: MAX_NEW_TOKENS });
  const job = await waitForJob(client, jobId, 120_000);
  assert.equal(job.status, 'succeeded', `evaluation job: ${JSON.stringify(job.error)}`);
  assert.deepEqual([job.progress.done, job.progress.total, job.progress.unit], [2 * CLIPS, 2 * CLIPS, 'clips'], 'progress counts clips');
  const { evaluationId } = job.result as { evaluationId: number };

  const detail: EvaluationDetail = await client.call('steering.evaluation', { id: evaluationId });
  const { evaluation, clips } = detail;
  assert.equal(evaluation.status, 'complete', 'complete');
  assert.deepEqual(evaluation.features, FEATURES, 'features stored');
  assert.equal(evaluation.layer, LAST_LAYER, 'the SAE layer');
  const table = evaluation.table!;
  console.log(`sweep of ${2 * CLIPS} clips x ${1 + ALPHAS.length} variants: ${(job.result as { seconds: number }).seconds.toFixed(1)} s; ` + table.map((r) => `${r.alpha ?? 'original'}: FPR ${r.nonSpeech.nonEmpty}/${r.nonSpeech.clips}, WER ${r.speech.wer?.toFixed(2)}`).join('; '));
  assert.deepEqual(table.map((r) => r.alpha), [null, ...ALPHAS], 'baseline row, then one per alpha');
  const referenceWords = REFERENCES.reduce((n, r) => n + normalizedWords(r).length, 0);
  for (const row of table) {
    assert.equal(row.nonSpeech.clips, CLIPS, `non-speech clips of ${row.alpha}`);
    assert.ok(row.nonSpeech.nonEmpty >= 0 && row.nonSpeech.nonEmpty <= CLIPS, 'non-empty count within the set');
    assert.equal(row.nonSpeech.fpr, row.nonSpeech.nonEmpty / CLIPS, 'FPR = non-empty / clips');
    assert.ok(row.nonSpeech.ci !== null && row.nonSpeech.ci.low <= row.nonSpeech.fpr! && row.nonSpeech.fpr! <= row.nonSpeech.ci.high, 'FPR inside its interval');
    assert.equal(row.speech.clips, CLIPS, 'speech clips');
    assert.equal(row.speech.referenceWords, referenceWords, 'reference words of the normalised references');
    const edits = row.speech.substitutions + row.speech.deletions + row.speech.insertions;
    assert.equal(row.speech.wer, edits / referenceWords, 'WER = edits / reference words');
    assert.ok(row.speech.substitutions + row.speech.deletions <= referenceWords, 'S + D never exceed the reference');
  }

  assert.equal(clips.length, 2 * CLIPS, 'one entry per clip');
  assert.deepEqual(clips.map((c) => c.set), [...Array(CLIPS).fill('nonspeech'), ...Array(CLIPS).fill('speech')], 'non-speech first');
  assert.deepEqual(clips.filter((c) => c.set === 'nonspeech').map((c) => c.relativePath), ['a-noise.wav', 'b-tone.wav', 'c-noise.wav'], 'the first clips by path');
  for (const clip of clips) assert.deepEqual(clip.transcripts.map((t) => t.alpha), [null, ...ALPHAS], `variants of ${clip.relativePath}`);
  assert.deepEqual(clips.filter((c) => c.set === 'speech').map((c) => c.reference), REFERENCES, 'references carried');
  for (const variant of [0, 1, 2, 3]) {
    const nonEmpty = clips.filter((c) => c.set === 'nonspeech' && c.transcripts[variant]!.normalized !== '').length;
    assert.equal(nonEmpty, table[variant]!.nonSpeech.nonEmpty, `table counts match the clips (variant ${variant})`);
  }

  // The original transcripts are a plain, unsteered encoder + decoder run of the same windows.
  const encoder = await WhisperEncoder.load(snapshotDir);
  const decoder = await WhisperDecoder.load(snapshotDir);
  const frontend = await WhisperLogMel.create({ nMels: 80 });
  try {
    for (const clip of clips) {
      const row = await client.call('clips.get', { clipId: clip.clipId });
      const { samples } = await decodeAudioRange(row.path, { targetRate: 16000, durationSec: 30 });
      const hidden = await encoder.encode(await frontend.compute(samples));
      const [plain] = (await decoder.decode(hidden, { maxNewTokens: MAX_NEW_TOKENS })).sequences;
      assert.equal(clip.transcripts[0]!.text, plain!.text, `original transcript of ${clip.relativePath} equals the plain decode`);
    }
  } finally {
    await frontend.dispose();
    await decoder.dispose();
    await encoder.dispose();
  }

  const { csv, filename } = await client.call('steering.evaluationCsv', { id: evaluationId });
  assert.equal(filename, `evaluation-${evaluationId}.csv`, 'file name');
  const records = parseCsv(csv);
  assert.equal(records[0]![0], 'variant', 'table header first');
  assert.deepEqual(records.slice(1, 5).map((r) => r[0]), ['original', 'alpha=0', 'alpha=1', 'alpha=3'], 'one record per variant');
  const clipRecords = records.slice(records.findIndex((r) => r[0] === 'clip_id') + 1);
  assert.equal(clipRecords.length, 2 * CLIPS * (1 + ALPHAS.length), 'one record per clip and variant');
  for (const clip of clips) {
    const original = clipRecords.find((r) => r[0] === String(clip.clipId) && r[3] === 'original');
    assert.equal(original?.[6], clip.transcripts[0]!.text.trim(), `CSV lists the original transcript of ${clip.relativePath}`);
  }

  const listed = await client.call('steering.evaluations', { saeId });
  assert.equal(listed[0]?.id, evaluationId, 'listed');
});

test('a cancelled sweep resumes where it stopped, into the same evaluation', async () => {
  const params = { modelId, saeId, features: FEATURES, alphas: [2], speechDatasetId: speechId, nonSpeechDatasetId: nonSpeechId, maxClipsPerSet: 2, maxNewTokens: 4 };
  const { jobId } = await client.call('steering.evaluate', params);
  await new Promise<void>((resolve) => {
    const listener = client.onEvent((e) => {
      if (e.type === 'job' && e.job.id === jobId && (e.job.progress.done >= 1 || e.job.status !== 'running' && e.job.status !== 'queued')) {
        listener.dispose();
        resolve();
      }
    });
  });
  await client.call('jobs.cancel', { jobId });
  const cancelled = await waitForJob(client, jobId);
  assert.equal(cancelled.status, 'cancelled', 'cancelled mid-sweep');
  const [open] = await client.call('steering.evaluations', { saeId });
  assert.equal(open!.status, 'running', 'left unfinished');
  assert.ok(open!.clipsDone >= 1 && open!.clipsDone < 4, `some clips stored (${open!.clipsDone})`);
  const resumed = await waitForJob(client, (await client.call('jobs.resume', { jobId })).jobId, 60_000);
  assert.equal(resumed.status, 'succeeded', `resumed: ${JSON.stringify(resumed.error)}`);
  assert.equal((resumed.result as { evaluationId: number }).evaluationId, open!.id, 'the same evaluation is completed');
  const detail = await client.call('steering.evaluation', { id: open!.id });
  assert.equal(detail.clips.length, 4, 'every clip once');
  assert.deepEqual(detail.evaluation.table!.map((r) => [r.nonSpeech.clips, r.speech.clips]), [[2, 2], [2, 2]], 'counts of the whole sweep');
});

test('a steering preset gives the features', async () => {
  const preset = await client.call('steering.savePreset', { name: 'eval-test', saeId, features: [5, 2, 9], scale: 0 });
  const job = await waitForJob(client, (await client.call('steering.evaluate', { modelId, saeId, presetId: preset.id, alphas: [1], speechDatasetId: speechId, nonSpeechDatasetId: nonSpeechId, maxClipsPerSet: 1, maxNewTokens: 2 })).jobId);
  assert.equal(job.status, 'succeeded', `evaluation job: ${JSON.stringify(job.error)}`);
  const { evaluation } = await client.call('steering.evaluation', { id: (job.result as { evaluationId: number }).evaluationId });
  assert.deepEqual([evaluation.features, evaluation.presetId], [[2, 5, 9], preset.id], "the preset's features, sorted");
  await assert.rejects(client.call('steering.evaluate', { modelId, saeId, presetId: 999, speechDatasetId: speechId, nonSpeechDatasetId: nonSpeechId }), /No steering preset with id 999/, 'an unknown preset');
});

test('audiosae steer eval prints the table; steer evaluation writes the CSV', async () => {
  await engine.close();
  const TSX = import.meta.resolve('tsx');
  const CLI = join(import.meta.dirname, '..', '..', 'electron', 'engine', 'cli', 'cli.ts');
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', TSX, CLI, '--data-dir', join(dir.path, 'data'), ...args], { encoding: 'utf8', timeout: 90_000 });
  const ran = cli('steer', 'eval', '--model', String(modelId), '--sae', String(saeId), '--features', '0,1,2', '--speech', String(speechId), '--nonspeech', String(nonSpeechId), '--alphas', '0,1', '--max-clips', '1', '--max-tokens', '3');
  assert.equal(ran.status, 0, ran.stderr);
  assert.match(ran.stdout, /^Evaluation (\d+): 2 clips in [\d.]+ s$/m, 'summary line');
  assert.match(ran.stdout, /^variant\s+non-speech FPR\s+95% CI/m, 'table header');
  assert.match(ran.stdout, /^original\s+\S+%/m, 'baseline row');
  assert.match(ran.stdout, /^alpha 0\s+/m, 'alpha 0 row');
  assert.match(ran.stdout, /^alpha 1\s+/m, 'alpha 1 row');
  const id = /^Evaluation (\d+):/m.exec(ran.stdout)![1]!;
  const csvPath = join(dir.path, 'eval.csv');
  const shown = cli('steer', 'evaluation', id, '--csv', csvPath);
  assert.equal(shown.status, 0, shown.stderr);
  assert.match(readFileSync(csvPath, 'utf8'), /^variant,alpha,nonspeech_clips/, 'CSV written');
  const bad = cli('steer', 'eval', '--model', String(modelId), '--sae', String(saeId), '--speech', String(speechId), '--nonspeech', String(nonSpeechId));
  assert.notEqual(bad.status, 0, 'no features');
  assert.match(bad.stderr, /--features <list> or --preset <id>/, 'says what to give');
});
