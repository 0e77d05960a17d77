import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import onnxProto from 'onnx-proto';
import { AppError } from '../../../../electron/common/errors.js';
import { GraphBuilder } from '../../../../native-models/onnx/graph-builder.js';
import { createSession } from '../../../../native-models/onnx/runtime.js';
import { extractEncoderTail, writeEncoderTail } from '../../../../native-models/steering/encoder-tail.js';

const { onnx } = onnxProto;

/** x -> a = Relu(x) -> b = a * 2 -> y = b + 1, with a and y as outputs. */
function chain(): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('x', ['n']);
  g.node('Relu', [x], ['a']);
  const b = g.op('Mul', ['a', g.floats('two', [2], [])]);
  g.node('Add', [b, g.floats('one', [1], [])], ['y']);
  g.node('Neg', [x], ['unused']);
  g.output('a', ['n']);
  g.output('y', ['n']);
  g.output('unused', ['n']);
  return g.toBytes();
}

test('the tail keeps only the nodes between the tap and the output, and runs', async () => {
  const tail = extractEncoderTail(onnx.ModelProto.decode(chain()), 'a', 'y');
  const graph = tail.graph!;
  assert.deepEqual(graph.node!.map((n) => n.opType), ['Mul', 'Add']);
  assert.deepEqual(graph.input!.map((i) => i.name), ['a']);
  assert.deepEqual(graph.output!.map((o) => o.name), ['y']);
  assert.deepEqual(graph.initializer!.map((t) => t.name).sort(), ['one', 'two']);
  const session = await createSession(onnx.ModelProto.encode(tail).finish());
  try {
    const out = await session.run({ a: { dims: [3], data: Float32Array.of(-1, 0, 2) } });
    assert.deepEqual([...out['y']!.data], [-1, 1, 5]);
  } finally {
    await session.dispose();
  }
});

test('a tail that still reads the graph input is refused', () => {
  const g = new GraphBuilder();
  const x = g.input('x', ['n']);
  g.node('Relu', [x], ['a']);
  g.node('Add', ['a', x], ['y']);
  g.output('a');
  g.output('y');
  assert.throws(() => extractEncoderTail(onnx.ModelProto.decode(g.toBytes()), 'a', 'y'), (e: unknown) => e instanceof AppError && /depends on x other than through a/.test(e.message));
  assert.throws(() => extractEncoderTail(onnx.ModelProto.decode(g.toBytes()), 'nope', 'y'), (e: unknown) => e instanceof AppError && /no tap output nope/.test(e.message));
});

test('the tail file is written once and redone when the tapped model is newer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'encoder-tail-'));
  try {
    const tapped = join(dir, 'encoder_model.taps.onnx');
    writeFileSync(tapped, chain());
    const path = writeEncoderTail(tapped, 'a', 'y');
    assert.equal(path, join(dir, 'encoder_model.taps.tail_a.onnx'));
    const first = statSync(path).ino;
    assert.equal(writeEncoderTail(tapped, 'a', 'y'), path);
    assert.equal(statSync(path).ino, first, 'reused');
    // A re-tapped model, clearly newer than the tail: the tail is written anew (a new file renamed in).
    const later = new Date(Date.now() + 5000);
    utimesSync(tapped, later, later);
    writeEncoderTail(tapped, 'a', 'y');
    const second = statSync(path).ino;
    assert.notEqual(second, first, 'rewritten');
    writeEncoderTail(tapped, 'a', 'y');
    assert.equal(statSync(path).ino, second, 'and then reused, though the tapped model is stamped in the future');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
