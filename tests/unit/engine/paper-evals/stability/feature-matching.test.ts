import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SparseCodes } from '../../../../../electron/engine/analysis/sparse-codes.js';
import { activationCorrelations } from '../../../../../electron/engine/paper-evals/stability/activation-correlation.js';
import { nearestFrame } from '../../../../../electron/engine/paper-evals/stability/aligned-codes.js';
import { decoderCosines } from '../../../../../electron/engine/paper-evals/stability/decoder-similarity.js';
import { matchFeatures, matchStatistics } from '../../../../../electron/engine/paper-evals/stability/feature-matching.js';
import { SeededRandom } from '../../../../../native-models/common/seeded-random.js';
import { cosineMatrix } from '../../../../../native-models/sae/dictionary-matching.js';
import { initialSaeWeights, type SaeWeights } from '../../../../../native-models/sae/sae-weights.js';

function shuffled(n: number, random: SeededRandom): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/** Latent i of the copy is latent order[i] of the original (W_enc columns and W_dec rows), plus noise. */
function permutedCopy(w: SaeWeights, order: Int32Array, noise: number, random: SeededRandom): SaeWeights {
  const { dIn, dSae } = w;
  const W_dec = new Float32Array(dSae * dIn);
  const W_enc = new Float32Array(dIn * dSae);
  for (let i = 0; i < dSae; i++) {
    for (let c = 0; c < dIn; c++) {
      W_dec[i * dIn + c] = w.W_dec[order[i]! * dIn + c]! + noise * random.normal();
      W_enc[c * dSae + i] = w.W_enc[c * dSae + order[i]!]!;
    }
  }
  return { ...w, W_dec, W_enc };
}

describe('decoder-direction matching', () => {
  const dIn = 48;
  const dSae = 192;
  const random = new SeededRandom(5);
  const original = initialSaeWeights(dIn, dSae, 1);

  it('computes the same cosines as a direct float64 formula', async () => {
    const other = initialSaeWeights(dIn, 100, 2);
    const fast = await decoderCosines(original.W_dec, dSae, other.W_dec, 100, dIn);
    const direct = cosineMatrix(original.W_dec, dSae, other.W_dec, 100, dIn);
    assert.equal(fast.values.length, direct.length);
    for (let i = 0; i < direct.length; i++) assert.ok(Math.abs(fast.values[i]! - direct[i]!) < 1e-5);
  });

  it('a permuted, noisy copy matches 100% and the permutation is recovered exactly', async () => {
    const order = shuffled(dSae, random);
    const copy = permutedCopy(original, order, 0.02, random);
    const cosines = await decoderCosines(copy.W_dec, dSae, original.W_dec, dSae, dIn);
    const match = matchFeatures(cosines.values, dSae, dSae);
    assert.deepEqual(Array.from(match.aToB), Array.from(order));
    const stats = matchStatistics(match.similarities, 0.7, 40);
    assert.equal(stats.consistentShare, 1);
    assert.ok(stats.meanSimilarity > 0.9);
  });

  it('a random SAE of the same shape matches almost nothing above 0.7', async () => {
    const other = initialSaeWeights(dIn, dSae, 99);
    const cosines = await decoderCosines(other.W_dec, dSae, original.W_dec, dSae, dIn);
    const stats = matchStatistics(matchFeatures(cosines.values, dSae, dSae).similarities, 0.7, 40);
    assert.ok(stats.consistentShare < 0.02, `random share ${stats.consistentShare}`);
    assert.ok(stats.meanSimilarity > 0 && stats.meanSimilarity < 0.5, `the assignment prefers positive cosines: mean ${stats.meanSimilarity}`);
  });

  it('rectangular: the narrower SAE is matched fully into the wider one', async () => {
    const order = shuffled(dSae, random).subarray(0, 64);
    const narrow = permutedCopy({ ...original, dSae: 64 }, order, 0.01, random);
    const cosines = await decoderCosines(original.W_dec, dSae, narrow.W_dec.subarray(0, 64 * dIn), 64, dIn);
    const match = matchFeatures(cosines.values, dSae, 64);
    assert.equal(match.similarities.length, 64);
    for (let i = 0; i < 64; i++) assert.equal(match.aToB[order[i]!], i);
    assert.equal(match.aToB.filter((j) => j === -1).length, dSae - 64);
  });
});

describe('matchStatistics', () => {
  it('share above the threshold, mean, median and a histogram over [-1, 1]', () => {
    const stats = matchStatistics(Float64Array.from([0.9, -0.5, 0.7, 0.75, 1]), 0.7, 4);
    assert.equal(stats.matched, 5);
    assert.equal(stats.consistentShare, 3 / 5, 'strictly above 0.7');
    assert.ok(Math.abs(stats.meanSimilarity - 2.85 / 5) < 1e-12);
    assert.equal(stats.medianSimilarity, 0.75);
    assert.deepEqual(stats.histogram.edges, [-1, -0.5, 0, 0.5, 1]);
    assert.deepEqual(stats.histogram.counts, [0, 1, 0, 4]);
    assert.equal(matchStatistics(Float64Array.from([0.1, 0.3]), 0.7, 4).medianSimilarity, 0.2);
  });
});

describe('activation-correlation matching', () => {
  const frames = 3000;
  const aFeatures = 12;
  const bFeatures = 15;
  const random = new SeededRandom(8);

  function toSparse(dense: Float64Array[], features: number): SparseCodes {
    const rowStart = [0];
    const fs: number[] = [];
    const vs: number[] = [];
    for (const row of dense) {
      for (let f = 0; f < features; f++) {
        if (row[f]! <= 0) continue;
        fs.push(f);
        vs.push(row[f]!);
      }
      rowStart.push(fs.length);
    }
    return { rows: dense.length, rowStart: Int32Array.from(rowStart), features: Int32Array.from(fs), values: Float32Array.from(vs) };
  }

  function pearson(x: number[], y: number[]): number {
    const n = x.length;
    const mx = x.reduce((s, v) => s + v, 0) / n;
    const my = y.reduce((s, v) => s + v, 0) / n;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let t = 0; t < n; t++) {
      sxy += (x[t]! - mx) * (y[t]! - my);
      sxx += (x[t]! - mx) ** 2;
      syy += (y[t]! - my) ** 2;
    }
    return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
  }

  it('recovers a planted feature correspondence and equals the dense Pearson formula', () => {
    // B's feature planted[i] fires with A's feature i (scaled, jittered); B's other features are independent; A's last feature is dead.
    const planted = shuffled(bFeatures, random).subarray(0, aFeatures);
    const a: Float64Array[] = [];
    const b: Float64Array[] = [];
    for (let t = 0; t < frames; t++) {
      const rowA = new Float64Array(aFeatures);
      const rowB = new Float64Array(bFeatures);
      for (let i = 0; i < aFeatures - 1; i++) {
        if (random.uniform() < 0.15) {
          rowA[i] = 0.5 + random.uniform();
          rowB[planted[i]!] = 2 * rowA[i]! + 0.2 * random.uniform();
        }
      }
      for (let j = 0; j < bFeatures; j++) if (rowB[j] === 0 && random.uniform() < 0.05) rowB[j] = random.uniform();
      a.push(rowA);
      b.push(rowB);
    }
    const correlations = activationCorrelations(toSparse(a, aFeatures), aFeatures, toSparse(b, bFeatures), bFeatures);
    for (let i = 0; i < aFeatures; i++) {
      for (let j = 0; j < bFeatures; j++) {
        const want = pearson(a.map((r) => r[i]!), b.map((r) => r[j]!));
        assert.ok(Math.abs(correlations[i * bFeatures + j]! - want) < 1e-6, `(${i}, ${j}): ${correlations[i * bFeatures + j]} vs ${want}`);
      }
    }
    const match = matchFeatures(correlations, aFeatures, bFeatures);
    for (let i = 0; i < aFeatures - 1; i++) assert.equal(match.aToB[i], planted[i], `feature ${i}`);
    const stats = matchStatistics(match.similarities, 0.7, 20);
    assert.equal(stats.consistentShare, (aFeatures - 1) / aFeatures, 'every live planted feature, not the dead one');
  });

  it('refuses codes of different lengths', () => {
    const one: SparseCodes = { rows: 2, rowStart: Int32Array.from([0, 0, 0]), features: new Int32Array(0), values: new Float32Array(0) };
    assert.throws(() => activationCorrelations(one, 1, { ...one, rows: 3, rowStart: Int32Array.from([0, 0, 0, 0]) }, 1), /differ in frames/);
  });
});

describe('nearestFrame', () => {
  it('finds the frame nearest in time', () => {
    const clip = { times: [0, 0.02, 0.04, 0.06], rows: [10, 11, 12, 13] };
    assert.equal(nearestFrame(clip, 0.029), 1);
    assert.equal(nearestFrame(clip, 0.031), 2);
    assert.equal(nearestFrame(clip, -1), 0);
    assert.equal(nearestFrame(clip, 5), 3);
  });
});
