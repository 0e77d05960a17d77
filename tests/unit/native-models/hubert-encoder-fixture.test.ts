import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import onnxProto from 'onnx-proto';
import {
  TINY_HUBERT_FIXTURE,
  TINY_HUBERT_LARGE_FIXTURE,
  buildHubertEncoderFixture,
  hubertFrames,
  type HubertEncoderFixtureSpec,
} from '../../../native-models/fixtures/hubert-encoder-fixture.js';
import { SeededRandom } from '../../../native-models/common/seeded-random.js';
import { parseWaveformFrontendConfig, waveformInput, zeroMeanUnitVariance } from '../../../native-models/frontends/waveform-normalize.js';
import { startFixtureHub } from '../../../native-models/fixtures/fixture-hub-server.js';
import { TINY_HUBERT_LARGE_REPO, generateFixtureRepos } from '../../../native-models/fixtures/generate-fixtures.js';
import { downloadRepoFiles, fetchRepoInfo } from '../../../native-models/hub/index.js';
import { addLayerTaps, writeTappedModel } from '../../../native-models/onnx/layer-taps.js';
import { createSession } from '../../../native-models/onnx/runtime.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { hubertHiddenStates } from './reference/hubert-encoder-reference.js';

const SAMPLES = 16000;
const rng = new SeededRandom(3);
const raw = Float32Array.from({ length: SAMPLES }, (_, n) => 0.3 * Math.sin(n / 9) + 0.2 * (rng.uniform() - 0.5) + 0.05);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'same length');
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

async function checkVariant(spec: HubertEncoderFixtureSpec) {
  const fixture = buildHubertEncoderFixture(spec);
  const input = waveformInput(raw, parseWaveformFrontendConfig(fixture.preprocessorConfig));
  const reference = hubertHiddenStates(fixture.weights, input.data);
  assert.equal(reference.frames, hubertFrames(SAMPLES), 'frame count');
  assert.equal(reference.frames, 49, '1 s -> 49 frames at 50 Hz');

  const { model, plan } = addLayerTaps(onnxProto.onnx.ModelProto.decode(fixture.onnx), `hubert-${spec.norm}`);
  assert.equal(plan.norm, spec.norm, `detected ${spec.norm}-LN`);
  assert.equal(plan.layers.length, spec.layers + 1, 'one tap per block plus layer 0');
  const session = await createSession(onnxProto.onnx.ModelProto.encode(model).finish());
  try {
    const outputs = await session.run({ input_values: input });
    assert.deepEqual(outputs['last_hidden_state']!.dims, [1, 49, spec.hidden], 'output dims');
    const finalDiff = maxAbsDiff(outputs['last_hidden_state']!.data, reference.final);
    assert.ok(finalDiff <= 1e-4, `last_hidden_state differs from the reference by ${finalDiff}`);
    plan.layers.forEach((name, layer) => {
      const diff = maxAbsDiff(outputs[name]!.data, reference.layers[layer]!);
      assert.ok(diff <= 1e-4, `${spec.norm}-LN layer ${layer} differs from the reference by ${diff}`);
    });
    assert.equal(plan.final, 'last_hidden_state', 'final is the existing output');
    return { plan, outputs, reference };
  } finally {
    await session.dispose();
  }
}

test('post-LN (HuBERT-base style): the graph and every tap match the reference; layer L is the output', async () => {
  const { plan } = await checkVariant(TINY_HUBERT_FIXTURE);
  assert.equal(plan.layers.at(-1), 'last_hidden_state', 'post-LN has no final LayerNorm: layer L is last_hidden_state');
});

test('pre-LN (HuBERT-large / wav2vec2-large style): every tap matches; final adds the last LayerNorm', async () => {
  const { plan, reference } = await checkVariant(TINY_HUBERT_LARGE_FIXTURE);
  assert.notEqual(plan.layers.at(-1), plan.final, 'layer L and final are different tensors');
  assert.ok(maxAbsDiff(reference.layers.at(-1)!, reference.final) > 1e-2, 'and differ in value');
});

test('fixture configs look like the Hub: hubert, HubertModel, stable layer norm flag', () => {
  const base = buildHubertEncoderFixture(TINY_HUBERT_FIXTURE);
  const large = buildHubertEncoderFixture(TINY_HUBERT_LARGE_FIXTURE);
  assert.equal(base.config['model_type'], 'hubert', 'model_type');
  assert.deepEqual(base.config['architectures'], ['HubertModel'], 'architectures');
  assert.equal(base.config['do_stable_layer_norm'], false, 'base is post-LN');
  assert.equal(large.config['do_stable_layer_norm'], true, 'large is pre-LN');
  assert.equal(large.config['feat_extract_norm'], 'layer', 'large uses LayerNorm convs');
  assert.equal(base.config['num_hidden_layers'], TINY_HUBERT_FIXTURE.layers, 'layers');
  assert.equal(base.preprocessorConfig['do_normalize'], true, 'do_normalize');
  const graph = onnxProto.onnx.ModelProto.decode(base.onnx).graph!;
  assert.equal(graph.input![0]!.name, 'input_values', 'input name');
  assert.equal(graph.node!.filter((n) => n.opType === 'Conv').length, 8, '7 feature convs + positional conv');
  assert.ok(graph.node!.some((n) => n.opType === 'InstanceNormalization'), 'GroupNorm on the first conv');
});

test('waveform normalization is zero-mean unit-variance per clip, and optional', () => {
  const out = zeroMeanUnitVariance(Float32Array.of(1, 2, 3, 4));
  // mean 2.5, population variance 1.25
  const expected = [1, 2, 3, 4].map((v) => (v - 2.5) / Math.sqrt(1.25 + 1e-7));
  assert.ok(maxAbsDiff(out, expected) < 1e-6, 'known values');
  const normalized = zeroMeanUnitVariance(raw);
  const mean = normalized.reduce((a, b) => a + b, 0) / normalized.length;
  const variance = normalized.reduce((a, b) => a + (b - mean) ** 2, 0) / normalized.length;
  assert.ok(Math.abs(mean) < 1e-6 && Math.abs(variance - 1) < 1e-4, `mean ${mean}, variance ${variance}`);
  const off = parseWaveformFrontendConfig({ do_normalize: false, sampling_rate: 16000 });
  assert.equal(waveformInput(raw, off).data, raw, 'do_normalize false passes samples through');
  assert.throws(() => parseWaveformFrontendConfig({ feature_size: 80 }), /not a waveform feature extractor/, 'a log-mel config is refused');
});

test('a HuBERT-large fixture downloaded from the fixture hub is tapped in its HF cache snapshot', async () => {
  const dir = makeTempDir('hubert-hub-');
  const root = join(dir.path, 'repos');
  await generateFixtureRepos(root);
  const hub = await startFixtureHub({ root });
  try {
    const options = { endpoint: hub.url, cacheDir: join(dir.path, 'cache') };
    const { files } = await fetchRepoInfo(TINY_HUBERT_LARGE_REPO, 'main', options);
    assert.deepEqual(files, ['config.json', 'onnx/model.onnx', 'preprocessor_config.json'], 'Xenova-style layout');
    const { snapshotDir } = await downloadRepoFiles(TINY_HUBERT_LARGE_REPO, files, options);
    const { path, plan } = writeTappedModel(join(snapshotDir, 'onnx', 'model.onnx'));
    assert.equal(plan.layers.length, TINY_HUBERT_LARGE_FIXTURE.layers + 1, 'all layers found');
    const session = await createSession(path);
    try {
      const outputs = await session.run({ input_values: { dims: [1, SAMPLES], data: zeroMeanUnitVariance(raw) } }, plan.layers);
      const reference = hubertHiddenStates(buildHubertEncoderFixture(TINY_HUBERT_LARGE_FIXTURE).weights, zeroMeanUnitVariance(raw));
      const diff = maxAbsDiff(outputs[plan.layers.at(-1)!]!.data, reference.layers.at(-1)!);
      assert.ok(diff <= 1e-4, `last layer differs by ${diff}`);
    } finally {
      await session.dispose();
    }
  } finally {
    await hub.close();
    dir.cleanup();
  }
});
