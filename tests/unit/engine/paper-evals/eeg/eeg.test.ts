import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { correlateWithEeg, featureCourses, type StimulusActivations } from '../../../../../electron/engine/paper-evals/eeg/eeg-correlation.js';
import { readEegChannel, checkEegChannel } from '../../../../../electron/engine/paper-evals/eeg/eeg-recording.js';
import { readEdfHeader } from '../../../../../electron/engine/paper-evals/eeg/edf-reader.js';
import { addFramesToCourse, benjaminiHochberg, CircularCorrelator } from '../../../../../electron/engine/paper-evals/eeg/lagged-correlation.js';
import { matchOnsets, readOnsetsCsv } from '../../../../../electron/engine/paper-evals/eeg/stimulus-onsets.js';
import { SeededRandom } from '../../../../../native-models/common/seeded-random.js';
import { quantised, writeEdf } from '../../../../helpers/edf-writer.js';
import { makeTempDir } from '../../../../helpers/temp-dir.js';

/** Pearson r the textbook two-pass way. */
function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

describe('EDF / BDF / CSV reading', () => {
  for (const format of ['edf', 'bdf'] as const) {
    test(`${format}: channels read back with the file's scaling, record by record; annotations; refusals`, () => {
      const dir = makeTempDir('audiosae-edf-');
      try {
        const rate = 128;
        const pz = Array.from({ length: rate * 5 + 17 }, (_, i) => 40 * Math.sin(i / 7) + (i % 13));
        const cz = Array.from({ length: pz.length }, (_, i) => -20 + (i % 50));
        const path = join(dir.path, `rec.${format}`);
        writeEdf(path, { format, rateHz: rate, signals: [{ label: 'EEG Cz', samples: cz, physicalMin: -100, physicalMax: 100 }, { label: 'EEG Pz', samples: pz, physicalMin: -200, physicalMax: 200 }], annotations: [{ onsetSec: 0.5, text: 'tone/a.wav' }, { onsetSec: 3.25, text: 'noise/b.wav' }] });
        const header = readEdfHeader(path);
        assert.equal(header.format, format);
        assert.equal(header.plus, true);
        const read = readEegChannel(path, format, 'Pz');
        assert.equal(read.rateHz, rate);
        for (let i = 0; i < pz.length; i++) assert.ok(Math.abs(read.samples[i]! - quantised(pz[i]!, -200, 200, format)) < 1e-9, `sample ${i}`);
        assert.equal(read.samples.length, Math.ceil(pz.length / rate) * rate, 'whole records (the last padded)');
        assert.deepEqual(read.annotations.map((a) => [a.onsetSec, a.text]), [[0.5, 'tone/a.wav'], [3.25, 'noise/b.wav']]);
        assert.throws(() => checkEegChannel(path, format, 'Oz'), /no channel Oz; it has EEG Cz, EEG Pz/);
        const cut = join(dir.path, `cut.${format}`);
        writeFileSync(cut, readFileSync(path).subarray(0, header.headerBytes + header.recordBytes * 2 + 7));
        assert.throws(() => readEdfHeader(cut), /declares 6 data records but holds 2 \(the file is cut short\)/);
        writeFileSync(join(dir.path, 'short.edf'), 'not an edf');
        assert.throws(() => readEdfHeader(join(dir.path, 'short.edf')), /shorter than the 256-byte header/);
      } finally {
        dir.cleanup();
      }
    });
  }

  test('CSV: the time column gives the rate; unknown channels and bad cells are refused', () => {
    const dir = makeTempDir('audiosae-eegcsv-');
    try {
      const path = join(dir.path, 'rec.csv');
      writeFileSync(path, 'time,Fz,Pz\n' + Array.from({ length: 200 }, (_, i) => `${(i / 250).toFixed(3)},${i},${-i}`).join('\n') + '\n');
      const read = readEegChannel(path, 'csv', 'pz');
      assert.equal(Math.round(read.rateHz), 250);
      assert.equal(read.samples[199], -199);
      assert.throws(() => checkEegChannel(path, 'csv', 'Cz'), /no channel Cz; it has Fz, Pz/);
      writeFileSync(path, 'time,Pz\n0,1\n0.004,NaN\n');
      assert.throws(() => readEegChannel(path, 'csv', 'Pz'), /line 3: channel Pz holds "NaN"/);
      writeFileSync(path, 'time,Pz\n0,1\n0.004,2\n0.008,3\n0.016,4\n');
      assert.throws(() => readEegChannel(path, 'csv', 'Pz'), /line 5: the time 0.016 breaks the sampling step of 0.004 s/);
    } finally {
      dir.cleanup();
    }
  });
});

describe('lagged correlation', () => {
  test('the FFT circular correlation equals the two-pass Pearson r of the circularly shifted series', () => {
    const random = new SeededRandom(4);
    const n = 301;
    const x = Array.from({ length: n }, () => random.normal());
    const a = Array.from({ length: n }, (_, i) => (i % 17 < 4 ? 1 + random.uniform() : 0));
    const r = new CircularCorrelator(x).correlate(a)!;
    for (const d of [0, 1, 5, 50, 150, 300]) {
      const shifted = Array.from({ length: n }, (_, t) => a[(((t - d) % n) + n) % n]!);
      assert.ok(Math.abs(r[d]! - pearson(x, shifted)) < 1e-12, `shift ${d}`);
    }
    assert.equal(new CircularCorrelator(x).correlate(new Array(n).fill(2)), null, 'a constant feature has no r');
  });

  test('frames are area-averaged onto EEG samples (finer and coarser than the frames)', () => {
    const fine = new Float64Array(8);
    addFramesToCourse(fine, 100, [{ startSec: 0.02, value: 3 }], 0.02);
    assert.deepEqual([...fine].map((v) => +v.toFixed(9)), [0, 0, 3, 3, 0, 0, 0, 0], 'a 20 ms frame fills two 10 ms samples');
    const coarse = new Float64Array(2);
    addFramesToCourse(coarse, 25, [{ startSec: 0, value: 2 }, { startSec: 0.02, value: 4 }], 0.02);
    assert.ok(Math.abs(coarse[0]! - 3) < 1e-12 && coarse[1] === 0, 'two 20 ms frames average into one 40 ms sample');
  });

  test('Benjamini-Hochberg against a hand-worked example', () => {
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.2]);
    assert.deepEqual(q.map((v) => +v.toFixed(4)), [0.04, 0.0533, 0.0533, 0.2]);
  });

  for (const correction of ['max-statistic', 'fdr', 'bonferroni'] as const) {
    test(`${correction}: a response planted at 200 ms is found at 200 ms and significant; an unrelated feature is not`, () => {
      const rate = 100;
      const random = new SeededRandom(11);
      // Back-to-back 1 s stimuli: no on/off envelope that every feature would share with the EEG.
      const clips = 120;
      const onsets = new Map<number, number[]>();
      const entries: { clip: number; time: number; feature: number; value: number }[] = [];
      for (let c = 0; c < clips; c++) {
        onsets.set(c + 1, [2 + c]);
        for (let f = 0; f < 50; f++) {
          const time = f * 0.02;
          if (random.uniform() < 0.3) entries.push({ clip: c + 1, time, feature: 7, value: 1 + random.uniform() });
          if (random.uniform() < 0.3) entries.push({ clip: c + 1, time, feature: 9, value: 1 + random.uniform() });
        }
      }
      const activations: StimulusActivations = {
        saeId: 1,
        layer: 6,
        width: 16,
        frameSec: 0.02,
        clipIds: Int32Array.from(entries, (e) => e.clip),
        times: Float32Array.from(entries, (e) => e.time),
        features: Int32Array.from(entries, (e) => e.feature),
        values: Float32Array.from(entries, (e) => e.value),
      };
      const n = (clips + 4) * rate;
      const course = featureCourses(activations, [7], onsets, n, rate).get(7)!;
      const lag = Math.round(0.2 * rate);
      const eeg = Float64Array.from({ length: n }, (_, t) => (t >= lag ? course[t - lag]! : 0) + 1.5 * random.normal());
      const out = correlateWithEeg({ eeg, rateHz: rate, onsets, params: { maxLagMs: 500, lagStepMs: 10, features: 5, permutations: 3000, alpha: 0.05, correction, seed: 3 } }, [activations]);
      const planted = out.tested.find((t) => t.feature === 7)!;
      const unrelated = out.tested.find((t) => t.feature === 9)!;
      assert.equal(planted.bestLagMs, 200);
      assert.ok(planted.significant, `planted p ${planted.p}`);
      assert.equal(unrelated.significant, false, `unrelated p ${unrelated.p}`);
      assert.equal(out.lagsMs.length, 51);
      const direct = pearson(eeg, Float64Array.from({ length: n }, (_, t) => course[(((t - lag) % n) + n) % n]!));
      assert.ok(Math.abs(planted.r[20]! - direct) < 1e-9, 'r at 200 ms is the two-pass Pearson r');
    });
  }
});

describe('stimulus onsets', () => {
  test('clips are found by id, path, file name or stem; the rest are reported', () => {
    const dir = makeTempDir('audiosae-onsets-');
    try {
      const path = join(dir.path, 'onsets.csv');
      writeFileSync(path, 'clip,onset_sec\n3,1.5\ntone/a.wav,4\nb.wav,7\nc,9\nmissing.wav,11\n');
      const clips = [
        { id: 3, relativePath: 'x/z.wav', durationSec: 1 },
        { id: 4, relativePath: 'tone/a.wav', durationSec: 1 },
        { id: 5, relativePath: 'noise/b.wav', durationSec: 1 },
        { id: 6, relativePath: 'chirp/c.flac', durationSec: 1 },
      ];
      const matched = matchOnsets(readOnsetsCsv(path), clips);
      assert.deepEqual(matched.onsets, [{ clipId: 3, onsetSec: 1.5 }, { clipId: 4, onsetSec: 4 }, { clipId: 5, onsetSec: 7 }, { clipId: 6, onsetSec: 9 }]);
      assert.deepEqual(matched.unmatched, ['missing.wav']);
      writeFileSync(path, 'name,when\na,1\n');
      assert.throws(() => readOnsetsCsv(path), /must name a clip column/);
    } finally {
      dir.cleanup();
    }
  });
});
