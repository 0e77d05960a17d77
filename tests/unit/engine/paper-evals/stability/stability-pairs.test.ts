import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SaeSummary } from '../../../../../electron/common/contract.js';
import { stabilityPairs } from '../../../../../electron/engine/paper-evals/stability/stability-pairs.js';

const sae = (id: number, modelId: number, layer: number, width = 128, dIn = 64) => ({ id, modelId, layer, width, config: { dIn } }) as unknown as SaeSummary;
const ids = (pairs: [SaeSummary, SaeSummary][]) => pairs.map(([a, b]) => [a.id, b.id]);

describe('stabilityPairs', () => {
  it('seeds: every pair within a model, layer and width', () => {
    assert.deepEqual(ids(stabilityPairs([sae(3, 1, 2), sae(1, 1, 2), sae(2, 1, 2), sae(4, 1, 5), sae(5, 1, 5)], 'seeds')), [[1, 2], [1, 3], [2, 3], [4, 5]]);
    assert.throws(() => stabilityPairs([sae(1, 1, 2), sae(2, 1, 2, 256)], 'seeds'), /SAE 1 \(model 1, layer 2, width 128\) has no other SAE of the same model, layer and width/);
    assert.throws(() => stabilityPairs([sae(1, 1, 2), sae(2, 1, 3)], 'seeds'), /no other SAE/);
  });

  it('layers: consecutive layers of each model', () => {
    assert.deepEqual(ids(stabilityPairs([sae(7, 1, 6), sae(5, 1, 2), sae(6, 1, 4), sae(8, 2, 1), sae(9, 2, 3)], 'layers')), [[5, 6], [6, 7], [8, 9]]);
    assert.throws(() => stabilityPairs([sae(1, 1, 2), sae(2, 1, 2)], 'layers'), /both read layer 2/);
    assert.throws(() => stabilityPairs([sae(1, 1, 2), sae(2, 2, 3)], 'layers'), /at least two layers of the same model/);
    assert.throws(() => stabilityPairs([sae(1, 1, 2), sae(2, 1, 3, 128, 32)], 'layers'), /different widths \(64 and 32\)/);
  });

  it('models: every pair across models', () => {
    assert.deepEqual(ids(stabilityPairs([sae(1, 1, 2), sae(2, 1, 3), sae(3, 2, 4, 256, 32)], 'models')), [[1, 3], [2, 3]]);
    assert.throws(() => stabilityPairs([sae(1, 1, 2), sae(2, 1, 3)], 'models'), /all the SAEs belong to model 1/);
  });
});
