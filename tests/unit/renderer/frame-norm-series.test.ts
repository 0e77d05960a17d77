import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { frameNormSeries, normStats } from '../../../renderer/src/lib/frame-norm-series.js';

describe('frameNormSeries', () => {
  it('maps frames to seconds and splits off the padding, joined at the last audio frame', () => {
    const series = frameNormSeries({ norms: [1, 2, 3, 4, 5], frames: 3, frameRateHz: 50 });
    assert.deepEqual(series.audio, [
      { x: 0, y: 1 },
      { x: 0.02, y: 2 },
      { x: 0.04, y: 3 },
    ]);
    assert.deepEqual(series.padding, [
      { x: 0.04, y: 3 },
      { x: 0.06, y: 4 },
      { x: 0.08, y: 5 },
    ]);
    assert.equal(series.maxSeconds, 0.1);
  });

  it('has no padding when every frame is audio', () => {
    const series = frameNormSeries({ norms: [1, 2], frames: 2, frameRateHz: 1 });
    assert.equal(series.audio.length, 2);
    assert.deepEqual(series.padding, []);
  });

  it('clamps frames to the norms it has', () => {
    assert.equal(frameNormSeries({ norms: [1, 2], frames: 9, frameRateHz: 1 }).audio.length, 2);
  });
});

describe('normStats', () => {
  it('averages the audio frames only', () => {
    assert.deepEqual(normStats([2, 4, 100], 2), { mean: 3, max: 4 });
    assert.equal(normStats([], 0), null);
  });
});
