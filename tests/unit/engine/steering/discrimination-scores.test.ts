import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aurocWithZeros, newFrameTally, tallyRates } from '../../../../electron/engine/steering/discrimination-scores.js';
import { clipAurocs, rankFeatures } from '../../../../electron/engine/steering/feature-ranking.js';
import type { SparseSample } from '../../../../electron/engine/steering/logistic-probe.js';
import { SeededRandom } from '../../../../native-models/common/seeded-random.js';

/** Independent AUROC: count every (positive, negative) pair, ties worth one half. */
function bruteForceAuroc(pos: number[], neg: number[]): number {
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

test('AUROC matches a brute-force pair count, with and without ties', () => {
  const rng = new SeededRandom(3);
  for (let trial = 0; trial < 50; trial++) {
    // Values on a coarse grid so ties are frequent.
    const draw = (n: number, shift: number) => Array.from({ length: n }, () => Math.round((rng.uniform() + shift) * 4) / 4);
    const pos = draw(1 + (trial % 7), 0.3);
    const neg = draw(1 + (trial % 5), 0);
    assert.ok(Math.abs(aurocWithZeros(pos, neg) - bruteForceAuroc(pos, neg)) < 1e-12, `trial ${trial}: ${pos} vs ${neg}`);
  }
});

test('AUROC counts zeros passed as counts like zero values', () => {
  const pos = [0.5, 2, 2];
  const neg = [2, 0.1];
  const expected = bruteForceAuroc([...pos, 0, 0], [...neg, 0, 0, 0]);
  assert.ok(Math.abs(aurocWithZeros(pos, neg, 2, 3) - expected) < 1e-12, 'zeros form one tie group');
  assert.equal(aurocWithZeros([], [], 4, 6), 0.5, 'a feature that never fires scores exactly 0.5');
  assert.equal(aurocWithZeros([1, 2], [], 0, 3), 1, 'fires only on positives: 1');
  assert.equal(aurocWithZeros([], [1], 2, 0), 0, 'fires only on negatives: 0');
  assert.ok(Number.isNaN(aurocWithZeros([1], [])), 'no negatives: undefined');
});

test('firing rates and means by hand', () => {
  const t = newFrameTally(3);
  // Frames: [0, 2, 0], [1, 0, 0], [3, 0, 0], [0, 0, 0]
  t.frames = 4;
  t.fired.set([2, 1, 0]);
  t.sums.set([4, 2, 0]);
  const { firingRate, mean } = tallyRates(t);
  assert.deepEqual([...firingRate], [0.5, 0.25, 0], 'frames fired on / frames');
  assert.deepEqual([...mean], [1, 0.5, 0], 'mean over all frames, zeros included');
});

const sample = (entries: [number, number][], label: 0 | 1): SparseSample => ({ features: Int32Array.from(entries, (e) => e[0]), values: Float32Array.from(entries, (e) => e[1]), label });

test('clip AUROCs per feature and the ranking with its tie-break', () => {
  const samples = [
    sample([[0, 1], [1, 3]], 1),
    sample([[0, 2], [2, 1]], 1),
    sample([[1, 1]], 0),
    sample([[2, 1]], 0),
  ];
  const aurocs = clipAurocs(samples, 4);
  assert.deepEqual([...aurocs], [1, bruteForceAuroc([3, 0], [1, 0]), bruteForceAuroc([0, 1], [0, 1]), 0.5]);
  const pos = newFrameTally(4);
  const neg = newFrameTally(4);
  pos.frames = 10;
  neg.frames = 10;
  pos.fired.set([4, 2, 3, 0]);
  neg.fired.set([0, 1, 1, 0]);
  const ranked = rankFeatures({ pos, neg, aurocs: Float64Array.from([0.9, 0.9, 0.5, 0.5]), probeWeights: new Float64Array(4), score: 'auroc' });
  assert.deepEqual(ranked.map((r) => r.feature), [0, 1, 2, 3], 'AUROC first, then firing-rate difference (0.4 > 0.1; 0.2 > 0)');
  assert.deepEqual(ranked.map((r) => r.rank), [1, 2, 3, 4]);
  const byRate = rankFeatures({ pos, neg, aurocs, probeWeights: new Float64Array(4), score: 'firingRateDiff' });
  assert.deepEqual(byRate.map((r) => r.feature), [0, 2, 1, 3], 'by firing-rate difference: 0.4, 0.2, 0.1, 0');
  assert.equal(byRate[0]!.firingRatePos, 0.4);
  assert.equal(byRate[0]!.firingRateNeg, 0);
});
