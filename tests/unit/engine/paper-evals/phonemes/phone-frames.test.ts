import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AlignedInterval } from '../../../../../electron/engine/alignments/alignment-formats.js';
import type { CodeBatch } from '../../../../../electron/engine/paper-evals/run-codes.js';
import { PhoneFrameSampler } from '../../../../../electron/engine/paper-evals/phonemes/phone-frames.js';
import { removalSteps } from '../../../../../electron/engine/paper-evals/phonemes/phonemes-evaluation.js';

const RATE = 50;

/** Frames 0..n-1 of each clip; row r fires one latent whose index is the frame number (to see which frames were kept). */
function batch(clips: { clipId: number; frames: number }[]): CodeBatch {
  const rows = clips.reduce((n, c) => n + c.frames, 0);
  const clipIds = new Int32Array(rows);
  const frames = new Int32Array(rows);
  const times = new Float64Array(rows);
  let r = 0;
  for (const c of clips) {
    for (let f = 0; f < c.frames; f++, r++) {
      clipIds[r] = c.clipId;
      frames[r] = f;
      times[r] = f / RATE;
    }
  }
  const rowStart = Int32Array.from({ length: rows + 1 }, (_, i) => i);
  return { clipIds, frames, times, codes: { rows, rowStart, features: Int32Array.from(frames), values: new Float32Array(rows).fill(1) } };
}

describe('phone frames', () => {
  test('frames take the phone at their centre, silence and unaligned clips are left out, clips become groups', () => {
    // Clip 1: AA over [0.1, 0.25) -> frames 5..11 (centres 0.11..0.23); S over [0.25, 0.31) -> frames 12..14; "sil" after.
    const clip1: AlignedInterval[] = [
      { startSec: 0.1, endSec: 0.25, label: 'AA' },
      { startSec: 0.25, endSec: 0.31, label: 'S' },
      { startSec: 0.31, endSec: 0.4, label: 'sil' },
    ];
    // Clip 2: S over [0, 0.05) -> frames 0..2 (centre of frame 2 is 0.05: not in it, so frames 0, 1).
    const clip2: AlignedInterval[] = [{ startSec: 0, endSec: 0.05, label: 'S' }];
    const sampler = new PhoneFrameSampler(new Map([[1, clip1], [2, clip2]]), RATE, 1000, 0);
    sampler.add(batch([{ clipId: 1, frames: 20 }, { clipId: 2, frames: 5 }, { clipId: 3, frames: 5 }]));
    const { phones, samples, frames } = sampler.samples(1);
    assert.deepEqual(phones, ['AA', 'S']);
    assert.deepEqual(frames, { AA: 7, S: 5 });
    const kept = (label: number) => samples.filter((s) => s.label === label).map((s) => `${s.group}:${s.features[0]}`);
    assert.deepEqual(kept(0), ['1:5', '1:6', '1:7', '1:8', '1:9', '1:10', '1:11']);
    assert.deepEqual(kept(1), ['1:12', '1:13', '1:14', '2:0', '2:1']);
    assert.deepEqual(sampler.samples(6).phones, ['AA'], 'phones with fewer aligned frames than asked are dropped');
  });

  test('at most maxPerPhone frames per phone, distinct and of that phone; the sample depends on the seed only', () => {
    const long: AlignedInterval[] = [{ startSec: 0, endSec: 10, label: 'IY' }];
    const draw = (seed: number) => {
      const sampler = new PhoneFrameSampler(new Map([[7, long]]), RATE, 25, seed);
      const whole = batch([{ clipId: 7, frames: 500 }]);
      sampler.add(whole);
      return sampler.samples(1).samples.map((s) => s.features[0]!);
    };
    const a = draw(1);
    assert.equal(a.length, 25);
    assert.equal(new Set(a).size, 25);
    assert.ok(a.every((f) => f >= 0 && f < 500));
    assert.ok(a.some((f) => f >= 25), 'later frames replace early ones (a uniform sample, not the first 25)');
    assert.deepEqual(draw(1), a);
    assert.notDeepEqual(draw(2), a);
  });

  test('removal steps: the shares of the width, rounded, at least 1, below the width, without repeats', () => {
    assert.deepEqual(removalSteps(128), [1, 3, 6, 13, 19, 26, 32, 38, 51, 64, 96]);
    assert.deepEqual(removalSteps(4), [1, 2, 3]);
  });
});
