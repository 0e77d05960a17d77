import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { audioWindows } from '../../../../electron/engine/extraction/audio-windows.js';
import { framesCovering } from '../../../../electron/engine/extraction/extract-job.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { encodeWav, whiteNoise } from '../../../helpers/wav-folder.js';

const dir = makeTempDir('audio-windows-');
after(() => dir.cleanup());

test('a long clip becomes full 30 s windows plus a short last one, nothing dropped', async () => {
  const path = join(dir.path, 'long.wav');
  const samples = whiteNoise(61.5, 16000, 9, 0.25);
  writeFileSync(path, encodeWav([samples], 16000, '32f'));
  const windows = [];
  for await (const w of audioWindows(path, 16000, 480000)) windows.push({ index: w.index, length: w.samples.length, startSec: w.startSec, first: w.samples[0]!, last: w.samples.at(-1)! });
  assert.deepEqual(windows.map((w) => [w.index, w.length, w.startSec]), [[0, 480000, 0], [1, 480000, 30], [2, 24000, 60]], 'window layout');
  assert.ok(Math.abs(windows[1]!.first - samples[480000]!) < 1e-6, 'window 1 starts at sample 480000');
  assert.ok(Math.abs(windows[2]!.last - samples.at(-1)!) < 1e-6, 'the last sample is kept');
});

test('frames covering real audio: 320 samples per frame, at most 1500', () => {
  assert.equal(framesCovering(480000), 1500, 'full window');
  assert.equal(framesCovering(24000), 75, '1.5 s');
  assert.equal(framesCovering(321), 2, 'a partial frame counts');
  assert.equal(framesCovering(1), 1, 'one sample');
});
