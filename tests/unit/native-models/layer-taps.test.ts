import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { AppError } from '../../../electron/common/errors.js';
import { SeededRandom } from '../../../native-models/common/seeded-random.js';
import { TINY_WHISPER_FIXTURE, buildWhisperEncoderFixture } from '../../../native-models/fixtures/whisper-encoder-fixture.js';
import { GraphBuilder } from '../../../native-models/onnx/graph-builder.js';
import { addLayerTaps, tapName, writeTappedModel } from '../../../native-models/onnx/layer-taps.js';
import { createSession, type Float32Tensor } from '../../../native-models/onnx/runtime.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { whisperEncoderHiddenStates, type ReferenceHiddenStates } from './reference/whisper-encoder-reference.js';

const { onnx } = onnxProto;
const FRAMES = 3000;
const fixture = buildWhisperEncoderFixture(TINY_WHISPER_FIXTURE);
const nMels = TINY_WHISPER_FIXTURE.nMels;
const rng = new SeededRandom(21);
const features = Float32Array.from({ length: nMels * FRAMES }, () => rng.uniform() * 2.5 - 1);
let reference: ReferenceHiddenStates;
let plain: Float32Tensor;
let dir: ReturnType<typeof makeTempDir>;

before(async () => {
  dir = makeTempDir('layer-taps-');
  reference = whisperEncoderHiddenStates(fixture.weights, features, FRAMES);
  plain = (await runModel(fixture.onnx, ['last_hidden_state']))['last_hidden_state']!;
});
after(() => dir.cleanup());

async function runModel(model: string | Uint8Array, outputs?: string[]): Promise<Record<string, Float32Tensor>> {
  const session = await createSession(model);
  try {
    return await session.run({ input_features: { dims: [1, nMels, FRAMES], data: features } }, outputs);
  } finally {
    await session.dispose();
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'same length');
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

function decode(bytes: Uint8Array): OnnxTypes.ModelProto {
  return onnx.ModelProto.decode(bytes);
}

async function assertTapsMatchReference(tapped: string | Uint8Array, plan: { layers: string[]; final: string }): Promise<void> {
  const outputs = await runModel(tapped);
  assert.equal(plan.layers.length, TINY_WHISPER_FIXTURE.layers + 1, 'layer 0 plus one tap per block');
  plan.layers.forEach((name, layer) => {
    const tap = outputs[name];
    assert.ok(tap, `tap ${name} is an output`);
    assert.deepEqual(tap.dims, [1, 1500, TINY_WHISPER_FIXTURE.dModel], `layer ${layer} dims`);
    const diff = maxAbsDiff(tap.data, reference.layers[layer]!);
    assert.ok(diff <= 1e-4, `layer ${layer} differs from the reference by ${diff}`);
  });
  const final = outputs[plan.final]!;
  assert.ok(maxAbsDiff(final.data, reference.final) <= 1e-4, 'final tap matches the reference');
  assert.ok(maxAbsDiff(final.data, plain.data) <= 1e-6, 'final tap equals the unmodified graph output');
}

test('every layer of the Whisper fixture is tapped and equals the reference hidden state', async () => {
  const { model, plan } = addLayerTaps(decode(fixture.onnx));
  assert.equal(plan.norm, 'pre', 'Whisper is pre-LN');
  assert.deepEqual(plan.layers, [0, 1, 2].map((n) => tapName(n)), 'taps are named tap.layer_N');
  assert.equal(plan.final, 'last_hidden_state', 'the final tap is the existing output');
  await assertTapsMatchReference(onnx.ModelProto.encode(model).finish(), plan);
});

test('layer N differs from layer N-1 (each tap is a different block output)', () => {
  for (let n = 1; n < reference.layers.length; n++) {
    assert.ok(maxAbsDiff(reference.layers[n]!, reference.layers[n - 1]!) > 1e-3, `reference layer ${n} changes the stream`);
  }
});

test('taps are found from the structure, not node or tensor names', async () => {
  const model = decode(fixture.onnx);
  const renames = new Map<string, string>();
  model.graph!.node!.forEach((node, i) => {
    node.name = `n${i}`;
    node.output = node.output!.map((out, j) => {
      if (out === 'last_hidden_state') return out;
      const name = `t${i}_${j}`;
      renames.set(out, name);
      return name;
    });
  });
  for (const node of model.graph!.node!) node.input = node.input!.map((input) => renames.get(input) ?? input);
  const { model: tapped, plan } = addLayerTaps(model);
  await assertTapsMatchReference(onnx.ModelProto.encode(tapped).finish(), plan);
});

test('a model with external data is tapped without copying its weights', async () => {
  const model = decode(fixture.onnx);
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const tensor of model.graph!.initializer!) {
    const raw = tensor.rawData!;
    if (raw.length < 1024) continue;
    chunks.push(raw);
    tensor.rawData = new Uint8Array(0);
    tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    tensor.externalData = [
      { key: 'location', value: 'encoder_model.onnx_data' },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(raw.length) },
    ];
    offset += raw.length;
  }
  const modelPath = join(dir.path, 'encoder_model.onnx');
  writeFileSync(join(dir.path, 'encoder_model.onnx_data'), Buffer.concat(chunks));
  writeFileSync(modelPath, onnx.ModelProto.encode(model).finish());

  const { path, plan } = writeTappedModel(modelPath);
  assert.equal(path, join(dir.path, 'encoder_model.taps.onnx'), 'written next to the original');
  assert.ok(statSync(path).size < offset / 10, `the tapped graph (${statSync(path).size} B) holds no external weights (${offset} B)`);
  const rewritten = decode(readFileSync(path));
  const external = rewritten.graph!.initializer!.filter((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL);
  assert.equal(external.length, chunks.length, 'every external tensor keeps its reference');
  await assertTapsMatchReference(path, plan);

  const again = writeTappedModel(modelPath);
  assert.deepEqual(again.plan, plan, 'the saved plan is reused');
});

test('an ONNX graph that is not a transformer encoder is refused with a clear error', () => {
  const g = new GraphBuilder('toy');
  g.input('x', ['batch', 8]);
  const w = g.floats('w', new Float32Array(64).fill(0.1), [8, 8]);
  const h = g.op('Relu', [g.op('MatMul', ['x', w])]);
  g.output(g.op('Add', [h, g.op('MatMul', [h, w])]));
  assert.throws(
    () => addLayerTaps(decode(g.toBytes()), 'toy.onnx'),
    (error: unknown) => {
      assert.ok(error instanceof AppError, 'an AppError');
      assert.equal(error.code, 'bad_input', 'code bad_input');
      assert.match(error.message, /toy\.onnx is not a transformer audio encoder/, 'names the file and the problem');
      return true;
    },
  );
  const relu = new GraphBuilder('relu');
  relu.input('x', [4]);
  relu.output(relu.op('Relu', ['x']));
  assert.throws(() => addLayerTaps(decode(relu.toBytes())), /no residual Add/, 'no residual at all');
});

test('an fp16 graph gets a Cast to float32 per tap', () => {
  const model = decode(fixture.onnx);
  model.graph!.output![0]!.type!.tensorType!.elemType = onnx.TensorProto.DataType.FLOAT16;
  const { model: tapped, plan } = addLayerTaps(model);
  const casts = tapped.graph!.node!.filter((n) => n.opType === 'Cast');
  assert.equal(casts.length, plan.layers.length + 1, 'one Cast per layer and one for final');
  assert.ok(casts.every((c) => c.attribute![0]!.i === onnx.TensorProto.DataType.FLOAT), 'cast to float32');
  const outputs = new Map(tapped.graph!.output!.map((o) => [o.name, o.type!.tensorType!.elemType]));
  for (const name of [...plan.layers, plan.final]) assert.equal(outputs.get(name), onnx.TensorProto.DataType.FLOAT, `${name} is a float32 output`);
});
