import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SparseCodes } from '../../../../../electron/engine/analysis/sparse-codes.js';
import { domainClips, valueDomains } from '../../../../../electron/engine/paper-evals/domains/domain-clips.js';
import { classifyFeatures, DomainMassAccumulator, domainShares, type DomainIndex } from '../../../../../electron/engine/paper-evals/domains/domain-specificity.js';

type Row = [clipId: number, fired: Record<number, number>];

function sparse(rows: readonly Row[]): SparseCodes {
  const rowStart = new Int32Array(rows.length + 1);
  const features: number[] = [];
  const values: number[] = [];
  rows.forEach(([, fired], r) => {
    rowStart[r] = features.length;
    for (const [f, v] of Object.entries(fired)) {
      features.push(Number(f));
      values.push(v);
    }
  });
  rowStart[rows.length] = features.length;
  return { rows: rows.length, rowStart, features: Int32Array.from(features), values: Float32Array.from(values) };
}

/**
 * Speech clips 1-4 (2, 2, 3, 3 frames: 10), music clip 5 (2 frames), other clip 6 (1 frame), and
 * clip 7 without a domain. Width 8:
 *  f0 music only (values 1 then 3);
 *  f1 every speech and music frame at 1: equal normalised mass, shared;
 *  f2 every speech frame at 1 and one music frame at 0.4: raw mass would call it speech
 *     (audio 4 / 4.4 = 0.91, frame 10 / 10.4 = 0.96), normalised it is shared
 *     (audio 1 / (1 + 0.4) = 0.71, frame 1 / (1 + 0.2) = 0.83);
 *  f3 the first frame of each speech clip at 1, both music frames at 0.05: audio speech
 *     1 / (1 + 0.05) = 0.95 (speech), frame 0.4 / (0.4 + 0.05) = 0.89 (shared);
 *  f4 the other clip at 0.5; f5 fires only on clip 7 (dead); f6, f7 never fire.
 */
const SPEECH_FRAMES = [2, 2, 3, 3];
function plantedStream(): Row[] {
  const rows: Row[] = [];
  SPEECH_FRAMES.forEach((frames, i) => {
    for (let j = 0; j < frames; j++) rows.push([i + 1, j === 0 ? { 1: 1, 2: 1, 3: 1 } : { 1: 1, 2: 1 }]);
  });
  rows.push([5, { 0: 1, 1: 1, 2: 0.4, 3: 0.05 }], [5, { 0: 3, 1: 1, 3: 0.05 }]);
  rows.push([6, { 4: 0.5 }]);
  rows.push([7, { 5: 2 }], [7, { 5: 2 }]);
  return rows;
}

const CLIP_DOMAIN = new Map<number, DomainIndex>([[1, 0], [2, 0], [3, 0], [4, 0], [5, 1], [6, 2]]);
const CLIP_ROWS = new Map<number, number>([[1, 2], [2, 2], [3, 3], [4, 3], [5, 2], [6, 1], [7, 2]]);

function accumulate(rows: Row[], batch: number) {
  const acc = new DomainMassAccumulator(8, CLIP_DOMAIN, CLIP_ROWS);
  for (let start = 0; start < rows.length; start += batch) {
    const part = rows.slice(start, start + batch);
    acc.add(Int32Array.from(part.map(([c]) => c)), sparse(part));
  }
  return acc.finish();
}

describe('domain specificity on a planted code stream', () => {
  test('audio and frame level classes and shares are as computed by hand, with domain-size normalisation', () => {
    for (const batch of [1, 3, 100]) {
      const masses = accumulate(plantedStream(), batch);
      assert.deepEqual(masses.audio.units, [4, 1, 1], 'clips per domain');
      assert.deepEqual(masses.frame.units, [10, 2, 1], 'frames per domain');
      assert.deepEqual(Array.from(masses.audio.mass[1].subarray(0, 2)), [3, 1], 'music clip maxima of f0 and f1');
      const audio = classifyFeatures(masses.audio, 0.9);
      const frame = classifyFeatures(masses.frame, 0.9);
      assert.deepEqual(audio, ['music', 'shared', 'shared', 'speech', 'other', 'dead', 'dead', 'dead'], `audio level, batches of ${batch}`);
      assert.deepEqual(frame, ['music', 'shared', 'shared', 'shared', 'other', 'dead', 'dead', 'dead'], `frame level, batches of ${batch}`);
      const raw = (m: typeof masses.audio) => classifyFeatures({ ...m, units: [1, 1, 1] }, 0.9)[2];
      assert.deepEqual([raw(masses.audio), raw(masses.frame)], ['speech', 'speech'], 'without the normalisation f2 would count as speech');
      assert.deepEqual(domainShares(audio), { speech: 1 / 8, music: 1 / 8, other: 1 / 8, shared: 2 / 8, dead: 3 / 8 });
      assert.deepEqual(domainShares(frame), { speech: 0, music: 1 / 8, other: 1 / 8, shared: 3 / 8, dead: 3 / 8 });
    }
  });

  test('clip order does not matter: interleaved clips give the same masses', () => {
    const rows = plantedStream();
    const interleaved = [...rows.filter((_, i) => i % 2 === 0), ...rows.filter((_, i) => i % 2 === 1)];
    assert.deepEqual(accumulate(interleaved, 4), accumulate(rows, 4));
  });

  test('the specificity bar is inclusive and a lower bar turns shared features specific', () => {
    const m = { mass: [Float64Array.of(3, 2), Float64Array.of(1, 1), Float64Array.of(0, 1)] as [Float64Array, Float64Array, Float64Array], units: [1, 1, 1] as [number, number, number] };
    assert.deepEqual(classifyFeatures(m, 0.75), ['speech', 'shared'], '3 / 4 = 0.75 passes a 0.75 bar');
    assert.deepEqual(classifyFeatures(m, 0.76), ['shared', 'shared']);
    assert.deepEqual(classifyFeatures({ ...m, units: [3, 1, 1] }, 0.6), ['shared', 'shared'], 'speech mass 3 over 3 clips: 1 vs 1');
  });
});

describe('domain clips', () => {
  test('maps label values to domains and refuses a value in two domains', () => {
    const values = valueDomains({ speech: ['tone'], music: ['chirp', 'piano'], other: ['noise'] });
    assert.deepEqual([...values], [['tone', 0], ['chirp', 1], ['piano', 1], ['noise', 2]]);
    assert.throws(() => valueDomains({ speech: ['tone'], music: ['tone'], other: ['noise'] }), /"tone" is listed for both speech and music/);
  });

  test('a clip with values of two domains is left out and counted; values of one domain count once', () => {
    const values = valueDomains({ speech: ['tone'], music: ['chirp', 'piano'], other: ['noise'] });
    const labels = new Map([[1, ['tone']], [2, ['chirp', 'piano']], [3, ['tone', 'noise']], [4, ['unknown']], [5, ['noise']]]);
    const clips = domainClips(labels, values);
    assert.deepEqual([...clips.domainOf], [[1, 0], [2, 1], [5, 2]]);
    assert.deepEqual(clips.clips, { speech: 1, music: 1, other: 1 });
    assert.equal(clips.ambiguous, 1);
  });
});
