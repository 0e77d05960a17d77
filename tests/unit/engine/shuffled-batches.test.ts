import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { float32ToFloat16, writeSafetensors } from '../../../native-models/formats/safetensors.js';
import { ShuffledBatches, type ShardSource } from '../../../electron/engine/training/shuffled-batches.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const D = 3;

/** Shards whose row r of layer l holds [l, shard, r] (fp16, as extraction writes them). */
function writeShards(dir: string, frames: number[], poison?: { shard: number; row: number }): ShardSource[] {
  return frames.map((n, s) => {
    const path = join(dir, `shard-${String(s).padStart(5, '0')}.safetensors`);
    const tensors = [1, 2].map((layer) => {
      const rows = new Float32Array(n * D);
      for (let r = 0; r < n; r++) rows.set([layer, s, r], r * D);
      if (poison && poison.shard === s && layer === 2) rows[poison.row * D] = NaN;
      const half = float32ToFloat16(rows);
      return { name: `layer_${layer}`, dtype: 'F16' as const, shape: [n, D], bytes: new Uint8Array(half.buffer) };
    });
    writeSafetensors(path, tensors);
    return { path, frames: n };
  });
}

const rowsOf = (batch: Float32Array) => Array.from({ length: batch.length / D }, (_, i) => Array.from(batch.subarray(i * D, (i + 1) * D)));

test('the same seed gives the same batches; every layer gets the same rows; an epoch covers every row once', async () => {
  const dir = makeTempDir('shuffle-');
  try {
    const shards = writeShards(dir.path, [7, 0, 13, 4]);
    const make = (seed: number) => new ShuffledBatches({ shards, layers: [1, 2], dIn: D, batchSize: 6, bufferRows: 8, seed });
    const a = make(5);
    const b = make(5);
    const c = make(6);
    const seen: string[] = [];
    let differs = false;
    for (let step = 0; step < 4; step++) {
      const [a1, a2] = await a.next();
      const [b1] = await b.next();
      const [c1] = await c.next();
      assert.deepEqual(a1, b1, `step ${step}: same seed, same batch`);
      if (!rowsOf(a1!).every((r, i) => r.join() === rowsOf(c1!)[i]!.join())) differs = true;
      assert.deepEqual(rowsOf(a1!).map((r) => r.slice(1)), rowsOf(a2!).map((r) => r.slice(1)), 'layers share the rows');
      seen.push(...rowsOf(a1!).map((r) => r.slice(1).join()));
    }
    assert.ok(differs, 'another seed, another order');
    // 24 rows drawn: the first 24 - 8 (buffer) come from the first epoch of 24 rows, so no repeats there.
    assert.equal(new Set(seen.slice(0, 16)).size, 16, 'no row repeats within an epoch');
  } finally {
    dir.cleanup();
  }
});

test('a non-finite activation is refused naming the shard, layer and row; an empty run is refused', async () => {
  const dir = makeTempDir('shuffle-');
  try {
    const shards = writeShards(dir.path, [5, 5], { shard: 1, row: 3 });
    const stream = new ShuffledBatches({ shards, layers: [1, 2], dIn: D, batchSize: 4, bufferRows: 10, seed: 0 });
    await assert.rejects(stream.next(), /shard-00001\.safetensors holds a non-finite value \(NaN\) in layer_2, row 3/);
    assert.throws(() => new ShuffledBatches({ shards: [{ path: shards[0]!.path, frames: 0 }], layers: [1], dIn: D, batchSize: 4, bufferRows: 10, seed: 0 }), /no frames/);
  } finally {
    dir.cleanup();
  }
});
