import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../../../native-models/common/seeded-random.js';
import { rankFeaturesPerClass, runProbing, stratifiedFolds, type LabelledCode } from '../../../../electron/engine/evaluation-probing/probing-sweep.js';
import { trainProbe } from '../../../../electron/engine/evaluation-probing/probe-training.js';
import { probeLogits, trainLogisticProbe, type SparseSample } from '../../../../electron/engine/steering/logistic-probe.js';

const probe = { l2: 1e-2, iterations: 400 };

/** Dense samples, width features, noisy; feature `planted` fires on class `plantedClass` only. */
function planted(n: number, width: number, classCount: number, seed: number, plantedFeature = 3, plantedClass = 1): LabelledCode[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const label = i % classCount;
    const values = Float32Array.from({ length: width }, (_, j) => {
      if (j === plantedFeature) return label === plantedClass ? 2 + rng.uniform() : 0;
      return Math.max(0, rng.normal() * 0.8 + (j % classCount === label ? 0.35 : 0));
    });
    return { label, features: Int32Array.from({ length: width }, (_, j) => j), values };
  });
}

/** Independent: Newton's method on the same objective (mean log-loss + l2/2 |w|², bias free). */
function newtonProbe(x: number[][], y: number[], l2: number): (row: number[]) => number {
  const n = x.length;
  const d = x[0]!.length;
  const mean = Array.from({ length: d }, (_, j) => x.reduce((s, r) => s + r[j]!, 0) / n);
  const std = mean.map((m, j) => Math.sqrt(Math.max(0, x.reduce((s, r) => s + r[j]! * r[j]!, 0) / n - m * m)));
  const z = x.map((r) => [1, ...r.map((v, j) => (std[j]! > 0 ? (v - mean[j]!) / std[j]! : 0))]);
  const w = new Array<number>(d + 1).fill(0);
  for (let it = 0; it < 30; it++) {
    const g = new Array<number>(d + 1).fill(0);
    const h = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    for (let i = 0; i < n; i++) {
      const t = z[i]!.reduce((s, v, j) => s + v * w[j]!, 0);
      const p = 1 / (1 + Math.exp(-t));
      for (let a = 0; a <= d; a++) {
        g[a]! += ((p - y[i]!) * z[i]![a]!) / n;
        for (let b = 0; b <= d; b++) h[a]![b]! += (p * (1 - p) * z[i]![a]! * z[i]![b]!) / n;
      }
    }
    for (let a = 1; a <= d; a++) {
      g[a]! += l2 * w[a]!;
      h[a]![a]! += l2;
    }
    // Solve h * step = g by Gaussian elimination.
    const m = h.map((row, a) => [...row, g[a]!]);
    for (let c = 0; c <= d; c++) {
      let p = c;
      for (let r = c + 1; r <= d; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
      [m[c], m[p]] = [m[p]!, m[c]!];
      for (let r = 0; r <= d; r++) {
        if (r === c) continue;
        const f = m[r]![c]! / m[c]![c]!;
        for (let k = c; k <= d + 1; k++) m[r]![k]! -= f * m[c]![k]!;
      }
    }
    for (let a = 0; a <= d; a++) w[a]! -= m[a]![d + 1]! / m[a]![a]!;
  }
  return (row) => w[0]! + row.reduce((s, v, j) => s + w[j + 1]! * (std[j]! > 0 ? (v - mean[j]!) / std[j]! : 0), 0);
}

test('stratified folds keep class shares and are seeded', () => {
  const labels = Array.from({ length: 30 }, (_, i) => (i < 20 ? 0 : 1));
  const a = stratifiedFolds(labels, 5, 7);
  assert.deepEqual(a, stratifiedFolds(labels, 5, 7), 'same seed must give the same folds');
  for (let f = 0; f < 5; f++) {
    const inFold = labels.filter((_, i) => a[i] === f);
    assert.equal(inFold.filter((l) => l === 0).length, 4, `fold ${f} must hold 4 of class 0`);
    assert.equal(inFold.filter((l) => l === 1).length, 2, `fold ${f} must hold 2 of class 1`);
  }
});

test('probe accuracy on shared folds agrees with an independent Newton logistic regression within 1 point', () => {
  const width = 6;
  const data = planted(200, width, 2, 11, 99);
  const fold = stratifiedFolds(data.map((s) => s.label), 5, 3);
  let oursRight = 0;
  let refRight = 0;
  for (let f = 0; f < 5; f++) {
    const train = data.filter((_, i) => fold[i] !== f);
    const heldOut = data.filter((_, i) => fold[i] === f);
    const rows = (s: LabelledCode): SparseSample => ({ features: s.features, values: s.values, label: s.label === 1 ? 1 : 0 });
    const fit = trainLogisticProbe(train.map(rows), width, { l2: 1e-2, iterations: 2000 });
    probeLogits(fit, heldOut.map(rows)).forEach((z, i) => (oursRight += (z > 0 ? 1 : 0) === heldOut[i]!.label ? 1 : 0));
    const ref = newtonProbe(train.map((s) => Array.from(s.values)), train.map((s) => s.label), 1e-2);
    heldOut.forEach((s) => (refRight += (ref(Array.from(s.values)) > 0 ? 1 : 0) === s.label ? 1 : 0));
  }
  const ours = oursRight / data.length;
  const ref = refRight / data.length;
  assert.ok(Math.abs(ours - ref) <= 0.01, `held-out accuracy ${ours} vs independent ${ref} must agree within 1 point`);
  assert.ok(ours > 0.6, `the planted class signal must be learnable (accuracy ${ours})`);
});

test('a feature planted on one class ranks first, top-1 nearly separates it, removing it hurts that class', async () => {
  const width = 12;
  const data = planted(150, width, 3, 5, 7, 2);
  const ranking = rankFeaturesPerClass(data, 3, width);
  assert.equal(ranking[2]![0], 7, 'the planted feature must rank first for its class');
  const result = await runProbing(data, ['a', 'b', 'c'], width, { kSweep: [1, 2, 5, 12], folds: 5, seed: 1, targetShare: 0.9, probe });
  assert.equal(result.perClass[2]!.topFeatures[0], 7, 'the reported top feature of class c must be the planted one');
  // Top-1 for class c vs rest: a binary task on the planted feature alone.
  const binary = data.map((s) => ({ ...s, label: s.label === 2 ? 1 : 0 }));
  const vsRest = await runProbing(binary, ['rest', 'c'], width, { kSweep: [1, width], folds: 5, seed: 1, targetShare: 0.9, probe });
  assert.ok(vsRest.sweep[0]!.accuracy >= 0.97 * vsRest.fullAccuracy, `top-1 accuracy ${vsRest.sweep[0]!.accuracy} must be near full ${vsRest.fullAccuracy}`);
  assert.equal(vsRest.kToTarget, 1, 'k=1 must already reach 90% of full accuracy');
  const curve = result.perClass[2]!.unlearning;
  const full = result.sweep.at(-1)!;
  assert.equal(full.k, width, 'the largest k is the full width');
  assert.deepEqual(curve.map((p) => p.k), [1, 2, 5], 'unlearning stops below the width (nothing left to probe)');
  assert.ok(curve[0]!.classAccuracy < 0.9, `removing the planted feature must drop class c's accuracy (now ${curve[0]!.classAccuracy})`);
  assert.ok(curve.at(-1)!.classAccuracy <= curve[0]!.classAccuracy, 'removing more features must not restore class c');
});

test('bad input: one class only, or too few samples per fold, is rejected with an actionable message', async () => {
  const data = planted(20, 4, 2, 1).map((s) => ({ ...s, label: 0 }));
  await assert.rejects(runProbing(data, ['a', 'b'], 4, { kSweep: [1], folds: 5, seed: 1, targetShare: 0.9, probe }), /at least two classes/);
  const few = planted(6, 4, 2, 1);
  await assert.rejects(runProbing(few, ['a', 'b'], 4, { kSweep: [1], folds: 5, seed: 1, targetShare: 0.9, probe }), /at least 5 samples/);
});

test('the sweep\'s probe (warm start, early stopping) and its pooled full-probe accuracy agree with independent Newton within 1 point', async () => {
  const width = 6;
  const data = planted(240, width, 2, 17, 99);
  const folds = 5;
  const fold = stratifiedFolds(data.map((s) => s.label), folds, 4);
  const rows = (s: LabelledCode): SparseSample => ({ features: s.features, values: s.values, label: s.label === 1 ? 1 : 0 });
  let refRight = 0;
  let trainedRight = 0;
  for (let f = 0; f < folds; f++) {
    const train = data.filter((_, i) => fold[i] !== f);
    const heldOut = data.filter((_, i) => fold[i] === f);
    const ref = newtonProbe(train.map((s) => Array.from(s.values)), train.map((s) => s.label), 1e-2);
    heldOut.forEach((s) => (refRight += (ref(Array.from(s.values)) > 0 ? 1 : 0) === s.label ? 1 : 0));
    // Warm-started from a one-feature probe, as the sweep does.
    const small = trainProbe(train.map(rows), width, { l2: 1e-2, iterations: 400 });
    const fit = trainProbe(train.map(rows), width, { l2: 1e-2, iterations: 400 }, { weights: small.weights.map((w, j) => (j === 0 ? w : 0)), bias: small.bias });
    probeLogits(fit, heldOut.map(rows)).forEach((z, i) => (trainedRight += (z > 0 ? 1 : 0) === heldOut[i]!.label ? 1 : 0));
  }
  const reference = refRight / data.length;
  assert.ok(Math.abs(trainedRight / data.length - reference) <= 0.01, `warm-started probe ${trainedRight / data.length} vs Newton ${reference}`);
  const swept = await runProbing(data, ['a', 'b'], width, { kSweep: [1, 3], folds, seed: 4, targetShare: 0.9, probe: { l2: 1e-2, iterations: 400 }, skipUnlearning: true });
  assert.ok(Math.abs(swept.fullAccuracy - reference) <= 0.01, `runProbing full accuracy ${swept.fullAccuracy} vs Newton on the same folds ${reference}`);
  assert.ok(reference > 0.6, `the signal is learnable (${reference})`);
});

test('early stopping: a probe started at its optimum stops at once; tolerance 0 runs every iteration', () => {
  const width = 6;
  const data = planted(120, width, 2, 23, 99).map((s): SparseSample => ({ features: s.features, values: s.values, label: s.label === 1 ? 1 : 0 }));
  const fit = trainProbe(data, width, { l2: 1e-2, iterations: 2000 });
  assert.ok(fit.iterations < 2000, `converged before the cap (${fit.iterations} iterations)`);
  const again = trainProbe(data, width, { l2: 1e-2, iterations: 2000 }, { weights: fit.weights, bias: fit.bias });
  assert.ok(again.iterations <= 2, `a warm start at the optimum stops at once (${again.iterations} iterations)`);
  assert.ok(again.loss <= fit.loss + 1e-12);
  assert.equal(trainProbe(data, width, { l2: 1e-2, iterations: 50, tolerance: 0 }).iterations, 50);
});
