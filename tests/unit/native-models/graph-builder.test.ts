import assert from 'node:assert/strict';
import { test } from 'node:test';
import onnxProto from 'onnx-proto';
import { GraphBuilder, floatAttr } from '../../../native-models/onnx/graph-builder.js';
import { createSession } from '../../../native-models/onnx/runtime.js';

test('builds a model ONNX Runtime runs, with generated unique names', async () => {
  const g = new GraphBuilder();
  const x = g.input('x', ['batch', 3]);
  const w = g.initializer('w', Float32Array.from([1, 0, 0, 0, 2, 0, 0, 0, 3]), [3, 3]);
  const [first] = g.node('MatMul', [x, w], 1, {}, { name: '/proj/MatMul' });
  const [second] = g.node('MatMul', [first!, w], 1, {}, { name: '/proj/MatMul' });
  const shape = g.int64s('shape', [-1]);
  const flat = g.op('Reshape', [second!, shape]);
  const out = g.op('LeakyRelu', [flat], { alpha: floatAttr(2) });
  g.output(out);
  assert.equal(first, '/proj/MatMul_output_0');
  assert.equal(second, '/proj/MatMul_1_output_0');

  const model = onnxProto.onnx.ModelProto.decode(g.toBytes(17));
  assert.equal(Number(model.irVersion), 8);
  assert.equal(Number(model.opsetImport[0]!.version), 17);
  assert.ok(model.graph!.initializer!.every((t) => (t.rawData?.length ?? 0) > 0), 'weights are raw_data');
  const alpha = model.graph!.node!.find((n) => n.opType === 'LeakyRelu')!.attribute![0]!;
  assert.equal(alpha.type, onnxProto.onnx.AttributeProto.AttributeType.FLOAT);

  for (const opset of [17, 18, 21, 23]) {
    const session = await createSession(g.toBytes(opset));
    const result = await session.run({ x: { dims: [1, 3], data: Float32Array.from([1, -1, 1]) } });
    await session.dispose();
    assert.deepEqual(Array.from(result[out]!.data), [1, -8, 9], `opset ${opset}`);
  }
});

test('rejects duplicate names, dangling inputs and mis-sized weights', () => {
  const g = new GraphBuilder();
  g.input('x', [2]);
  assert.throws(() => g.input('x', [2]), /already used/);
  assert.throws(() => g.op('Relu', ['nope']), /reads 'nope'/);
  assert.throws(() => g.initializer('w', new Float32Array(3), [2, 2]), /has 3 values/);
  assert.throws(() => g.output('missing'), /not produced/);
  assert.throws(() => g.toBytes(), /no outputs/);
});
