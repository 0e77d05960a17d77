import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { AppError } from '../../../../electron/common/errors.js';
import { assertDiskSpace, defaultShardFrames, estimateRunBytes, layerTensorName, shardFileName } from '../../../../electron/engine/extraction/extract-job.js';

test('the disk-space check refuses a run that does not fit, naming sizes', () => {
  assert.doesNotThrow(() => assertDiskSpace(tmpdir(), 1024, 0), 'a kilobyte fits');
  assert.throws(
    () => assertDiskSpace(tmpdir(), 2 ** 60, 0),
    (error: unknown) => error instanceof AppError && error.code === 'unavailable' && /Not enough disk space.*GiB needed/.test(error.message),
    'an exabyte does not',
  );
});

test('size estimates: frames x layers x width x bytes per value', () => {
  const clips = [{ id: 1, path: '/a.wav', durationSec: 10 }];
  // 10 s -> 500 frames (+1 for a partial frame), 13 layers, 768 wide, fp16.
  assert.equal(estimateRunBytes(clips, 13, 768, 'float16'), 501 * 13 * 768 * 2 + 4096, 'fp16');
  assert.equal(estimateRunBytes(clips, 13, 768, 'float32'), 501 * 13 * 768 * 4 + 4096, 'fp32');
});

test('shard buffers stay near 256 MiB and hold at least one 30 s window', () => {
  const small = defaultShardFrames(13, 768);
  assert.ok(small * 13 * 768 * 4 <= 256 * 1024 * 1024, `whisper-small: ${small} frames fit the budget`);
  assert.equal(defaultShardFrames(33, 4096), 1500, 'never below one window');
  assert.equal(shardFileName(12), 'shard-00012.safetensors', 'shard names sort');
  assert.equal(layerTensorName(0), 'layer_0', 'tensor names');
});
