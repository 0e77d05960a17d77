/**
 * Alignments and the phoneme evaluation through the engine on the fixture run: TextGrids written
 * for the tone / noise / chirp clips (after 0.1 s of silence, the whole clip is one "phone": AA,
 * IY or S) are imported with alignments.import; evals.start -> job -> evals.get must classify
 * the phones far above chance, fall to about chance when the phones are shuffled across clips,
 * and report vowel unlearning curves; requests without alignments are refused.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import type { PhonemesResult } from '../../electron/common/paper-evals/phonemes.js';
import { SeededRandom } from '../../native-models/common/seeded-random.js';
import { ANALYSED_LAYER, CLIP_CLASSES, prepareLabelledDataset, prepareRun, type LabelledDataset, type PreparedRun } from '../helpers/analysed-sae.js';
import { plantedDirection, readRunFrames, registerPlantedSae } from '../helpers/planted-feature.js';
import { startTestHub, type TestHub } from '../helpers/fixture-hub.js';
import { openInProcessEngine, type InProcessEngine } from '../helpers/in-process-engine.js';
import { waitForJob } from '../helpers/jobs.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { textGridLong } from '../helpers/textgrid-writer.js';

const PHONE_OF = { tone: 'AA', noise: 'IY', chirp: 'S' } as const;
let hub: TestHub;
let dir: ReturnType<typeof makeTempDir>;
let session: InProcessEngine;
let prepared: LabelledDataset & PreparedRun & { saeId: number };

async function writeTextGrids(folder: string, phoneOf: (clipId: number) => string, tier = 'phones'): Promise<void> {
  const clips = (await session.client.call('clips.list', { datasetId: prepared.datasetId, limit: 100 })).clips;
  for (const c of clips) {
    const file = join(folder, c.relativePath.replace(/\.wav$/, '.TextGrid'));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, textGridLong([{ name: tier, intervals: [{ startSec: 0, endSec: 0.1, label: '' }, { startSec: 0.1, endSec: c.durationSec, label: phoneOf(c.id) }] }], c.durationSec));
  }
}

const classOf = (clipId: number): keyof typeof PHONE_OF => (prepared.clips.tone.includes(clipId) ? 'tone' : prepared.clips.noise.includes(clipId) ? 'noise' : 'chirp');

before(async () => {
  hub = await startTestHub();
  dir = makeTempDir('paper-evals-phonemes-');
  session = openInProcessEngine({ dataDir: join(dir.path, 'data'), testHub: hub, extraction: { shardFrames: 700, batchSize: 4 }, analysis: { batchRows: 256 } });
  const dataset = await prepareLabelledDataset(session.client, dir.path);
  const run = await prepareRun(session.client, hub.repoId, dataset.datasetId);
  // One latent per class along its one-vs-rest LDA direction (frame level), plus random ones.
  const frames = await readRunFrames(session.engine.store.db, run.runId, ANALYSED_LAYER, 64);
  const directions = CLIP_CLASSES.map((c) => plantedDirection(frames, new Set(dataset.clips[c]), 64));
  const rng = new SeededRandom(8);
  const saeId = registerPlantedSae(session.engine.store.db, {
    modelId: run.modelId,
    layer: ANALYSED_LAYER,
    dIn: 64,
    dSae: 16,
    folder: join(dir.path, 'planted'),
    encoder: (j) => {
      if (j < directions.length) return { w: directions[j]!.u, b: directions[j]!.bias };
      const w = Float32Array.from({ length: 64 }, () => rng.normal());
      const norm = Math.hypot(...w);
      return { w: w.map((v) => v / norm), b: 0.02 };
    },
  });
  prepared = { ...dataset, ...run, saeId };
});

after(async () => {
  await session.close();
  await hub.close();
  dir.cleanup();
});

async function evaluate(tier: string): Promise<PhonemesResult> {
  const { client } = session;
  const job = await waitForJob(client, (await client.call('evals.start', { kind: 'phonemes', params: { runId: prepared.runId, saeIds: [prepared.saeId], tier, folds: 3, minFramesPerPhone: 10 } })).jobId, 120_000);
  assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
  const detail = await client.call('evals.get', { id: (job.result as { evaluationId: number }).evaluationId });
  assert.equal(detail.tables.length, 4);
  return detail.result as PhonemesResult;
}

test('refuses a run without alignments, then imports TextGrids and names what did not match', async () => {
  const { client } = session;
  await assert.rejects(client.call('evals.start', { kind: 'phonemes', params: { runId: prepared.runId, saeIds: [prepared.saeId] } }), /has forced alignments: import TextGrid or CTM files first/);
  const folder = join(dir.path, 'aligned');
  await writeTextGrids(folder, (id) => PHONE_OF[classOf(id)]);
  writeFileSync(join(folder, 'stray.TextGrid'), textGridLong([{ name: 'phones', intervals: [{ startSec: 0, endSec: 1, label: 'AA' }] }], 1));
  const imported = await client.call('alignments.import', { datasetId: prepared.datasetId, path: folder });
  assert.equal(imported.clips, 18);
  assert.deepEqual(imported.tiers, ['phones']);
  assert.deepEqual(imported.unmatched, ['stray.TextGrid']);
  assert.deepEqual(await client.call('alignments.summary', { datasetId: prepared.datasetId }), [{ tier: 'phones', clips: 18, intervals: 18, labels: 3 }]);
  await assert.rejects(client.call('evals.start', { kind: 'phonemes', params: { runId: prepared.runId, saeIds: [prepared.saeId], tier: 'words' } }), /has a "words" alignment tier; its clips have phones/);
});

test('classifies the planted phones far above chance; shuffled phones fall to about chance; vowel unlearning curves', async () => {
  const planted = await evaluate('phones');
  assert.deepEqual(planted.phones, ['AA', 'IY', 'S']);
  const layer = planted.layers[0]!;
  assert.ok(layer.chance < 0.4);
  assert.ok(layer.accuracy > layer.chance + 0.3, `accuracy ${layer.accuracy} vs chance ${layer.chance}`);
  assert.deepEqual(layer.vowelUnlearning.map((v) => v.vowel), ['AA', 'IY'], 'the ARPAbet vowels present');
  for (const v of layer.vowelUnlearning) {
    assert.equal(v.curve[0]!.removed, 0);
    assert.ok(v.curve[0]!.balancedAccuracy > 0.7, `${v.vowel} is recognised before removal (${v.curve[0]!.balancedAccuracy})`);
    assert.ok(v.curve.length > 3);
  }

  const random = new SeededRandom(3);
  const shuffledPhones = new Map<number, string>();
  await writeTextGrids(join(dir.path, 'shuffled'), (id) => {
    const phone = ['AA', 'IY', 'S'][Math.floor(random.uniform() * 3)]!;
    shuffledPhones.set(id, phone);
    return phone;
  }, 'shuffled');
  await session.client.call('alignments.import', { datasetId: prepared.datasetId, path: join(dir.path, 'shuffled') });
  const shuffled = await evaluate('shuffled');
  const s = shuffled.layers[0]!;
  assert.ok(s.accuracy < layer.accuracy - 0.2 && s.accuracy < s.chance + 0.25, `shuffled accuracy ${s.accuracy} (chance ${s.chance}) vs planted ${layer.accuracy}`);
});
