import assert from 'node:assert/strict';
import { test } from 'node:test';
import onnxProto from 'onnx-proto';
import {
  TINY_WHISPER_FIXTURE,
  buildWhisperEncoderFixture,
  sinusoids,
  type WhisperEncoderFixtureSpec,
} from '../../../native-models/fixtures/whisper-encoder-fixture.js';
import { SeededRandom } from '../../../native-models/common/seeded-random.js';
import { createSession } from '../../../native-models/onnx/runtime.js';
import { erf } from './reference/transformer-ops.js';
import { whisperEncoderReference } from './reference/whisper-encoder-reference.js';

const FRAMES = 3000;

function randomFeatures(nMels: number, seed: number, batch = 1): Float32Array {
  const rng = new SeededRandom(seed);
  // Roughly the range of real log-mel features after Whisper's scaling.
  return Float32Array.from({ length: batch * nMels * FRAMES }, () => rng.uniform() * 2.5 - 1);
}

async function runFixture(onnx: Uint8Array, features: Float32Array, nMels: number, batch = 1) {
  const session = await createSession(onnx);
  try {
    const out = await session.run({ input_features: { dims: [batch, nMels, FRAMES], data: features } });
    return out['last_hidden_state']!;
  } finally {
    await session.dispose();
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

async function assertMatchesReference(spec: WhisperEncoderFixtureSpec, inputSeed: number) {
  const fixture = buildWhisperEncoderFixture(spec);
  const features = randomFeatures(spec.nMels, inputSeed);
  const output = await runFixture(fixture.onnx, features, spec.nMels);
  assert.deepEqual(output.dims, [1, 1500, spec.dModel]);
  const expected = whisperEncoderReference(fixture.weights, features, FRAMES);
  const diff = maxAbsDiff(output.data, expected);
  assert.ok(diff <= 1e-4, `max abs diff ${diff}`);
  return { output, expected };
}

test('the tiny Whisper fixture matches an independent forward pass', async () => {
  const { expected } = await assertMatchesReference(TINY_WHISPER_FIXTURE, 7);
  // After the final LayerNorm the output is O(1): the 1e-4 tolerance above is a tight one.
  let sumSquares = 0;
  for (const v of expected) sumSquares += v * v;
  const rms = Math.sqrt(sumSquares / expected.length);
  assert.ok(rms > 0.3, `output rms ${rms}`);
});

test('a fixture with larger weights (sharp attention) still matches the reference', async () => {
  // With init_std 0.02 attention is nearly uniform; larger weights make a wrong q/k layout visible.
  const spec: WhisperEncoderFixtureSpec = { nMels: 16, dModel: 32, layers: 1, heads: 2, ffnDim: 64, seed: 99, initStd: 0.3 };
  await assertMatchesReference(spec, 8);
});

test('batch items are independent and equal the single-item result', async () => {
  const spec = TINY_WHISPER_FIXTURE;
  const fixture = buildWhisperEncoderFixture(spec);
  const pair = randomFeatures(spec.nMels, 11, 2);
  const both = await runFixture(fixture.onnx, pair, spec.nMels, 2);
  const second = await runFixture(fixture.onnx, pair.subarray(spec.nMels * FRAMES), spec.nMels, 1);
  assert.deepEqual(both.dims, [2, 1500, spec.dModel]);
  const diff = maxAbsDiff(both.data.subarray(1500 * spec.dModel), second.data);
  assert.ok(diff < 1e-5, `batch item 2 differs by ${diff}`);
});

test('generation is deterministic per seed', () => {
  const a = buildWhisperEncoderFixture(TINY_WHISPER_FIXTURE);
  const b = buildWhisperEncoderFixture(TINY_WHISPER_FIXTURE);
  const c = buildWhisperEncoderFixture({ ...TINY_WHISPER_FIXTURE, seed: 4321 });
  assert.deepEqual(a.onnx, b.onnx);
  assert.notDeepEqual(a.weights.layers[0]!.qProj.weight, c.weights.layers[0]!.qProj.weight);
});

test('the graph looks like a Hugging Face export', () => {
  const { onnx: bytes, config, preprocessorConfig } = buildWhisperEncoderFixture(TINY_WHISPER_FIXTURE);
  const model = onnxProto.onnx.ModelProto.decode(bytes);
  const names = new Set(model.graph!.node!.map((n) => n.name));
  for (const name of ['/conv1/Conv', '/conv2/Conv', '/layers.0/Add', '/layers.0/Add_1', '/layers.1/Add_1', '/layers.0/self_attn/Softmax']) {
    assert.ok(names.has(name), `missing node ${name}`);
  }
  assert.equal(model.graph!.node!.filter((n) => n.opType === 'Erf').length, 2 + TINY_WHISPER_FIXTURE.layers);
  const initializers = new Set(model.graph!.initializer!.map((t) => t.name));
  assert.ok(initializers.has('layers.0.self_attn.q_proj.bias'), 'q_proj has a bias');
  assert.ok(!initializers.has('layers.0.self_attn.k_proj.bias'), 'Whisper k_proj has no bias');
  assert.ok(model.graph!.initializer!.every((t) => t.rawData && t.rawData.length > 0), 'weights are stored as raw_data');
  assert.equal(config['model_type'], 'whisper');
  assert.equal(config['d_model'], 64);
  assert.equal(config['encoder_layers'], 2);
  assert.equal(config['num_mel_bins'], 80);
  assert.equal(preprocessorConfig['nb_max_frames'], 3000);
});

test('sinusoids match transformers for known entries', () => {
  // channels 4: inv_timescales = [1, 1e-4]; row t = [sin t, sin 1e-4 t, cos t, cos 1e-4 t]
  const table = sinusoids(3, 4);
  const expected = [0, 0, 1, 1, Math.sin(1), Math.sin(1e-4), Math.cos(1), Math.cos(1e-4), Math.sin(2), Math.sin(2e-4), Math.cos(2), Math.cos(2e-4)];
  const diff = maxAbsDiff(table, expected);
  assert.ok(diff < 1e-7, `sinusoids differ by ${diff}`);
});

test('the reference erf is accurate', () => {
  const known: Array<[number, number]> = [
    [0, 0],
    [0.5, 0.5204998778130465],
    [1, 0.8427007929497149],
    [-2, -0.9953222650189527],
    [3.5, 0.9999992569016276],
  ];
  for (const [x, value] of known) assert.ok(Math.abs(erf(x) - value) < 1e-13, `erf(${x})`);
});
