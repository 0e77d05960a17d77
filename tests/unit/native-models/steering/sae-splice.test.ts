import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AppError } from '../../../../electron/common/errors.js';
import { SeededRandom } from '../../../../native-models/common/seeded-random.js';
import { WhisperDecoder } from '../../../../native-models/decoders/whisper-decoder.js';
import { TINY_WHISPER_REPO, generateFixtureRepos } from '../../../../native-models/fixtures/generate-fixtures.js';
import { TINY_WHISPER_FIXTURE, buildWhisperEncoderFixture } from '../../../../native-models/fixtures/whisper-encoder-fixture.js';
import type { Float32Tensor } from '../../../../native-models/onnx/runtime.js';
import { initialSaeWeights, type SaeWeights } from '../../../../native-models/sae/sae-weights.js';
import { createSaeSplice, steeringScale } from '../../../../native-models/steering/sae-splice.js';
import { SteeredWhisperEncoder, transcribeOriginalAndSteered } from '../../../../native-models/steering/steered-whisper-encoder.js';
import { gelu, layerNorm, linear, selfAttention } from '../reference/transformer-ops.js';

const D = TINY_WHISPER_FIXTURE.dModel;
const D_SAE = 256;
const K = 8;
const FRAMES = 1500;
const encoderWeights = buildWhisperEncoderFixture(TINY_WHISPER_FIXTURE).weights;

let root: string;
let snapshotDir: string;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'steering-'));
  await generateFixtureRepos(root, { whisperDecoder: true });
  snapshotDir = join(root, ...TINY_WHISPER_REPO.split('/'));
});
after(() => rmSync(root, { recursive: true, force: true }));

function testSae(seed: number): SaeWeights {
  const sae = initialSaeWeights(D, D_SAE, seed);
  const rng = new SeededRandom(seed + 1);
  sae.b_enc = rng.normals(D_SAE, 0.1);
  sae.b_dec = rng.normals(D, 0.1);
  return sae;
}

function features(seed: number): Float32Tensor {
  const rng = new SeededRandom(seed);
  return { dims: [1, 80, 3000], data: Float32Array.from({ length: 80 * 3000 }, () => rng.uniform() * 2.5 - 1) };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Plain-TS W_dec((s - 1) z(h)) with row TopK codes (float64). */
function expectedChange(sae: SaeWeights, h: Float32Array, scale: Float32Array): Float64Array {
  const rows = h.length / D;
  const out = new Float64Array(h.length);
  const pre = new Float64Array(D_SAE);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < D_SAE; j++) {
      let sum = sae.b_enc[j]!;
      for (let i = 0; i < D; i++) sum += (h[r * D + i]! - sae.b_dec[i]!) * sae.W_enc[i * D_SAE + j]!;
      pre[j] = sum;
    }
    const kth = [...pre].sort((a, b) => b - a)[K - 1]!;
    for (let j = 0; j < D_SAE; j++) {
      const z = pre[j]! > 0 && pre[j]! >= kth ? pre[j]! : 0;
      const factor = z * (scale[j]! - 1);
      if (factor === 0) continue;
      for (let i = 0; i < D; i++) out[r * D + i] += factor * sae.W_dec[j * D + i]!;
    }
  }
  return out;
}

test('s = 1 reproduces the unspliced encoder and the same transcript, at every layer', async () => {
  const decoder = await WhisperDecoder.load(snapshotDir);
  try {
    for (const layer of [1, 2, 'final'] as const) {
      const encoder = await SteeredWhisperEncoder.load(snapshotDir, { layer, sae: testSae(3), selection: { kind: 'row_topk', k: K } });
      try {
        const ones = new Float32Array(D_SAE).fill(1);
        const result = await transcribeOriginalAndSteered(encoder, decoder, features(7), ones, { maxNewTokens: 6 });
        const { encoding } = result;
        assert.deepEqual(encoding.layerSteered.data, encoding.layerOriginal.data, `layer ${layer}: h' is h bit for bit`);
        const diff = maxAbsDiff(encoding.steered.data, encoding.original.data);
        assert.ok(diff <= 1e-5, `layer ${layer}: steered output differs by ${diff}`);
        assert.deepEqual(result.steered, result.original, `layer ${layer}: identical tokens and text`);
        assert.ok(encoding.meanCodes.some((v) => v > 0), 'the SAE fires');
      } finally {
        await encoder.dispose();
      }
    }
  } finally {
    await decoder.dispose();
  }
});

test('a non-trivial s changes the layer by exactly W_dec((s - 1) z), and the later blocks run on h\'', async () => {
  const sae = testSae(5);
  const rng = new SeededRandom(9);
  const scale = Float32Array.from({ length: D_SAE }, () => (rng.uniform() < 0.3 ? rng.uniform() * 6 - 3 : 1));
  const encoder = await SteeredWhisperEncoder.load(snapshotDir, { layer: 1, sae, selection: { kind: 'row_topk', k: K } });
  try {
    const { layerOriginal, layerSteered, original, steered } = await encoder.encode(features(8), scale);
    const change = expectedChange(sae, layerOriginal.data, scale);
    const actual = layerSteered.data.map((v, i) => v - layerOriginal.data[i]!);
    const diff = maxAbsDiff(actual, change);
    assert.ok(diff <= 1e-5, `h' - h differs from W_dec((s - 1) z) by ${diff}`);
    assert.ok(Math.max(...change.map(Math.abs)) > 0.1, 'the change is not negligible');

    // Block 2 and the final LayerNorm of the fixture, in plain TS, on h'.
    const layer = encoderWeights.layers[1]!;
    let x = Float64Array.from(layerSteered.data);
    const attn = selfAttention(layerNorm(x, layer.selfAttnLayerNorm, D), FRAMES, D, TINY_WHISPER_FIXTURE.heads, layer);
    x = x.map((v, i) => v + attn[i]!);
    const ffn = linear(linear(layerNorm(x, layer.finalLayerNorm, D), FRAMES, layer.fc1).map(gelu), FRAMES, layer.fc2);
    x = x.map((v, i) => v + ffn[i]!);
    const expected = layerNorm(x, encoderWeights.layerNorm, D);
    const tailDiff = maxAbsDiff(steered.data, expected);
    assert.ok(tailDiff <= 1e-4, `steered encoder output differs from the reference by ${tailDiff}`);
    assert.ok(maxAbsDiff(steered.data, original.data) > 1e-3, 'steering changed the encoder output');
  } finally {
    await encoder.dispose();
  }
});

test('at the final tap the steered encoder output is h + W_dec((s - 1) z)', async () => {
  const sae = testSae(6);
  const scale = steeringScale(D_SAE, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], -1);
  const encoder = await SteeredWhisperEncoder.load(snapshotDir, { layer: 'final', sae, selection: { kind: 'row_topk', k: K } });
  try {
    const { original, steered } = await encoder.encode(features(9), scale);
    const change = expectedChange(sae, original.data, scale);
    const diff = maxAbsDiff(steered.data.map((v, i) => v - original.data[i]!), change);
    assert.ok(diff <= 1e-5, `differs by ${diff}`);
    assert.ok(Math.max(...change.map(Math.abs)) > 0.1, 'some of the 16 features fired');
  } finally {
    await encoder.dispose();
  }
});

test('threshold selection (BatchTopK inference, JumpReLU) splices too', async () => {
  const sae = testSae(4);
  sae.threshold.fill(0.5);
  const splice = await createSaeSplice(sae, { kind: 'threshold' });
  try {
    const rng = new SeededRandom(2);
    const h = rng.normals(10 * D, 1);
    const scale = steeringScale(D_SAE, [1, 5, 9], 3);
    const { spliced } = await splice.run({ dims: [10, D], data: h }, scale);
    // Reference: codes above the threshold only.
    const out = Float64Array.from(h);
    for (let r = 0; r < 10; r++) {
      for (let j = 0; j < D_SAE; j++) {
        let pre = sae.b_enc[j]!;
        for (let i = 0; i < D; i++) pre += (h[r * D + i]! - sae.b_dec[i]!) * sae.W_enc[i * D_SAE + j]!;
        if (pre > 0.5) for (let i = 0; i < D; i++) out[r * D + i] += pre * (scale[j]! - 1) * sae.W_dec[j * D + i]!;
      }
    }
    const diff = maxAbsDiff(spliced.data, out);
    assert.ok(diff <= 1e-5, `differs by ${diff}`);
    await assert.rejects(splice.run({ dims: [1, D], data: h.subarray(0, D) }, new Float32Array(3)), (e: unknown) => e instanceof AppError && /256 features/.test(e.message));
  } finally {
    await splice.dispose();
  }
  assert.throws(() => steeringScale(D_SAE, [D_SAE], 0), (e: unknown) => e instanceof AppError && /0\.\.255/.test(e.message));
});

test('an SAE of the wrong width is refused', async () => {
  await assert.rejects(
    SteeredWhisperEncoder.load(snapshotDir, { layer: 2, sae: initialSaeWeights(D + 2, 16, 1), selection: { kind: 'row_topk', k: 2 } }),
    (e: unknown) => e instanceof AppError && /d_model is 64/.test(e.message),
  );
});
