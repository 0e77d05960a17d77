import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../../../../native-models/common/seeded-random.js';
import type { SparseCodes } from '../../../../../electron/engine/analysis/sparse-codes.js';
import { stratifiedFolds } from '../../../../../electron/engine/evaluation-probing/probing-sweep.js';
import { probingClips } from '../../../../../electron/engine/paper-evals/probing/probing-clips.js';
import { AudioLevelSamples, FrameLevelSamples } from '../../../../../electron/engine/paper-evals/probing/probing-samples.js';

const WIDTH = 10;

/** Dense random non-negative frames (about half the entries zero) of clips 1..clips, `rows` frames each. */
function denseFrames(clips: number, rows: number, seed: number): { clipOf: number[]; dense: Float32Array[] } {
  const rng = new SeededRandom(seed);
  const clipOf: number[] = [];
  const dense: Float32Array[] = [];
  for (let c = 1; c <= clips; c++) {
    for (let r = 0; r < rows + (c % 3); r++) {
      clipOf.push(c);
      dense.push(Float32Array.from({ length: WIDTH }, () => (rng.uniform() < 0.5 ? 0 : rng.uniform() * 3)));
    }
  }
  return { clipOf, dense };
}

/** The frames from..to as SparseCodes (only the non-zero entries), as the encoder gives them. */
function sparse(dense: Float32Array[], from: number, to: number): SparseCodes {
  const rowStart = [0];
  const features: number[] = [];
  const values: number[] = [];
  for (let r = from; r < to; r++) {
    dense[r]!.forEach((v, j) => {
      if (v > 0) {
        features.push(j);
        values.push(v);
      }
    });
    rowStart.push(features.length);
  }
  return { rows: to - from, rowStart: Int32Array.from(rowStart), features: Int32Array.from(features), values: Float32Array.from(values) };
}

function feed(collector: { add(clipIds: Int32Array, codes: SparseCodes): void }, clipOf: number[], dense: Float32Array[], batch: number): void {
  for (let start = 0; start < dense.length; start += batch) {
    const end = Math.min(dense.length, start + batch);
    collector.add(Int32Array.from(clipOf.slice(start, end)), sparse(dense, start, end));
  }
}

test('audio level: one sample per labelled clip, each feature its maximum over the clip, across batch borders', () => {
  const { clipOf, dense } = denseFrames(7, 9, 3);
  const classOf = new Map([[1, 0], [2, 1], [3, 0], [4, 1], [6, 0], [7, 1]]); // clip 5 unlabelled
  const clipRows = new Map<number, number>();
  clipOf.forEach((c) => clipRows.set(c, (clipRows.get(c) ?? 0) + 1));
  const collector = new AudioLevelSamples(classOf, clipRows);
  feed(collector, clipOf, dense, 4);
  const samples = collector.finish();
  assert.equal(samples.length, 6, 'clip 5 has no class and is left out');
  [...classOf.keys()].sort((a, b) => a - b).forEach((clip, i) => {
    const max = new Float32Array(WIDTH);
    dense.forEach((row, r) => clipOf[r] === clip && row.forEach((v, j) => (max[j] = Math.max(max[j]!, v))));
    const got = new Float32Array(WIDTH);
    samples[i]!.features.forEach((j, t) => (got[j] = samples[i]!.values[t]!));
    assert.deepEqual(got, max, `clip ${clip}: max-pooled codes`);
    assert.equal(samples[i]!.label, classOf.get(clip));
    assert.equal(samples[i]!.group, undefined, 'audio-level samples are independent');
    assert.ok(samples[i]!.features.every((f, t, a) => t === 0 || a[t - 1]! < f), 'features sorted');
  });
});

test('frame level: at most maxPerClass frames per class, each a real frame of its class tagged with its clip, seeded', () => {
  const { clipOf, dense } = denseFrames(6, 20, 5);
  const classOf = new Map([[1, 0], [2, 0], [3, 1], [4, 1], [5, 1]]);
  const run = (seed: number) => {
    const collector = new FrameLevelSamples(classOf, 2, 25, seed);
    feed(collector, clipOf, dense, 7);
    return collector.finish();
  };
  const samples = run(1);
  const framesOf = (c: number) => clipOf.filter((clip) => classOf.get(clip) === c).length;
  assert.equal(samples.filter((s) => s.label === 0).length, Math.min(25, framesOf(0)));
  assert.equal(samples.filter((s) => s.label === 1).length, Math.min(25, framesOf(1)));
  for (const s of samples) {
    assert.equal(classOf.get(s.group!), s.label, 'the group is a clip of the sample\'s class');
    const match = dense.some((row, r) => clipOf[r] === s.group && row.every((v, j) => { const t = s.features.indexOf(j); return t < 0 ? v === 0 : s.values[t] === v; }));
    assert.ok(match, 'each sample is one of its clip\'s frames');
  }
  assert.deepEqual(run(1), samples, 'same seed, same sample');
  assert.notDeepEqual(run(2), samples, 'another seed, another sample');
});

test('frame level reservoir: every frame of a class is equally likely to be kept', () => {
  const clipOf = Array.from({ length: 20 }, () => 1);
  const dense = Array.from({ length: 20 }, (_, r) => Float32Array.from({ length: WIDTH }, (_, j) => (j === 0 ? r + 1 : 0)));
  const kept = new Array<number>(20).fill(0);
  const trials = 600;
  for (let seed = 0; seed < trials; seed++) {
    const collector = new FrameLevelSamples(new Map([[1, 0]]), 1, 5, seed);
    feed(collector, clipOf, dense, 6);
    for (const s of collector.finish()) kept[s.values[0]! - 1]!++;
  }
  for (const [r, n] of kept.entries()) assert.ok(Math.abs(n / trials - 0.25) < 0.07, `frame ${r} kept in ${n / trials} of runs, expected 0.25`);
});

test('grouped folds keep every clip\'s frames in one fold and deal each class\'s clips evenly', () => {
  const groups: number[] = [];
  const labels: number[] = [];
  for (let clip = 0; clip < 30; clip++) for (let f = 0; f < 3 + (clip % 4); f++) {
    groups.push(clip);
    labels.push(clip < 20 ? 0 : 1);
  }
  const fold = stratifiedFolds(labels, 5, 9, groups);
  const foldOfClip = new Map<number, Set<number>>();
  groups.forEach((g, i) => foldOfClip.set(g, (foldOfClip.get(g) ?? new Set()).add(fold[i]!)));
  for (const [clip, folds] of foldOfClip) assert.equal(folds.size, 1, `clip ${clip} must sit in one fold`);
  for (let f = 0; f < 5; f++) {
    const clipsIn = (c: number) => [...foldOfClip].filter(([g, s]) => s.has(f) && (g < 20 ? 0 : 1) === c).length;
    assert.equal(clipsIn(0), 4, `fold ${f}: 4 clips of class 0`);
    assert.equal(clipsIn(1), 2, `fold ${f}: 2 clips of class 1`);
  }
  assert.throws(() => stratifiedFolds([0, 1], 2, 1, [7, 7]), /two classes/);
});

test('clip classes: several values or other values are left out; by default classes with fewer clips than folds are dropped', () => {
  const labels = new Map<number, string[]>([
    [1, ['dog']], [2, ['dog']], [3, ['dog']], [4, ['cat']], [5, ['cat']], [6, ['cat']], [7, ['dog', 'cat']], [8, ['bird']],
  ]);
  const byDefault = probingClips(labels, undefined, 3);
  assert.deepEqual(byDefault.classes, ['cat', 'dog']);
  assert.deepEqual(byDefault.clipsPerClass, [3, 3]);
  assert.deepEqual(byDefault.droppedClasses, ['bird']);
  assert.deepEqual(byDefault.skipped, { multiValued: 1, otherValue: 1 });
  assert.equal(byDefault.classOf.get(1), 1);
  assert.equal(byDefault.classOf.has(7), false);
  const chosen = probingClips(labels, ['dog', 'bird'], 3);
  assert.deepEqual(chosen.clipsPerClass, [3, 1], 'given classes are kept, even short ones (the check refuses them)');
  assert.deepEqual(chosen.skipped, { multiValued: 1, otherValue: 3 });
});
