/**
 * dictionary_learning import: an ae.pt written by the independent stdlib-Python torch.save writer
 * (in dictionary_learning's own tensor layout), imported, run through our inference graph, and
 * compared with a plain-TS transcription of dictionary_learning's encode/decode.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { SeededRandom } from '../../../../native-models/common/seeded-random.js';
import { saeArchitecture } from '../../../../native-models/sae/architecture-registry.js';
import { importDictionaryLearning } from '../../../../native-models/sae/dictionary-learning-format.js';
import { createSaeEncoder, inferenceSelectionFor } from '../../../../native-models/sae/inference-graph.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { pythonMissing } from '../../../helpers/torch-checkpoint-writer.js';
import { dictionaryLearningForward, DL_D_IN as dIn, DL_D_SAE as dSae, DL_K as k, randomDl, writeDictionaryLearningFolder } from '../../../helpers/dictionary-learning-fixture.js';

const skip = pythonMissing();
function probe(seed: number, rows: number): Float32Array {
  const r = new SeededRandom(seed);
  return Float32Array.from({ length: rows * dIn }, () => Math.fround(r.normal()));
}

describe('dictionary_learning checkpoints', { skip }, () => {
  const dir = makeTempDir('dl-format-');
  after(() => dir.cleanup());

  for (const dictClass of ['BatchTopKSAE', 'AutoEncoderTopK'] as const) {
    test(`${dictClass}: reconstructions equal dictionary_learning's formula`, async () => {
      const w = randomDl(dictClass.length, 0.35);
      const folder = join(dir.path, dictClass);
      writeDictionaryLearningFolder(folder, w, dictClass);
      const imported = await importDictionaryLearning(folder);
      assert.equal(imported.config.architecture, dictClass === 'BatchTopKSAE' ? 'batchtopk' : 'topk', 'dict_class maps to our architecture');
      assert.deepEqual([imported.config.dIn, imported.config.dSae, imported.config.k, imported.config.seed], [dIn, dSae, k, 7], 'dims, k and seed');
      assert.equal(imported.layer, 3, 'the layer from config.json');
      assert.equal(imported.config.modelName, 'openai/whisper-small');
      assert.ok(imported.weights.threshold.every((t) => t === Math.fround(0.35)), 'the scalar threshold fills every latent');
      const x = probe(11, 64);
      const encoder = await createSaeEncoder(imported.weights, inferenceSelectionFor(saeArchitecture(imported.config.architecture).inferenceSelection, imported.config.k));
      try {
        const { reconstruction } = await encoder.run(x);
        const expected = dictionaryLearningForward(w, x, dictClass);
        let worst = 0;
        for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(reconstruction[i]! - expected[i]!));
        assert.ok(worst < 1e-4, `max |ours - dictionary_learning| = ${worst}`);
      } finally {
        await encoder.dispose();
      }
    });
  }

  test('a bare ae.pt path works, and float16 weights are widened', async () => {
    const w = randomDl(5, 0.2);
    const folder = join(dir.path, 'half');
    writeDictionaryLearningFolder(folder, w, 'BatchTopKSAE', { half: true });
    const imported = await importDictionaryLearning(join(folder, 'ae.pt'));
    assert.equal(imported.weights.dSae, dSae);
    const err = imported.weights.W_enc.reduce((m, v, idx) => Math.max(m, Math.abs(v - w.encoderWeight[(idx % dSae) * dIn + Math.floor(idx / dSae)]!)), 0);
    assert.ok(err < 2e-3, `fp16 rounding only (${err})`);
  });

  test('refuses other dictionary classes and mismatched config files', async () => {
    const w = randomDl(9, 0.1);
    const folder = join(dir.path, 'gated');
    writeDictionaryLearningFolder(folder, w, 'GatedAutoEncoder');
    await assert.rejects(importDictionaryLearning(folder), /dict_class 'GatedAutoEncoder' cannot be imported; AudioSAE Lab reads BatchTopKSAE and AutoEncoderTopK/);
    writeFileSync(join(folder, 'config.json'), JSON.stringify({ trainer: { dict_class: 'BatchTopKSAE', activation_dim: 768, dict_size: dSae } }));
    await assert.rejects(importDictionaryLearning(folder), /says activation_dim 768, but ae\.pt is 8: the two files are from different SAEs/);
    await assert.rejects(importDictionaryLearning(join(dir.path, 'nowhere')), /ae\.pt is missing/);
  });
});
