import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rpcMethods } from '../../../../electron/common/contract.js';
import { decodeFloat32Chunk, encodeFloat32Chunk } from '../../../../electron/engine/live/audio-chunk.js';

test('float32 LE bytes round-trip', () => {
  const samples = Float32Array.of(0, 0.5, -1, 0.25);
  assert.deepEqual(decodeFloat32Chunk(encodeFloat32Chunk(samples)), samples, 'decoded equals encoded');
  const offset = new Uint8Array(20);
  offset.set(encodeFloat32Chunk(samples), 4);
  assert.deepEqual(decodeFloat32Chunk(offset.subarray(4)), samples, 'a view at an unaligned offset decodes too');
});

test('bad chunks are refused with a reason', () => {
  assert.throws(() => decodeFloat32Chunk(new Uint8Array(0)), /non-empty multiple of 4/, 'empty');
  assert.throws(() => decodeFloat32Chunk(new Uint8Array(6)), /non-empty multiple of 4/, 'not float32');
  assert.throws(() => decodeFloat32Chunk(encodeFloat32Chunk(new Float32Array(9)), 8), /at most 8 samples/, 'too long');
  assert.throws(() => decodeFloat32Chunk(encodeFloat32Chunk(Float32Array.of(0, Number.NaN))), /sample 1 is not a finite number/, 'NaN');
  assert.throws(() => decodeFloat32Chunk(encodeFloat32Chunk(Float32Array.of(100))), /floats in \[-1, 1\]/, 'not audio');
});

test('the contract bounds live params', () => {
  const push = rpcMethods['live.push'].params;
  assert.equal(push.safeParse({ sessionId: 1, samples: new Uint8Array(8) }).success, true, 'a small chunk');
  assert.equal(push.safeParse({ sessionId: 1, samples: new Uint8Array(7) }).success, false, 'not a multiple of 4');
  assert.equal(push.safeParse({ sessionId: 1, samples: new Uint8Array(32_000 * 4 + 4) }).success, false, 'over 2 s');
  assert.equal(push.safeParse({ sessionId: 1, samples: [1, 2] }).success, false, 'not bytes');
  const start = rpcMethods['live.start'].params;
  assert.equal(start.safeParse({ modelId: 1 }).success, true, 'defaults');
  assert.deepEqual(start.parse({ modelId: 1 }), { modelId: 1, alpha: 1, windowSec: 5, hopSec: 1 }, 'default window, hop and alpha');
  assert.equal(start.safeParse({ modelId: 1, windowSec: 2, hopSec: 3 }).success, false, 'hop longer than the window');
  assert.equal(start.safeParse({ modelId: 1, features: [1] }).success, false, 'features without an SAE');
  assert.equal(start.safeParse({ modelId: 1, saeId: 2, features: [1], presetId: 3 }).success, false, 'features and a preset');
  assert.equal(start.safeParse({ modelId: 1, windowSec: 31 }).success, false, 'a window over 30 s');
  assert.equal(rpcMethods['live.saveTake'].params.safeParse({ sessionId: 1, seconds: 301 }).success, false, 'a take over 300 s');
});
