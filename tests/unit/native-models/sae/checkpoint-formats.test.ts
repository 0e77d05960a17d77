import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppError } from '../../../../electron/common/errors.js';
import { saeArchitecture } from '../../../../native-models/sae/architecture-registry.js';
import { createSaeEncoder, inferenceSelectionFor } from '../../../../native-models/sae/inference-graph.js';
import { loadSaeCheckpoint, saveSaeCheckpoint } from '../../../../native-models/sae/sae-checkpoint.js';
import type { SaeConfig } from '../../../../native-models/sae/sae-config.js';
import { createSaeTrainer } from '../../../../native-models/sae/sae-trainer.js';
import type { SaeWeights } from '../../../../native-models/sae/sae-weights.js';
import { exportSaeLens, importSaeLens } from '../../../../native-models/sae/saelens-format.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { plantedDictionary } from './planted-dictionary.js';

const dIn = 16;
const data = plantedDictionary(dIn, 32, 3, 5);
const probe = data.sample(64);

async function reconstruct(config: SaeConfig, weights: SaeWeights): Promise<Float32Array> {
  const encoder = await createSaeEncoder(weights, inferenceSelectionFor(saeArchitecture(config.architecture).inferenceSelection, config.k));
  try {
    return (await encoder.run(probe)).reconstruction;
  } finally {
    await encoder.dispose();
  }
}

async function trained(architecture: 'topk' | 'batchtopk'): Promise<{ config: SaeConfig; weights: SaeWeights }> {
  const trainer = await createSaeTrainer({ architecture, dIn, dSae: 64, k: 3, lr: 3e-3, totalSteps: 40, warmupSteps: 5, hookName: 'layer_3', modelName: 'fixture' });
  try {
    for (let s = 0; s < 40; s++) await trainer.step(data.sample(128));
    return { config: trainer.config, weights: trainer.weights() };
  } finally {
    await trainer.dispose();
  }
}

for (const architecture of ['topk', 'batchtopk'] as const) {
  describe(`${architecture} checkpoints`, () => {
    const dir = makeTempDir('audiosae-sae-');
    let sae: { config: SaeConfig; weights: SaeWeights };
    let expected: Float32Array;
    before(async () => {
      sae = await trained(architecture);
      expected = await reconstruct(sae.config, sae.weights);
    });
    after(() => dir.cleanup());

    it('round-trips through the own format with identical reconstructions', async () => {
      saveSaeCheckpoint(join(dir.path, 'own'), sae.config, sae.weights);
      const loaded = await loadSaeCheckpoint(join(dir.path, 'own'));
      assert.deepEqual(loaded.config, sae.config);
      assert.deepEqual(await reconstruct(loaded.config, loaded.weights), expected);
    });

    it('round-trips through SAELens with identical reconstructions', async () => {
      const folder = join(dir.path, 'saelens');
      exportSaeLens(folder, sae.config, sae.weights);
      const cfg = JSON.parse(readFileSync(join(folder, 'cfg.json'), 'utf8')) as Record<string, unknown>;
      assert.equal(cfg['architecture'], architecture === 'topk' ? 'topk' : 'jumprelu');
      assert.equal(cfg['d_in'], dIn);
      assert.equal(cfg['d_sae'], 64);
      const imported = await importSaeLens(folder, { expectedDIn: dIn });
      assert.equal(imported.config.architecture, architecture);
      assert.equal(imported.config.hookName, 'layer_3');
      assert.deepEqual(await reconstruct(imported.config, imported.weights), expected);
    });

    it('refuses a SAELens SAE whose d_in does not match the layer', async () => {
      await assert.rejects(importSaeLens(join(dir.path, 'saelens'), { expectedDIn: 768 }), (error: unknown) => {
        assert.ok(error instanceof AppError);
        assert.equal(error.code, 'bad_input');
        assert.match(error.message, /reads 16-wide activations.*layer is 768 wide/);
        return true;
      });
    });
  });
}

describe('SAELens import', () => {
  it('folds b_dec into b_enc when the SAE does not subtract it from its input', async () => {
    const dir = makeTempDir('audiosae-sae-');
    try {
      const sae = await trained('topk');
      const folder = join(dir.path, 'no-bdec');
      exportSaeLens(folder, sae.config, sae.weights);
      const cfgPath = join(folder, 'cfg.json');
      const cfg = JSON.parse(readFileSync(cfgPath, 'utf8')) as Record<string, unknown>;
      // Same SAE written the other way: pre = x W_enc + b_enc' with b_enc' = b_enc - b_dec W_enc.
      const shifted = { ...sae.weights, b_enc: sae.weights.b_enc.slice() };
      for (let j = 0; j < dIn; j++) for (let i = 0; i < 64; i++) shifted.b_enc[i]! -= sae.weights.b_dec[j]! * sae.weights.W_enc[j * 64 + i]!;
      exportSaeLens(folder, sae.config, shifted);
      writeFileSync(cfgPath, JSON.stringify({ ...cfg, apply_b_dec_to_input: false }));
      const imported = await importSaeLens(folder);
      const a = await reconstruct(sae.config, sae.weights);
      const b = await reconstruct(imported.config, imported.weights);
      for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-4, `value ${i}: ${a[i]} vs ${b[i]}`);
    } finally {
      dir.cleanup();
    }
  });

  it('refuses architectures it cannot represent', async () => {
    const dir = makeTempDir('audiosae-sae-');
    try {
      writeFileSync(join(dir.path, 'cfg.json'), JSON.stringify({ architecture: 'standard', d_in: 4, d_sae: 8 }));
      await assert.rejects(importSaeLens(dir.path), /architecture 'standard' cannot be imported/);
    } finally {
      dir.cleanup();
    }
  });
});
