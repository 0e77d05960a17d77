import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../../../electron/common/errors.js';
import { join } from 'node:path';
import { createSaeTrainer } from '../../../../native-models/sae/sae-trainer.js';
import { loadTrainingCheckpoint, saveTrainingCheckpoint } from '../../../../native-models/sae/training-checkpoint.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { centeredSquares, referenceCodes, referenceDecode, referencePre } from './reference-sae.js';
import { plantedDictionary } from './planted-dictionary.js';

const dIn = 16;
const data = plantedDictionary(dIn, 32, 3, 9);

describe('SAE trainer', () => {
  for (const architecture of ['topk', 'batchtopk'] as const) {
    it(`${architecture}: FVU, explained variance and L0 match a direct computation`, async () => {
      const trainer = await createSaeTrainer({ architecture, dIn, dSae: 64, k: 3, lr: 1e-3, totalSteps: 100, warmupSteps: 1 });
      try {
        await trainer.step(data.sample(128));
        const before = trainer.weights();
        const batch = data.sample(128);
        const metrics = await trainer.step(batch);
        const params = { W_enc: Float64Array.from(before.W_enc), b_enc: Float64Array.from(before.b_enc), W_dec: Float64Array.from(before.W_dec), b_dec: Float64Array.from(before.b_dec) };
        const x = Float64Array.from(batch);
        const codes = referenceCodes(referencePre(x, params, dIn, 64), 128, 64, 3, architecture === 'topk' ? 'row_topk' : 'batch_topk');
        const xHat = referenceDecode(codes, params, dIn, 64);
        let squared = 0;
        for (let i = 0; i < x.length; i++) squared += (x[i]! - xHat[i]!) ** 2;
        const fvu = squared / centeredSquares(x, dIn);
        const l0 = codes.reduce((n, v) => n + (v > 0 ? 1 : 0), 0) / 128;
        assert.ok(Math.abs(metrics.fvu - fvu) < 1e-4 * Math.max(1, fvu), `FVU ${metrics.fvu} vs ${fvu}`);
        assert.ok(Math.abs(metrics.explainedVariance - (1 - fvu)) < 1e-4);
        assert.ok(Math.abs(metrics.mse - squared / 128) < 1e-4 * Math.max(1, squared / 128));
        assert.equal(metrics.l0, l0);
        if (architecture === 'topk') assert.equal(l0, 3);
        else assert.ok(metrics.threshold > 0, 'BatchTopK tracks a positive inference threshold');
      } finally {
        await trainer.dispose();
      }
    });
  }

  it('counts a latent as dead once it has not fired for deadTokensThreshold tokens', async () => {
    const trainer = await createSaeTrainer({ architecture: 'topk', dIn, dSae: 8, k: 4, auxK: 4, deadTokensThreshold: 512, lr: 1e-4, totalSteps: 100, warmupSteps: 1 });
    try {
      const state = trainer.state();
      state.weights.b_enc[0] = -1e4;
      state.weights.b_enc[5] = -1e4;
      trainer.load(state);
      const fractions = [];
      for (let s = 0; s < 4; s++) fractions.push((await trainer.step(data.sample(256))).deadFraction);
      // Dead status is judged before each step: 0, 256 and 512 silent tokens, then dead.
      assert.deepEqual(fractions, [0, 0, 2 / 8, 2 / 8]);
    } finally {
      await trainer.dispose();
    }
  });

  it('continues from a training checkpoint on disk exactly as an uninterrupted run', async () => {
    const config = { architecture: 'batchtopk', dIn, dSae: 64, k: 3, lr: 2e-3, totalSteps: 10, warmupSteps: 2, seed: 4 };
    const batches = Array.from({ length: 10 }, () => data.sample(64));
    const straight = await createSaeTrainer(config);
    const first = await createSaeTrainer(config);
    const second = await createSaeTrainer(config);
    const dir = makeTempDir('audiosae-sae-');
    try {
      for (const batch of batches) await straight.step(batch);
      for (const batch of batches.slice(0, 5)) await first.step(batch);
      saveTrainingCheckpoint(join(dir.path, 'checkpoint'), first.config, first.state());
      const restored = await loadTrainingCheckpoint(join(dir.path, 'checkpoint'));
      assert.deepEqual(restored.config, first.config);
      second.load(restored.state);
      for (const batch of batches.slice(5)) await second.step(batch);
      assert.deepEqual(second.weights(), straight.weights());
      assert.deepEqual(second.state(), straight.state());
    } finally {
      dir.cleanup();
      await Promise.all([straight.dispose(), first.dispose(), second.dispose()]);
    }
  });

  it('refuses empty, ragged and non-finite batches with a clear message', async () => {
    const trainer = await createSaeTrainer({ dIn: 4, dSae: 8, k: 2 });
    try {
      const isBadInput = (pattern: RegExp) => (error: unknown) => error instanceof AppError && error.code === 'bad_input' && pattern.test(error.message);
      await assert.rejects(trainer.step(new Float32Array(0)), isBadInput(/empty/));
      await assert.rejects(trainer.step(new Float32Array(6)), isBadInput(/not a multiple of the SAE input width 4/));
      await assert.rejects(trainer.step(Float32Array.of(0, 1, 2, 3, 4, NaN, 6, 7)), isBadInput(/non-finite value \(NaN\) at row 1, column 1/));
    } finally {
      await trainer.dispose();
    }
  });
});
