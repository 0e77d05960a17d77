import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SampleRing } from '../../../../electron/engine/live/ring-buffer.js';

const seq = (from: number, n: number) => Float32Array.from({ length: n }, (_, i) => from + i);

test('latest returns the newest samples in order, before and after wrapping', () => {
  const ring = new SampleRing(5);
  ring.append(seq(0, 3));
  assert.deepEqual([...ring.latest(10)], [0, 1, 2], 'fewer held than asked: all of them');
  ring.append(seq(3, 4));
  assert.deepEqual([...ring.latest(5)], [2, 3, 4, 5, 6], 'wrapped: the newest five in order');
  assert.deepEqual([...ring.latest(2)], [5, 6], 'the newest two');
  assert.equal(ring.totalWritten, 7, 'every appended sample counts');
  assert.equal(ring.length, 5, 'holds at most its capacity');
});

test('an append longer than the capacity keeps its tail', () => {
  const ring = new SampleRing(4);
  ring.append(seq(0, 2));
  ring.append(seq(10, 9));
  assert.deepEqual([...ring.latest(4)], [15, 16, 17, 18], 'only the newest four survive');
  assert.equal(ring.totalWritten, 11, 'total counts the whole append');
  assert.deepEqual([...ring.latest(0)], [], 'zero samples asked, none returned');
});

test('a bad capacity is refused', () => {
  assert.throws(() => new SampleRing(0), /positive integer capacity/, 'zero capacity');
});
