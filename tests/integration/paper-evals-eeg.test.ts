/**
 * The EEG evaluation through the engine on the fixture run: an EDF recording whose Pz channel is a
 * planted tone feature's activation course (computed here in float64 from the shard rows, onto
 * the EEG samples by zero-order hold) delayed by 200 ms plus noise, with the clips played back to
 * back. evals.start -> job -> evals.get must find the planted feature at 200 ms, significant, from
 * an onsets CSV and from EDF+ annotations; bad requests are refused before a job is queued.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { EegResult } from '../../electron/common/paper-evals/eeg.js';
import type { PaperEvalRequestInput } from '../../electron/common/paper-evals/index.js';
import { SeededRandom } from '../../native-models/common/seeded-random.js';
import { ANALYSED_LAYER, prepareLabelledDataset, prepareRun, type LabelledDataset, type PreparedRun } from '../helpers/analysed-sae.js';
import { writeEdf } from '../helpers/edf-writer.js';
import { startTestHub, type TestHub } from '../helpers/fixture-hub.js';
import { openInProcessEngine, type InProcessEngine } from '../helpers/in-process-engine.js';
import { waitForJob } from '../helpers/jobs.js';
import { dot, plantedDirection, readRunFrames, registerPlantedSae } from '../helpers/planted-feature.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const D = 64;
const EEG_RATE = 200;
const LAG_SEC = 0.2;
let hub: TestHub;
let dir: ReturnType<typeof makeTempDir>;
let session: InProcessEngine;
let dataset: LabelledDataset;
let run: PreparedRun;
let saeId: number;
let eegPath: string;
let onsetsPath: string;
let annotatedPath: string;

before(async () => {
  hub = await startTestHub();
  dir = makeTempDir('paper-evals-eeg-');
  session = openInProcessEngine({ dataDir: join(dir.path, 'data'), testHub: hub, extraction: { shardFrames: 700, batchSize: 4 }, analysis: { batchRows: 256 } });
  const { client, engine } = session;
  dataset = await prepareLabelledDataset(client, dir.path);
  run = await prepareRun(client, hub.repoId, dataset.datasetId);
  const frames = await readRunFrames(engine.store.db, run.runId, ANALYSED_LAYER, D);
  const planted = plantedDirection(frames, new Set(dataset.clips.tone), D);
  const rng = new SeededRandom(5);
  saeId = registerPlantedSae(engine.store.db, {
    modelId: run.modelId,
    layer: ANALYSED_LAYER,
    dIn: D,
    dSae: 8,
    folder: join(dir.path, 'planted'),
    encoder: (j) => {
      if (j === 0) return { w: planted.u, b: planted.bias };
      if (j > 3) return undefined;
      const w = Float32Array.from({ length: D }, () => rng.normal());
      const norm = Math.hypot(...w);
      return { w: w.map((v) => v / norm), b: 0.05 };
    },
  });

  // The planted latent's activation per frame, per clip, in frame order (one window per clip).
  const runRow = (await client.call('activations.runs', {})).find((r) => r.id === run.runId)!;
  const perClip = new Map<number, number[]>();
  frames.rows.forEach((x, i) => {
    const clip = frames.clipOf[i]!;
    perClip.set(clip, [...(perClip.get(clip) ?? []), Math.max(0, dot(x, planted.u) + planted.bias)]);
  });
  const clips = (await client.call('clips.list', { datasetId: dataset.datasetId, limit: 100 })).clips;
  const onsets: { path: string; onset: number; frames: number[] }[] = [];
  let t = 1;
  for (const c of clips) {
    onsets.push({ path: c.relativePath, onset: t, frames: perClip.get(c.id)! });
    t += c.durationSec + 0.25;
  }
  const n = Math.ceil((t + 1) * EEG_RATE);
  const course = new Float64Array(n);
  for (const o of onsets) {
    for (let s = Math.ceil(o.onset * EEG_RATE); s < n; s++) {
      const frame = Math.floor((s / EEG_RATE - o.onset) * runRow.frameRateHz);
      if (frame >= o.frames.length) break;
      course[s] = o.frames[frame]!;
    }
  }
  const scale = Math.max(...course);
  const noise = new SeededRandom(9);
  const lag = Math.round(LAG_SEC * EEG_RATE);
  const pz = Array.from({ length: n }, (_, s) => (s >= lag ? (50 * course[s - lag]!) / scale : 0) + 0.5 * noise.normal());
  const cz = Array.from({ length: n }, () => 10 * noise.normal());
  const signals = [{ label: 'EEG Cz', samples: cz, physicalMin: -100, physicalMax: 100 }, { label: 'EEG Pz', samples: pz, physicalMin: -100, physicalMax: 100 }];
  eegPath = join(dir.path, 'rec.edf');
  writeEdf(eegPath, { format: 'edf', rateHz: EEG_RATE, signals });
  onsetsPath = join(dir.path, 'onsets.csv');
  writeFileSync(onsetsPath, `clip,onset_sec\n${onsets.map((o) => `${o.path},${o.onset}`).join('\n')}\nnot-a-clip.wav,99\n`);
  annotatedPath = join(dir.path, 'annotated.bdf');
  writeEdf(annotatedPath, { format: 'bdf', rateHz: EEG_RATE, signals, annotations: onsets.map((o) => ({ onsetSec: o.onset, text: o.path })) });
});

after(async () => {
  await session.close();
  await hub.close();
  dir.cleanup();
});

async function evaluate(params: Extract<PaperEvalRequestInput, { kind: 'eeg' }>['params']): Promise<EegResult> {
  const { client } = session;
  const job = await waitForJob(client, (await client.call('evals.start', { kind: 'eeg', params })).jobId, 120_000);
  assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
  const detail = await client.call('evals.get', { id: (job.result as { evaluationId: number }).evaluationId });
  assert.equal(detail.status, 'complete');
  assert.ok(detail.tables.length === 3 && detail.summary.length >= 2);
  return detail.result as EegResult;
}

test('finds the planted feature at 200 ms, significant after the max-statistic correction (onsets CSV)', async () => {
  const result = await evaluate({ runId: run.runId, saeIds: [saeId], eegPath, onsetsPath, permutations: 400, features: 4 });
  assert.equal(result.stimuli, dataset.clips.tone.length * 3);
  assert.deepEqual(result.unmatchedOnsets, ['not-a-clip.wav']);
  assert.equal(result.eegRateHz, EEG_RATE);
  const top = result.features[0]!;
  assert.equal(top.feature, 0, 'the planted latent has the strongest correlation');
  assert.ok(Math.abs(top.bestLagMs - 200) <= 10, `best lag ${top.bestLagMs} ms`);
  assert.ok(top.significant && top.bestR > 0.5, `r ${top.bestR}, p ${top.p}`);
  const others = result.features.filter((f) => f.feature !== 0);
  assert.ok(others.every((f) => Math.abs(f.bestR) < top.bestR), 'the random latents correlate less');
  assert.equal(result.perLayer[0]!.layer, ANALYSED_LAYER);
  const csv = await session.client.call('evals.csv', { id: (await session.client.call('evals.list', { kind: 'eeg' }))[0]!.id });
  assert.match(csv.csv, /r_200ms/);
});

test('reads the onsets from BDF+ annotations when no CSV is given', async () => {
  const result = await evaluate({ runId: run.runId, saeIds: [saeId], eegPath: annotatedPath, permutations: 200, features: 4, correction: 'fdr' });
  assert.equal(result.features[0]!.feature, 0);
  assert.ok(Math.abs(result.features[0]!.bestLagMs - 200) <= 10);
  assert.ok(result.features[0]!.significant);
});

test('refuses a missing channel, onsets naming no clip, a missing file and an SAE of another layer, before queueing', async () => {
  const { client } = session;
  const base = { runId: run.runId, saeIds: [saeId], eegPath, onsetsPath };
  await assert.rejects(client.call('evals.start', { kind: 'eeg', params: { ...base, channel: 'Oz' } }), /no channel Oz; it has EEG Cz, EEG Pz/);
  const bad = join(dir.path, 'bad-onsets.csv');
  writeFileSync(bad, 'clip,onset_sec\nnowhere.wav,1\n');
  await assert.rejects(client.call('evals.start', { kind: 'eeg', params: { ...base, onsetsPath: bad } }), /No stimulus onset in bad-onsets.csv names a clip of activation run/);
  await assert.rejects(client.call('evals.start', { kind: 'eeg', params: { ...base, eegPath: join(dir.path, 'none.edf') } }), /No EEG file at/);
  const other = registerPlantedSae(session.engine.store.db, { modelId: run.modelId, layer: ANALYSED_LAYER + 1, dIn: D, dSae: 8, folder: join(dir.path, 'other') });
  await assert.rejects(client.call('evals.start', { kind: 'eeg', params: { ...base, saeIds: [other] } }), /layer 2/);
});
