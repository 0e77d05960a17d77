import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../../../electron/common/errors.js';
import { registerSaeArchitecture, saeArchitecture, saeArchitectureKinds } from '../../../../native-models/sae/architecture-registry.js';
import { geometricMedian, meanOfRows } from '../../../../native-models/sae/decoder-bias-init.js';
import { learningRateAt } from '../../../../native-models/sae/lr-schedule.js';
import { parseSaeConfig } from '../../../../native-models/sae/sae-config.js';

describe('SAE config', () => {
  it("defaults to the paper's released checkpoints", () => {
    const config = parseSaeConfig({ dIn: 768 });
    assert.equal(config.architecture, 'batchtopk');
    assert.equal(config.k, 50);
    assert.equal(config.dSae, 6144);
    assert.equal(config.lr, 2e-4);
    assert.equal(config.decayStartFraction, 0.8);
    assert.equal(config.auxK, 512);
    assert.equal(saeArchitecture(config.architecture).inferenceSelection, 'threshold');
  });

  it('names every bad field', () => {
    assert.throws(
      () => parseSaeConfig({ dIn: -1, k: 0, architecture: 'relu' }),
      (error: unknown) => error instanceof AppError && error.code === 'invalid_params' && /dIn/.test(error.message) && /k/.test(error.message) && /architecture/.test(error.message),
    );
    assert.throws(() => parseSaeConfig({ dIn: 4, dSae: 8, k: 9 }), /k \(9\) exceeds the number of latents \(8\)/);
    assert.throws(() => parseSaeConfig({ dIn: 4, unknownKey: 1 }), /unknownKey|Unrecognized/);
  });
});

describe('SAE architecture registry', () => {
  it('knows topk and batchtopk and throws on unknown kinds and duplicates', () => {
    assert.deepEqual(saeArchitectureKinds().slice(0, 2), ['topk', 'batchtopk']);
    assert.equal(saeArchitecture('topk').trainingSelection, 'row_topk');
    assert.equal(saeArchitecture('batchtopk').trainingSelection, 'batch_topk');
    assert.throws(() => saeArchitecture('matryoshka'), /Unknown SAE architecture 'matryoshka'/);
    assert.throws(() => registerSaeArchitecture({ kind: 'topk', trainingSelection: 'row_topk', inferenceSelection: 'row_topk', description: '' }), /already registered/);
  });
});

describe('learning-rate schedule', () => {
  it('warms up linearly, holds, then decays to zero over the last fifth', () => {
    const schedule = { lr: 1, totalSteps: 100, warmupSteps: 10, decayStartFraction: 0.8 };
    assert.equal(learningRateAt(0, schedule), 0.1);
    assert.equal(learningRateAt(9, schedule), 1);
    assert.equal(learningRateAt(79, schedule), 1);
    assert.equal(learningRateAt(80, schedule), 1);
    assert.equal(learningRateAt(90, schedule), 0.5);
    assert.equal(learningRateAt(100, schedule), 0);
  });
});

describe('decoder bias initialisation', () => {
  it('the geometric median ignores a far outlier that drags the mean', () => {
    const rows = Float32Array.from([0, 0, 1, 0, 0, 1, 1, 1, 1000, 1000]);
    const median = geometricMedian(rows, 2);
    const mean = meanOfRows(rows, 2);
    assert.ok(mean[0]! > 100);
    assert.ok(Math.abs(median[0]! - 0.5) < 0.3 && Math.abs(median[1]! - 0.5) < 0.3, `median ${median}`);
  });
});
