import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  binFrequency,
  colourAt,
  frequencyPosition,
  hzToMel,
  melToHz,
  mixDown,
  rowBins,
  spectrogram,
  spectrogramPixels,
  wavSampleRate,
} from '../../../renderer/src/lib/spectrogram.js';
import { peakColumns, timeAt } from '../../../renderer/src/lib/waveform.js';
import { encodeWav, tone } from '../../helpers/wav-folder.js';

describe('spectrogram', () => {
  it('puts a 1 kHz sine in the 1 kHz bin at about 0 dB for full scale', () => {
    const sr = 16_000;
    const samples = Float32Array.from(tone(1000, 1, sr, 1));
    const spec = spectrogram(samples, sr, { fftSize: 512 });
    assert.equal(spec.bins, 257);
    const frame = Math.floor(spec.frames / 2);
    let peakBin = 0;
    for (let b = 1; b < spec.bins; b++) if (spec.db[frame * spec.bins + b]! > spec.db[frame * spec.bins + peakBin]!) peakBin = b;
    assert.ok(Math.abs(binFrequency(peakBin, 512, sr) - 1000) <= sr / 512, `peak at ${binFrequency(peakBin, 512, sr)} Hz`);
    assert.ok(Math.abs(spec.db[frame * spec.bins + peakBin]!) < 1.5, `peak ${spec.db[frame * spec.bins + peakBin]} dB`);
    // Far from the tone the energy is tiny.
    assert.ok(spec.db[frame * spec.bins + 200]! < -60);
  });

  it('limits the frame count for long audio and handles empty input', () => {
    const spec = spectrogram(new Float32Array(16_000 * 30), 16_000, { maxFrames: 1000 });
    assert.ok(spec.frames <= 1000 && spec.frames >= 900, `${spec.frames} frames`);
    assert.equal(spectrogram(new Float32Array(0), 16_000).frames, 0);
    assert.throws(() => spectrogram(new Float32Array(10), 16_000, { fftSize: 500 }));
  });

  it('paints low frequencies at the bottom with a dark-to-bright map', () => {
    const spec = { frames: 1, bins: 2, sampleRate: 4, hop: 1, fftSize: 2, db: Float32Array.from([0, -80]), maxDb: 0 };
    const px = spectrogramPixels(spec, 80);
    // row 0 (top) = bin 1 (quiet, dark); row 1 (bottom) = bin 0 (loud, bright)
    assert.deepEqual([...px.slice(0, 3)], colourAt(0));
    assert.deepEqual([...px.slice(4, 7)], colourAt(1));
    assert.ok(colourAt(1)[0] > colourAt(0)[0]);
  });

  it('maps pixel rows to bins on a mel axis (more rows for low frequencies)', () => {
    const spec = { bins: 257, fftSize: 512, sampleRate: 16_000 };
    const rows = rowBins(spec, 100, 'mel');
    assert.equal(rows[0], 256); // top row: Nyquist
    assert.equal(rows[99], 0); // bottom row: 0 Hz
    for (let r = 1; r < 100; r++) assert.ok(rows[r]! < rows[r - 1]!);
    // 1 kHz sits well above the linear axis' 1/8: low frequencies get more room.
    assert.ok(frequencyPosition(1000, 16_000) > 0.3);
    assert.equal(frequencyPosition(1000, 16_000, 'linear'), 0.125);
    assert.ok(Math.abs(melToHz(hzToMel(1234)) - 1234) < 1e-6);
    assert.equal(rowBins(spec, 3, 'linear')[1], 128);
  });

  it('mixes channels down and reads a WAV header sample rate', () => {
    assert.deepEqual([...mixDown([Float32Array.from([1, 0]), Float32Array.from([0, 1])])], [0.5, 0.5]);
    assert.equal(wavSampleRate(encodeWav([tone(440, 0.01, 22_050)], 22_050)), 22_050);
    assert.equal(wavSampleRate(new Uint8Array(40)), null);
  });
});

describe('waveform columns', () => {
  it('keeps the extremes when shrinking peaks to fewer columns', () => {
    const peaks = [-0.1, 0.1, -0.9, 0.2, -0.3, 0.8, 0, 0];
    assert.deepEqual([...peakColumns(peaks, 2)].map((v) => Number(v.toFixed(2))), [-0.9, 0.2, -0.3, 0.8]);
    assert.equal(peakColumns(peaks, 8).length, 16);
    assert.equal(peakColumns([], 4).every((v) => v === 0), true);
  });

  it('maps a click position to clip seconds', () => {
    assert.equal(timeAt(50, 200, 8), 2);
    assert.equal(timeAt(-5, 200, 8), 0);
    assert.equal(timeAt(500, 200, 8), 8);
  });
});
