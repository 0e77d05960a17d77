/**
 * saes.import / saes.export through the engine's RPC boundary: own -> SAELens -> own round trips
 * with identical reconstructions, dictionary_learning imports equal to dictionary_learning's own
 * formula, labels carried over by fingerprint, and every refusal with its message.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { EngineEvent, ModelRow, SaeSummary } from '../../electron/common/contract.js';
import { RpcClient } from '../../electron/common/rpc-client.js';
import { Engine } from '../../electron/engine/engine.js';
import { createInProcessChannelPair } from '../../electron/engine/transports/in-process-channel.js';
import { SeededRandom } from '../../native-models/common/seeded-random.js';
import { saeArchitecture } from '../../native-models/sae/architecture-registry.js';
import { createSaeEncoder, inferenceSelectionFor } from '../../native-models/sae/inference-graph.js';
import { loadSaeCheckpoint, saveSaeCheckpoint } from '../../native-models/sae/sae-checkpoint.js';
import { parseSaeConfig } from '../../native-models/sae/sae-config.js';
import { initialSaeWeights } from '../../native-models/sae/sae-weights.js';
import { dictionaryLearningForward, DL_D_IN, randomDl, writeDictionaryLearningFolder } from '../helpers/dictionary-learning-fixture.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { pythonMissing } from '../helpers/torch-checkpoint-writer.js';

const D = DL_D_IN;
const WIDTH = 32;

function probe(rows: number): Float32Array {
  const r = new SeededRandom(3);
  return Float32Array.from({ length: rows * D }, () => Math.fround(r.normal()));
}

async function reconstructionOf(sae: SaeSummary, x: Float32Array): Promise<Float32Array> {
  const { config, weights } = await loadSaeCheckpoint(sae.checkpointPath!);
  const encoder = await createSaeEncoder(weights, inferenceSelectionFor(saeArchitecture(config.architecture).inferenceSelection, config.k));
  try {
    return (await encoder.run(x)).reconstruction;
  } finally {
    await encoder.dispose();
  }
}

/** An own-format SAE folder with random (non-trivial) weights. */
function writeOwnSae(folder: string, architecture: 'topk' | 'batchtopk', seed: number): void {
  const weights = initialSaeWeights(D, WIDTH, seed);
  const r = new SeededRandom(seed + 100);
  for (const t of [weights.b_enc, weights.b_dec]) for (let i = 0; i < t.length; i++) t[i] = Math.fround(r.normal() * 0.1);
  if (architecture === 'batchtopk') weights.threshold.fill(0.15);
  saveSaeCheckpoint(folder, parseSaeConfig({ architecture, dIn: D, dSae: WIDTH, k: 4, seed }), weights);
}

describe('SAE import and export through the engine', () => {
  const dir = makeTempDir('sae-io-');
  let engine: Engine;
  let client: RpcClient;
  let model: ModelRow;
  const events: EngineEvent[] = [];

  before(() => {
    engine = Engine.open({ dataDir: join(dir.path, 'data') });
    const [clientEnd, engineEnd] = createInProcessChannelPair();
    engine.connect(engineEnd);
    client = new RpcClient(clientEnd);
    client.onEvent((e) => events.push(e));
    model = engine.store.models.upsert({ repoId: 'fixture/tiny-encoder', revision: 'main', commit: 'c0ffee', architecture: 'whisper', snapshotDir: dir.path, nMels: 80, dModel: D, layers: 4 });
  });
  after(async () => {
    client.dispose();
    await engine.close();
    dir.cleanup();
  });

  for (const architecture of ['topk', 'batchtopk'] as const) {
    test(`${architecture}: own -> import -> SAELens export -> import reconstructs identically, and labels follow the weights`, async () => {
      const own = join(dir.path, `own-${architecture}`);
      writeOwnSae(own, architecture, architecture.length);
      const first = await client.call('saes.import', { path: own, format: 'auto', modelId: model.id, layer: 2 });
      assert.deepEqual(
        [first.source, first.sourceFormat, first.runId, first.status, first.layer, first.architecture, first.k, first.width],
        ['imported', 'audiosae', null, 'complete', 2, architecture, 4, WIDTH],
        'registered as a complete imported SAE',
      );
      assert.equal(first.checkpointPath, join(dir.path, 'data', 'saes', String(first.id), 'final'), 'copied into the data folder');
      assert.ok(events.some((e) => e.type === 'saes.changed'), 'clients are told the SAE list changed');
      engine.store.db
        .prepare("INSERT INTO feature_labels (sae_id, feature, label, notes, tags, author, updated_at) VALUES (?, 5, 'fricatives', 'high band', '[]', 'tester', '2026-01-01')")
        .run(first.id);

      const lens = join(dir.path, `lens-${architecture}`);
      const exported = await client.call('saes.export', { saeId: first.id, folder: lens, format: 'saelens' });
      assert.deepEqual(exported, { folder: lens, files: ['cfg.json', 'sae_weights.safetensors'] });
      const second = await client.call('saes.import', { path: lens, format: 'auto', modelId: model.id, layer: 2 });
      assert.equal(second.sourceFormat, 'saelens', 'SAELens detected from cfg.json + sae_weights.safetensors');
      const x = probe(48);
      assert.deepEqual(await reconstructionOf(second, x), await reconstructionOf(first, x), 'identical reconstructions after the round trip');
      const labels = engine.store.db.prepare('SELECT feature, label, notes FROM feature_labels WHERE sae_id = ?').all(second.id);
      assert.deepEqual(labels, [{ feature: 5, label: 'fricatives', notes: 'high band' }], 'labels of the same weights are carried over');

      const back = join(dir.path, `back-${architecture}`);
      assert.deepEqual((await client.call('saes.export', { saeId: second.id, folder: back, format: 'audiosae' })).files, ['cfg.json', 'sae.safetensors']);
      const third = await client.call('saes.import', { path: back, format: 'audiosae', modelId: model.id, layer: 2 });
      assert.deepEqual(await reconstructionOf(third, x), await reconstructionOf(first, x), 'own format again: still identical');
    });
  }

  test('dictionary_learning (AudioSAE release layout): reconstructions equal its own encode/decode', { skip: pythonMissing() }, async () => {
    const release = join(dir.path, 'Audio-SAE-tiny');
    const w = randomDl(21, 0.3);
    writeDictionaryLearningFolder(join(release, 'layer_3'), w, 'BatchTopKSAE', { layer: 3 });
    writeDictionaryLearningFolder(join(release, 'layer_4'), w, 'BatchTopKSAE', { layer: 4 });
    await assert.rejects(
      client.call('saes.import', { path: release, format: 'auto', modelId: model.id, layer: 3 }),
      /holds one SAE per layer \(2 folders like layer_3\); import one of them, e\.g\. .*layer_3/,
      'the release root points to the layer folder',
    );
    const sae = await client.call('saes.import', { path: join(release, 'layer_3', 'ae.pt'), format: 'auto', modelId: model.id, layer: 3 });
    assert.deepEqual([sae.sourceFormat, sae.architecture, sae.k, sae.width], ['dictionary_learning', 'batchtopk', 4, 32]);
    const x = probe(40);
    const ours = await reconstructionOf(sae, x);
    const theirs = dictionaryLearningForward(w, x, 'BatchTopKSAE');
    const worst = ours.reduce((m, v, i) => Math.max(m, Math.abs(v - theirs[i]!)), 0);
    assert.ok(worst < 1e-4, `max |ours - dictionary_learning| = ${worst}`);
  });

  test('refuses an SAE of the wrong width, a missing layer or model, and unknown folders', async () => {
    const countBefore = (await client.call('saes.list', {})).length;
    const wide = join(dir.path, 'wide');
    saveSaeCheckpoint(wide, parseSaeConfig({ dIn: 12, dSae: 24, k: 2 }), initialSaeWeights(12, 24, 1));
    await assert.rejects(
      client.call('saes.import', { path: wide, format: 'auto', modelId: model.id, layer: 1 }),
      /reads 12-wide activations \(d_in\), but layer 1 of fixture\/tiny-encoder is 8 wide \(d_model\)/,
      'the message names both widths',
    );
    const own = join(dir.path, 'own-topk');
    await assert.rejects(client.call('saes.import', { path: own, format: 'auto', modelId: model.id, layer: 9 }), /fixture\/tiny-encoder has 4 layers \(0-4\); layer 9 does not exist/);
    await assert.rejects(client.call('saes.import', { path: own, format: 'auto', modelId: 999, layer: 1 }), /No model with id 999/);
    const junk = join(dir.path, 'junk');
    mkdirSync(junk);
    writeFileSync(join(junk, 'notes.txt'), 'x');
    await assert.rejects(client.call('saes.import', { path: junk, format: 'auto', modelId: model.id, layer: 1 }), /holds no SAE checkpoint this app reads/);
    await assert.rejects(client.call('saes.import', { path: own, format: 'saelens', modelId: model.id, layer: 1 }), /holds an SAE in AudioSAE Lab format \(not SAELens\); import it with format auto or audiosae/);
    assert.equal((await client.call('saes.list', {})).length, countBefore, 'no SAE row was added by a refused import');
    assert.ok(!readdirSync(join(dir.path, 'data', 'saes')).some((n) => !existsSync(join(dir.path, 'data', 'saes', n, 'final', 'cfg.json'))), 'no half-imported SAE folder is left');
  });

  test('export refuses a non-empty foreign folder and an incomplete SAE', async () => {
    const [sae] = await client.call('saes.list', {});
    const junk = join(dir.path, 'junk');
    await assert.rejects(client.call('saes.export', { saeId: sae!.id, folder: junk, format: 'saelens' }), /is not empty and holds no SAE \(no cfg\.json\); export into a new or empty folder/);
    engine.store.db.prepare("UPDATE saes SET status = 'incomplete' WHERE id = ?").run(sae!.id);
    try {
      await assert.rejects(client.call('saes.export', { saeId: sae!.id, folder: join(dir.path, 'fresh'), format: 'saelens' }), new RegExp(`SAE ${sae!.id} is incomplete: only a complete SAE can be exported`));
    } finally {
      engine.store.db.prepare("UPDATE saes SET status = 'complete' WHERE id = ?").run(sae!.id);
    }
    await assert.rejects(client.call('saes.export', { saeId: 999, folder: join(dir.path, 'fresh'), format: 'saelens' }), /No SAE with id 999/);
    assert.ok(!existsSync(join(dir.path, 'fresh')), 'nothing written on refusal');
  });
});
