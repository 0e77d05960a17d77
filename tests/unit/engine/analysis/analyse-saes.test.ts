/**
 * The analysis passes against a plain-TS reference: codes computed here from the weights
 * (TopK / threshold selection in float64), then density, mean, max, top clips (one per clip, its
 * peak frame), histogram and quantile bands compared with what the ONNX encoder pipeline gives.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyseSaes, type AnalysisShard, type SaeToAnalyse } from '../../../../electron/engine/analysis/analyse-saes.js';
import { densityHistogram, TopPerClip } from '../../../../electron/engine/analysis/feature-statistics.js';
import { sparsify } from '../../../../electron/engine/analysis/sparse-codes.js';
import type { ActivationSpan } from '../../../../electron/engine/extraction/activations-repo.js';
import { SeededRandom } from '../../../../native-models/common/seeded-random.js';
import { float16ToFloat32, float32ToFloat16, writeSafetensors } from '../../../../native-models/formats/safetensors.js';
import type { InferenceSelection } from '../../../../native-models/sae/inference-graph.js';
import type { SaeWeights } from '../../../../native-models/sae/sae-weights.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';

const D = 12;
const D_SAE = 24;
const LAYER = 3;
const RATE = 50;

interface Fixture {
  shards: AnalysisShard[];
  /** Row-major activations of every row, in shard order, as the analysis reads them. */
  rows: Float32Array[];
  /** Clip, clip frame and time of each row. */
  refs: { clipId: number; frame: number; timeSec: number }[];
}

/**
 * Three shards (one fp16) of clips whose spans are `[clipId, frames]`; clip 4 has a second window
 * in the next shard, as a long clip does. Values: a per-clip offset plus noise, so features prefer clips.
 */
function writeFixture(dir: string, poison?: { shard: number; row: number }): Fixture {
  const random = new SeededRandom(11);
  const layout: [number, number, number][][] = [
    [[1, 0, 7], [2, 0, 5], [3, 0, 9]],
    [[4, 0, 6], [5, 0, 4]],
    [[4, 1, 3], [6, 0, 8], [7, 0, 2]],
  ];
  const clipBias = new Map<number, Float32Array>();
  const fixture: Fixture = { shards: [], rows: [], refs: [] };
  layout.forEach((spansOf, s) => {
    const frames = spansOf.reduce((n, [, , f]) => n + f, 0);
    let values: Float32Array = new Float32Array(frames * D);
    const spans: ActivationSpan[] = [];
    let row = 0;
    for (const [clipId, windowIndex, n] of spansOf) {
      const bias = clipBias.get(clipId) ?? random.normals(D, 1.5);
      clipBias.set(clipId, bias);
      spans.push({ clipId, windowIndex, firstFrame: windowIndex * 1500, frames: n, startSec: windowIndex * 30, shardIndex: s, rowOffset: row });
      for (let f = 0; f < n; f++, row++) {
        for (let i = 0; i < D; i++) values[row * D + i] = bias[i]! + random.normal();
        fixture.refs.push({ clipId, frame: windowIndex * 1500 + f, timeSec: windowIndex * 30 + f / RATE });
      }
    }
    if (poison?.shard === s) values[poison.row * D + 2] = Number.NaN;
    const path = join(dir, `shard-${s}.safetensors`);
    const other = new Float32Array(frames * 5);
    if (s === 1) {
      const half = float32ToFloat16(values);
      values = float16ToFloat32(half);
      writeSafetensors(path, [{ name: `layer_${LAYER}`, dtype: 'F16', shape: [frames, D], bytes: new Uint8Array(half.buffer) }]);
    } else {
      writeSafetensors(path, [
        { name: 'layer_1', dtype: 'F32', shape: [frames, 5], bytes: new Uint8Array(other.buffer) },
        { name: `layer_${LAYER}`, dtype: 'F32', shape: [frames, D], bytes: new Uint8Array(values.buffer) },
      ]);
    }
    for (let r = 0; r < frames; r++) fixture.rows.push(values.slice(r * D, (r + 1) * D));
    fixture.shards.push({ path, name: `shard-${s}.safetensors`, frames, spans });
  });
  return fixture;
}

function randomWeights(seed: number): SaeWeights {
  const random = new SeededRandom(seed);
  return {
    dIn: D,
    dSae: D_SAE,
    W_enc: random.normals(D * D_SAE, 0.4),
    b_enc: random.normals(D_SAE, 0.2),
    W_dec: random.normals(D_SAE * D, 0.3),
    b_dec: random.normals(D, 0.5),
    threshold: Float32Array.from({ length: D_SAE }, () => 0.3 + random.uniform()),
  };
}

/** Codes of one row, straight from the definition. */
function referenceCodes(w: SaeWeights, x: Float32Array, selection: InferenceSelection): Float64Array {
  const pre = new Float64Array(w.dSae);
  for (let j = 0; j < w.dSae; j++) {
    let sum = w.b_enc[j]!;
    for (let i = 0; i < w.dIn; i++) sum += (x[i]! - w.b_dec[i]!) * w.W_enc[i * w.dSae + j]!;
    pre[j] = sum;
  }
  const kth = selection.kind === 'row_topk' ? [...pre].sort((a, b) => b - a)[selection.k - 1]! : -Infinity;
  return pre.map((v, j) => (v > 0 && v >= kth && (selection.kind === 'row_topk' || v > Math.max(0, w.threshold[j]!)) ? v : 0));
}

interface Reference {
  density: number[];
  mean: number[];
  max: number[];
  /** Per feature: every clip's peak (first frame reaching it), strongest first. */
  clipPeaks: { clipId: number; frame: number; timeSec: number; value: number }[][];
  /** Per feature: every firing frame's value. */
  values: { clipId: number; frame: number; value: number }[][];
}

function reference(fixture: Fixture, w: SaeWeights, selection: InferenceSelection): Reference {
  const n = fixture.rows.length;
  const ref: Reference = { density: [], mean: [], max: [], clipPeaks: [], values: [] };
  const codes = fixture.rows.map((x) => referenceCodes(w, x, selection));
  for (let j = 0; j < w.dSae; j++) {
    const firing = codes.flatMap((c, r) => (c[j]! > 0 ? [{ ...fixture.refs[r]!, value: c[j]! }] : []));
    ref.density.push(firing.length / n);
    ref.mean.push(firing.length ? firing.reduce((s, f) => s + f.value, 0) / firing.length : 0);
    ref.max.push(Math.max(0, ...firing.map((f) => f.value)));
    const peaks = new Map<number, (typeof firing)[number]>();
    for (const f of firing) if (!peaks.has(f.clipId) || f.value > peaks.get(f.clipId)!.value) peaks.set(f.clipId, f);
    ref.clipPeaks.push([...peaks.values()].sort((a, b) => b.value - a.value));
    ref.values.push(firing);
  }
  return ref;
}

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

for (const selection of [{ kind: 'row_topk', k: 3 }, { kind: 'threshold' }] as InferenceSelection[]) {
  test(`statistics, top clips, histogram and quantile bands match a direct computation (${selection.kind})`, async () => {
    const dir = makeTempDir('analysis-');
    try {
      const fixture = writeFixture(dir.path);
      const weights = randomWeights(5);
      const sae: SaeToAnalyse = { saeId: 9, layer: LAYER, weights, selection };
      const progress: number[] = [];
      const run = (codeCacheBytes?: number) =>
        analyseSaes({ shards: fixture.shards, dModel: D, frameRateHz: RATE, saes: [sae], topN: 3, quantileSamples: 2, batchRows: 4, codeCacheBytes, onProgress: (done) => progress.push(done) });
      const [result] = await run();
      const ref = reference(fixture, weights, selection);
      assert.equal(result!.frames, fixture.rows.length, 'every frame analysed');
      assert.equal(progress.at(-1), 2 * fixture.rows.length, 'progress counts both passes');
      let fired = 0;
      for (let j = 0; j < D_SAE; j++) {
        assert.equal(result!.density[j], ref.density[j], `density of feature ${j}`);
        close(result!.meanActivation[j]!, ref.mean[j]!, `mean of feature ${j}`);
        close(result!.maxActivation[j]!, ref.max[j]!, `max of feature ${j}`);
        const top = result!.top[j]!;
        const expected = ref.clipPeaks[j]!.slice(0, 3);
        assert.deepEqual(top.map((e) => [e.clipId, e.frame]), expected.map((e) => [e.clipId, e.frame]), `top clips of feature ${j} (one per clip, at its peak)`);
        top.forEach((e, i) => {
          close(e.value, expected[i]!.value, `top value ${i} of feature ${j}`);
          close(e.timeSec, expected[i]!.timeSec, `time of top ${i} of feature ${j}`);
        });
        if (ref.density[j]! > 0) fired++;
        for (const q of result!.quantiles[j]!) {
          const max = ref.max[j]!;
          assert.ok(q.value > (q.quantile - 0.2) * max - 1e-5 && q.value <= q.quantile * max + 1e-5, `quantile sample ${q.value} of feature ${j} lies in its band ${q.quantile}`);
          assert.ok(ref.values[j]!.some((v) => v.clipId === q.clipId && v.frame === q.frame && Math.abs(v.value - q.value) < 1e-4), 'a real frame of the feature');
        }
        for (const band of [0.2, 0.4, 0.6, 0.8]) {
          const inBand = ref.values[j]!.filter((v) => v.value > (band - 0.2) * ref.max[j]! && v.value <= band * ref.max[j]!).length;
          assert.equal(result!.quantiles[j]!.filter((q) => q.quantile === band).length, Math.min(2, inBand), `feature ${j}: min(samples, frames) in band ${band}`);
        }
      }
      assert.ok(fired > D_SAE / 2, `most features fire (${fired})`);
      const { histogram } = result!;
      assert.equal(histogram.dead, D_SAE - fired, 'dead features counted apart');
      assert.equal(histogram.counts.reduce((a, b) => a + b, 0), fired, 'every fired feature in one bin');
      const counts = histogram.counts.map((_, i) => ref.density.filter((d) => d > 0 && Math.log10(d) >= histogram.log10Edges[i]! && Math.log10(d) < histogram.log10Edges[i + 1]!).length);
      assert.deepEqual(histogram.counts, counts, 'bins hold the features whose log10 density lies in [edge_i, edge_i+1)');
      const [again] = await run(0);
      assert.deepEqual(again!.quantiles, result!.quantiles, 'encoding again for pass 2 (no code cache) draws the same seeded samples as the cached codes');
      assert.deepEqual(again!.top, result!.top);
    } finally {
      dir.cleanup();
    }
  });
}

test('two SAEs of one layer share the reads and each gets its own results', async () => {
  const dir = makeTempDir('analysis-');
  try {
    const fixture = writeFixture(dir.path);
    const selection: InferenceSelection = { kind: 'row_topk', k: 2 };
    const saes = [1, 2].map((seed) => ({ saeId: seed, layer: LAYER, weights: randomWeights(seed), selection }));
    const results = await analyseSaes({ shards: fixture.shards, dModel: D, frameRateHz: RATE, saes, topN: 2, quantileSamples: 0 });
    for (const [i, sae] of saes.entries()) {
      assert.deepEqual(Array.from(results[i]!.density), reference(fixture, sae.weights, selection).density, `SAE ${sae.saeId}'s densities`);
      assert.ok(results[i]!.quantiles.every((q) => q.length === 0), 'no quantile pass when no samples are asked');
    }
  } finally {
    dir.cleanup();
  }
});

test('a non-finite activation, a width mismatch and cancellation are refused clearly', async () => {
  const dir = makeTempDir('analysis-');
  try {
    const fixture = writeFixture(dir.path, { shard: 2, row: 4 });
    const sae = { saeId: 1, layer: LAYER, weights: randomWeights(1), selection: { kind: 'row_topk', k: 2 } as InferenceSelection };
    const input = { shards: fixture.shards, dModel: D, frameRateHz: RATE, saes: [sae], topN: 2, quantileSamples: 1 };
    await assert.rejects(analyseSaes(input), (e: Error & { code?: string }) => e.code === 'bad_input' && /shard-2\.safetensors.*non-finite.*layer_3, row 4/.test(e.message), 'names the shard, layer and row');
    await assert.rejects(analyseSaes({ ...input, dModel: D + 1 }), (e: Error & { code?: string }) => e.code === 'bad_input' && /12-wide.*13 wide/.test(e.message), 'names both widths');
    let calls = 0;
    const cancelled = new Error('cancelled');
    await assert.rejects(analyseSaes({ ...input, shards: fixture.shards.slice(0, 2), batchRows: 3, throwIfCancelled: () => {
      if (++calls === 3) throw cancelled;
    } }), cancelled, 'throwIfCancelled is called between batches');
  } finally {
    dir.cleanup();
  }
});

test('the histogram bins log10 density in [edge, edge + 0.25) and counts dead features apart', () => {
  const h = densityHistogram([1, 0.01, 0.0099, 0, 0.5, 0]);
  assert.deepEqual(h.log10Edges, [-2.25, -2, -1.75, -1.5, -1.25, -1, -0.75, -0.5, -0.25, 0, 0.25]);
  assert.deepEqual(h.counts, [1, 1, 0, 0, 0, 0, 0, 1, 0, 1], '0.0099 -> [-2.25, -2); 0.01 -> [-2, -1.75); 0.5 -> [-0.5, -0.25); 1 -> [0, 0.25)');
  assert.equal(h.dead, 2);
  assert.deepEqual(densityHistogram([0, 0]), { log10Edges: [], counts: [], dead: 2 }, 'no bins when nothing fired');
});

test('dense codes compress to the positive entries per row', () => {
  const codes = sparsify(Float32Array.from([0, 2, -1, 0, 0, 0, 3, 0, 1]), 3);
  assert.deepEqual([...codes.rowStart], [0, 1, 1, 3]);
  assert.deepEqual([...codes.features], [1, 0, 2]);
  assert.deepEqual([...codes.values], [2, 3, 1]);
});

test('a top list keeps one entry per clip, the strongest first', () => {
  const top = new TopPerClip(2);
  top.offer({ clipId: 1, frame: 0, timeSec: 0, value: 1 });
  top.offer({ clipId: 2, frame: 0, timeSec: 0, value: 3 });
  top.offer({ clipId: 1, frame: 5, timeSec: 0.1, value: 2 });
  top.offer({ clipId: 3, frame: 0, timeSec: 0, value: 0.5 });
  top.offer({ clipId: 2, frame: 9, timeSec: 0, value: 2.5 });
  assert.deepEqual(top.items.map((e) => [e.clipId, e.frame, e.value]), [[2, 0, 3], [1, 5, 2]], 'clip 1 rose to its later peak; clip 2 kept its higher one; clip 3 did not make it');
});
