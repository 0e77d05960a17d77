import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heldOutSplit, probeAccuracy, probeLogits, standardization, trainLogisticProbe, type SparseSample } from '../../../../electron/engine/steering/logistic-probe.js';
import { SeededRandom } from '../../../../native-models/common/seeded-random.js';

const dense = (values: number[], label: 0 | 1): SparseSample => {
  const nz = values.flatMap((v, j) => (v !== 0 ? [j] : []));
  return { features: Int32Array.from(nz), values: Float32Array.from(nz, (j) => values[j]!), label };
};

/** Solves l2 w = sigmoid(-w) by bisection: the optimum of the symmetric two-point problem. */
function symmetricOptimum(l2: number): number {
  let lo = 0;
  let hi = 100;
  for (let i = 0; i < 200; i++) {
    const w = (lo + hi) / 2;
    if (l2 * w - 1 / (1 + Math.exp(w)) > 0) hi = w;
    else lo = w;
  }
  return (lo + hi) / 2;
}

test('matches the closed-form optimum of a symmetric two-point problem', () => {
  // x = 2 (label 1) and x = 0 (label 0): standardized to +1 / -1, so the bias is 0 and
  // the mean loss log(1 + e^-w) + l2 w² / 2 has its minimum where l2 w = sigmoid(-w).
  for (const l2 of [0.05, 0.3, 1]) {
    const fit = trainLogisticProbe([dense([2], 1), dense([0], 0)], 1, { l2, iterations: 2000 });
    const expected = symmetricOptimum(l2);
    assert.ok(Math.abs(fit.weights[0]! - expected) < 1e-6, `l2 ${l2}: w ${fit.weights[0]} vs ${expected}`);
    assert.ok(Math.abs(fit.bias) < 1e-6, `bias ${fit.bias} is 0 by symmetry`);
  }
});

test('recovers a planted separating feature among noise features and scores held-out clips', () => {
  const rng = new SeededRandom(11);
  const width = 20;
  const samples: SparseSample[] = [];
  for (let i = 0; i < 200; i++) {
    const label = (i % 2) as 0 | 1;
    const x = Array.from({ length: width }, () => (rng.uniform() < 0.3 ? rng.uniform() * 2 : 0));
    x[7] = label === 1 ? 1 + rng.uniform() : rng.uniform() < 0.2 ? 0.3 * rng.uniform() : 0; // planted
    x[13] = 0; // dead: weight must stay 0
    samples.push(dense(x, label));
  }
  const { train, heldOut } = heldOutSplit(samples, 0.25, 5);
  assert.equal(heldOut.length, 50, '25% of each class held out');
  assert.equal(heldOut.filter((s) => s.label === 1).length, 25, 'stratified');
  const fit = trainLogisticProbe(train, width, { l2: 0.01, iterations: 300 });
  const order = [...fit.weights.keys()].sort((a, b) => fit.weights[b]! - fit.weights[a]!);
  assert.equal(order[0], 7, `the planted feature has the largest weight (${[...fit.weights].map((w) => w.toFixed(2)).join(' ')})`);
  assert.ok(fit.weights[7]! > 3 * Math.max(...[...fit.weights].filter((_, j) => j !== 7).map(Math.abs)), 'by a wide margin');
  assert.equal(fit.weights[13], 0, 'a constant feature gets weight 0');
  assert.equal(probeAccuracy(fit, heldOut), 1, 'separable: every held-out clip right');
});

test('the trained probe is a stationary point of the regularised loss (finite differences)', () => {
  const rng = new SeededRandom(2);
  const width = 4;
  const samples = Array.from({ length: 60 }, (_, i) => dense(Array.from({ length: width }, (_, j) => (rng.uniform() < 0.6 ? rng.uniform() * (1 + j) + (i % 2) * (j === 1 ? 0.5 : 0) : 0)), (i % 2) as 0 | 1));
  const l2 = 0.1;
  const fit = trainLogisticProbe(samples, width, { l2, iterations: 3000 });
  const loss = (weights: Float64Array, bias: number) => {
    const z = probeLogits({ weights, bias, mean: fit.mean, std: fit.std }, samples);
    let sum = 0;
    samples.forEach((s, i) => (sum += Math.log1p(Math.exp(s.label === 1 ? -z[i]! : z[i]!))));
    return sum / samples.length + (l2 / 2) * weights.reduce((t, w) => t + w * w, 0);
  };
  const h = 1e-5;
  for (let j = 0; j < width; j++) {
    const up = Float64Array.from(fit.weights);
    const down = Float64Array.from(fit.weights);
    up[j]! += h;
    down[j]! -= h;
    const grad = (loss(up, fit.bias) - loss(down, fit.bias)) / (2 * h);
    assert.ok(Math.abs(grad) < 1e-5, `dL/dw${j} = ${grad}`);
  }
  const gradBias = (loss(fit.weights, fit.bias + h) - loss(fit.weights, fit.bias - h)) / (2 * h);
  assert.ok(Math.abs(gradBias) < 1e-5, `dL/db = ${gradBias}`);
  assert.ok(Math.abs(fit.loss - loss(fit.weights, fit.bias)) < 1e-12, 'reported loss is the loss');
});

test('standardization by hand and the split keeps a class in training', () => {
  const { mean, std } = standardization([dense([1, 0], 1), dense([3, 0], 0)], 2);
  assert.deepEqual([...mean], [2, 0]);
  assert.deepEqual([...std], [1, 0]);
  const split = heldOutSplit([dense([1], 1), dense([1], 0), dense([1], 0)], 0.9, 1);
  assert.equal(split.train.filter((s) => s.label === 1).length, 1, 'a single positive stays in training');
  assert.equal(split.heldOut.length, 1, 'one of the two negatives held out');
  assert.deepEqual(heldOutSplit([dense([1], 1), dense([1], 0)], 0, 1).heldOut, [], 'fraction 0: nothing held out');
});
