import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AppError } from '../../../electron/common/errors.js';
import { SeededRandom } from '../../../native-models/common/seeded-random.js';
import { WhisperLogMel, melFilterBank } from '../../../native-models/frontends/whisper-log-mel.js';

const SR = 16000;
const N_FFT = 400;
const HOP = 160;
const BINS = N_FFT / 2 + 1;
const FRAMES = 3000;

// ---------------------------------------------------------------------------------------------
// Independent references (float64), written from librosa / openai-whisper, not from the module.

function referenceMelFilters(nMels: number): Float64Array {
  // librosa.filters.mel: slaney mel scale, 'slaney' norm, fmin 0, fmax sr/2.
  const fSp = 200 / 3;
  const minLogHz = 1000;
  const minLogMel = minLogHz / fSp;
  const logStep = Math.log(6.4) / 27;
  const hzToMel = (f: number) => (f >= minLogHz ? minLogMel + Math.log(f / minLogHz) / logStep : f / fSp);
  const melToHz = (m: number) => (m >= minLogMel ? minLogHz * Math.exp(logStep * (m - minLogMel)) : fSp * m);
  const top = hzToMel(SR / 2);
  const melF = Array.from({ length: nMels + 2 }, (_, i) => melToHz((top * i) / (nMels + 1)));
  const weights = new Float64Array(nMels * BINS);
  for (let i = 0; i < nMels; i++) {
    const enorm = 2 / (melF[i + 2]! - melF[i]!);
    for (let k = 0; k < BINS; k++) {
      const f = (k * SR) / N_FFT;
      const lower = (f - melF[i]!) / (melF[i + 1]! - melF[i]!);
      const upper = (melF[i + 2]! - f) / (melF[i + 2]! - melF[i + 1]!);
      weights[i * BINS + k] = Math.max(0, Math.min(lower, upper)) * enorm;
    }
  }
  return weights;
}

/** openai/whisper log_mel_spectrogram with a naive float64 DFT. Returns [nMels, 3000]. */
function referenceLogMel(samples: Float32Array, nMels: number): Float64Array {
  const padded = new Float64Array(480000);
  padded.set(samples);
  const x = new Float64Array(480000 + N_FFT);
  for (let i = 0; i < x.length; i++) {
    let j = i - N_FFT / 2;
    if (j < 0) j = -j; // reflect, edge not repeated
    if (j >= padded.length) j = 2 * (padded.length - 1) - j;
    x[i] = padded[j]!;
  }
  const window = Float64Array.from({ length: N_FFT }, (_, n) => Math.sin((Math.PI * n) / N_FFT) ** 2); // periodic Hann
  const cos = new Float64Array(BINS * N_FFT);
  const sin = new Float64Array(BINS * N_FFT);
  for (let k = 0; k < BINS; k++) {
    for (let n = 0; n < N_FFT; n++) {
      const angle = (2 * Math.PI * ((k * n) % N_FFT)) / N_FFT;
      cos[k * N_FFT + n] = Math.cos(angle);
      sin[k * N_FFT + n] = Math.sin(angle);
    }
  }
  const filters = referenceMelFilters(nMels);
  const logMel = new Float64Array(nMels * FRAMES);
  const frame = new Float64Array(N_FFT);
  const power = new Float64Array(BINS);
  for (let t = 0; t < FRAMES; t++) {
    let silent = true;
    for (let n = 0; n < N_FFT; n++) {
      frame[n] = x[t * HOP + n]! * window[n]!;
      if (frame[n] !== 0) silent = false;
    }
    for (let k = 0; k < BINS; k++) {
      if (silent) {
        power[k] = 0;
        continue;
      }
      let re = 0;
      let im = 0;
      for (let n = 0; n < N_FFT; n++) {
        re += frame[n]! * cos[k * N_FFT + n]!;
        im -= frame[n]! * sin[k * N_FFT + n]!;
      }
      power[k] = re * re + im * im;
    }
    for (let m = 0; m < nMels; m++) {
      let sum = 0;
      for (let k = 0; k < BINS; k++) sum += filters[m * BINS + k]! * power[k]!;
      logMel[m * FRAMES + t] = Math.log10(Math.max(sum, 1e-10));
    }
  }
  let max = -Infinity;
  for (const v of logMel) max = Math.max(max, v);
  return logMel.map((v) => (Math.max(v, max - 8) + 4) / 4);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

function tone(hz: number, seconds: number, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * SR) }, (_, n) => amplitude * Math.sin((2 * Math.PI * hz * n) / SR));
}

// ---------------------------------------------------------------------------------------------

let logMel80: WhisperLogMel;
let logMel128: WhisperLogMel;
before(async () => {
  [logMel80, logMel128] = await Promise.all([WhisperLogMel.create({ nMels: 80 }), WhisperLogMel.create({ nMels: 128 })]);
});
after(async () => {
  await logMel80.dispose();
  await logMel128.dispose();
});

test('mel filters: shape, triangles and slaney area', () => {
  for (const nMels of [80, 128]) {
    const filters = melFilterBank(nMels, N_FFT, SR);
    assert.equal(filters.length, nMels * BINS);
    let previousPeak = -1;
    for (let m = 0; m < nMels; m++) {
      const row = Array.from(filters.subarray(m * BINS, (m + 1) * BINS));
      assert.ok(row.every((v) => v >= 0), `filter ${m} is non-negative`);
      const support = row.flatMap((v, k) => (v > 0 ? [k] : []));
      assert.ok(support.length > 0, `filter ${m} is not empty`);
      assert.equal(support.at(-1)! - support[0]! + 1, support.length, `filter ${m} has one contiguous support`);
      const peak = row.indexOf(Math.max(...row));
      for (let k = support[0]!; k < peak; k++) assert.ok(row[k]! <= row[k + 1]!, `filter ${m} rises to its peak`);
      for (let k = peak; k < support.at(-1)!; k++) assert.ok(row[k]! >= row[k + 1]!, `filter ${m} falls after its peak`);
      assert.ok(peak >= previousPeak, 'filter centres move up in frequency');
      previousPeak = peak;
      // Slaney norm: every triangle has unit area in Hz. Sampling at 40 Hz only approximates the
      // integral, closely once a filter spans many bins.
      if (support.length >= 12) {
        const area = row.reduce((a, b) => a + b, 0) * (SR / N_FFT);
        assert.ok(Math.abs(area - 1) < 0.02, `filter ${m} area ${area}`);
      }
    }
  }
});

test('mel filters: values worked out by hand and from librosa', () => {
  // Filter 0 of 80: edges at 0, 37.239 and 74.478 Hz (mel step 45.2455 / 81, 200/3 Hz per mel);
  // bin 1 (40 Hz) is on the falling side: (74.478 - 40) / 37.239 * 2 / 74.478.
  const melTop = 15 + (27 * Math.log(8)) / Math.log(6.4);
  const hzStep = ((melTop / 81) * 200) / 3;
  const byHand = ((2 * hzStep - 40) / hzStep) * (2 / (2 * hzStep));
  const f80 = melFilterBank(80, N_FFT, SR);
  assert.ok(Math.abs(f80[1]! - byHand) < 1e-8, `filter 0 bin 1: ${f80[1]} vs ${byHand}`);
  assert.equal(f80[0], 0);
  assert.equal(f80[2], 0);

  // librosa.filters.mel(sr=16000, n_fft=400, n_mels=N) (openai-whisper's mel_filters.npz).
  const known: Array<[Float32Array, number, number, number]> = [
    [f80, 0, 1, 0.02486259],
    [f80, 40, 42, 0.00541111],
    [f80, 40, 43, 0.01473557],
    [f80, 40, 44, 0.00651819],
    [f80, 79, 186, 0.00036674],
    [f80, 79, 192, 0.00316471],
    [f80, 79, 199, 0.00044876],
    [melFilterBank(128, N_FFT, SR), 0, 1, 0.01237399],
    [melFilterBank(128, N_FFT, SR), 127, 195, 0.0050416],
  ];
  for (const [filters, m, k, value] of known) {
    assert.ok(Math.abs(filters[m * BINS + k]! - value) < 5e-9, `filter ${m} bin ${k}: ${filters[m * BINS + k]} vs ${value}`);
  }
  assert.equal(f80[79 * BINS + 200], 0, 'the Nyquist bin is outside the top filter');

  for (const nMels of [80, 128]) {
    // float32 storage: relative rounding 6e-8 of values below 0.03.
    const diff = maxAbsDiff(melFilterBank(nMels, N_FFT, SR), referenceMelFilters(nMels));
    assert.ok(diff < 2e-9, `${nMels} filters differ from the reference by ${diff}`);
  }
});

test('log-mel of a full 30 s window matches a float64 naive-DFT reference', async () => {
  const rng = new SeededRandom(5);
  const samples = new Float32Array(WhisperLogMel.WINDOW_SAMPLES);
  for (let n = 0; n < samples.length; n++) {
    // Noise whose level sweeps over ~90 dB, so the max - 8 clamp cuts through real values, plus tones.
    const level = 10 ** (-4.5 * ((n / samples.length) % 0.25) * 4);
    samples[n] = level * (rng.uniform() - 0.5) + 0.1 * Math.sin((2 * Math.PI * 1234.5 * n) / SR) + 0.01 * Math.sin((2 * Math.PI * 97 * n) / SR);
  }
  const output = await logMel80.compute(samples);
  assert.deepEqual(output.dims, [1, 80, FRAMES]);
  const expected = referenceLogMel(samples, 80);
  const diff = maxAbsDiff(output.data, expected);
  assert.ok(diff <= 1e-5, `max abs diff ${diff}`);
  let floor = Infinity;
  for (const v of expected) floor = Math.min(floor, v);
  let clamped = 0;
  for (const v of expected) if (v === floor) clamped++;
  assert.ok(clamped > 1000 && clamped < expected.length / 2, `the signal exercises the dynamic-range clamp (${clamped} clamped)`);
});

test('log-mel of a short chirp equals numpy values (openai-whisper algorithm, rfft in float64)', async () => {
  // numpy: t = arange(32000)/16000; sig = float32(0.5 sin(2π 440 t) + 0.25 sin(2π (300 t + 1000 t²)))
  const samples = Float32Array.from({ length: 2 * SR }, (_, n) => {
    const t = n / SR;
    return 0.5 * Math.sin(2 * Math.PI * 440 * t) + 0.25 * Math.sin(2 * Math.PI * (300 * t + 1000 * t * t));
  });
  const at = (features: { data: Float32Array }, m: number, t: number) => features.data[m * FRAMES + t]!;
  const out80 = await logMel80.compute(samples);
  const known80: Array<[number, number, number]> = [
    [0, 0, 1.1032616492498213],
    [5, 10, -0.17820506695898053],
    [3, 5, -0.375441046531221],
    [11, 20, 1.4381368542827757],
    [12, 60, 1.2935254361205417],
    [9, 100, 1.1593913811917602],
    [60, 150, -0.4125869114678258],
    [79, 199, -0.3039611665751809],
    [30, 199, -0.12333792992212933],
    [10, 200, 1.268109057970352],
    [18, 20, 1.260688131483108],
    [36, 60, 1.2436517744336215],
    [52, 120, 1.198639454667951],
    [54, 120, -0.0195953669765363],
    [63, 190, 1.1345332478192574],
    [65, 190, -0.3580280043446924],
    [50, 2999, -0.488294622908348],
  ];
  for (const [m, t, value] of known80) assert.ok(Math.abs(at(out80, m, t) - value) < 1e-5, `mel ${m} frame ${t}: ${at(out80, m, t)} vs ${value}`);

  const out128 = await logMel128.compute(samples);
  assert.deepEqual(out128.dims, [1, 128, FRAMES]);
  const known128: Array<[number, number, number]> = [
    [0, 0, 1.027502447790952],
    [18, 20, 1.485275620609504],
    [16, 120, 1.3445051803102719],
    [91, 150, 1.2296600003058795],
    [90, 150, 0.8021575558238689],
    [100, 2000, -0.4413706458918849],
  ];
  for (const [m, t, value] of known128) assert.ok(Math.abs(at(out128, m, t) - value) < 1e-5, `128: mel ${m} frame ${t}`);
});

test('a 440 Hz tone peaks in the mel band that contains 440 Hz', async () => {
  const output = await logMel80.compute(tone(440, 1));
  const filters = melFilterBank(80, N_FFT, SR);
  const bin440 = 440 / (SR / N_FFT); // 11 exactly
  let expectedBand = 0;
  for (let m = 1; m < 80; m++) if (filters[m * BINS + bin440]! > filters[expectedBand * BINS + bin440]!) expectedBand = m;
  for (const frame of [10, 50, 90]) {
    let best = 0;
    for (let m = 1; m < 80; m++) if (output.data[m * FRAMES + frame]! > output.data[best * FRAMES + frame]!) best = m;
    assert.equal(best, expectedBand, `frame ${frame}`);
  }
  assert.equal(expectedBand, 11);
});

test('silence gives the constant -1.5: log10(1e-10) = -10, (-10 + 4) / 4', async () => {
  for (const input of [new Float32Array(0), new Float32Array(WhisperLogMel.WINDOW_SAMPLES)]) {
    const output = await logMel80.compute(input);
    assert.ok(output.data.every((v) => v === -1.5), `silence of ${input.length} samples is not constant -1.5`);
  }
});

test('short input is zero-padded to 30 s', async () => {
  const short = tone(1000, 3.3);
  const manual = new Float32Array(WhisperLogMel.WINDOW_SAMPLES);
  manual.set(short);
  const a = await logMel80.compute(short);
  const b = await logMel80.compute(manual);
  assert.deepEqual(a.data, b.data);
});

test('more than 30 s is rejected with a clear error', async () => {
  await assert.rejects(
    () => logMel80.compute(new Float32Array(WhisperLogMel.WINDOW_SAMPLES + 1)),
    (error: unknown) => error instanceof AppError && error.code === 'bad_input' && /at most 480000 samples/.test(error.message),
  );
});

test('concurrent calls do not mix up their inputs', async () => {
  const [loud, silent] = await Promise.all([logMel80.compute(tone(440, 1)), logMel80.compute(new Float32Array(0))]);
  assert.ok(silent.data.every((v) => v === -1.5), 'the silent call stays silent');
  assert.ok(loud.data.some((v) => v > 0), 'the tone call sees its tone');
});
