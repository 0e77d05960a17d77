import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StreamingResampler, float32Bytes, levelOf, meterFraction } from '../../../renderer/src/lib/live-resampler.js';

function tone(frequency: number, rate: number, seconds: number, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amplitude * Math.sin((2 * Math.PI * frequency * i) / rate));
}

/** Amplitude of `frequency` in `x` (a single-bin DFT over a whole number of periods' worth). */
function amplitudeAt(x: Float32Array, frequency: number, rate: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    re += x[i]! * Math.cos((2 * Math.PI * frequency * i) / rate);
    im += x[i]! * Math.sin((2 * Math.PI * frequency * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / x.length;
}

function rms(x: Float32Array): number {
  return Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
}

for (const inputRate of [48_000, 44_100]) {
  test(`${inputRate} Hz -> 16 kHz keeps a 1 kHz tone's frequency and amplitude`, () => {
    const out = new StreamingResampler(inputRate).push(tone(1000, inputRate, 1));
    const expected = 16_000;
    assert.ok(Math.abs(out.length - expected) < 40, `about 1 s of output (${out.length} samples; the kernel's look-ahead is held back)`);
    const steady = out.subarray(200, 200 + 14_000);
    assert.ok(Math.abs(amplitudeAt(steady, 1000, 16_000) - 0.5) < 0.005, `amplitude at 1 kHz ${amplitudeAt(steady, 1000, 16_000)}`);
    assert.ok(amplitudeAt(steady, 1100, 16_000) < 0.01, 'no energy at a neighbouring frequency');
    let crossings = 0;
    for (let i = 1; i < steady.length; i++) if (steady[i - 1]! < 0 && steady[i]! >= 0) crossings++;
    assert.ok(Math.abs(crossings - 1000 * (steady.length / 16_000)) <= 1, `${crossings} upward zero crossings: still 1 kHz`);
  });

  test(`${inputRate} Hz -> 16 kHz attenuates tones that would alias by more than 40 dB`, () => {
    for (const frequency of [9_000, 10_000, 14_000, 20_000]) {
      const out = new StreamingResampler(inputRate).push(tone(frequency, inputRate, 0.5));
      const level = rms(out.subarray(200)) / (0.5 / Math.SQRT2);
      assert.ok(20 * Math.log10(level) < -40, `${frequency} Hz left at ${(20 * Math.log10(level)).toFixed(1)} dB`);
    }
  });
}

test('chunked input gives the same output as one piece', () => {
  const input = tone(440, 48_000, 0.3);
  const whole = new StreamingResampler(48_000).push(input);
  const streaming = new StreamingResampler(48_000);
  const parts: number[] = [];
  for (let at = 0; at < input.length; at += 128 + (at % 7)) parts.push(...streaming.push(input.subarray(at, at + 128 + (at % 7))));
  assert.equal(parts.length, whole.length, 'same length');
  assert.ok(parts.every((v, i) => Math.abs(v - whole[i]!) < 1e-6), 'same samples');
});

test('16 kHz input passes through unchanged (below the cutoff)', () => {
  const input = tone(500, 16_000, 0.5);
  const out = new StreamingResampler(16_000).push(input);
  const diff = Math.max(...out.subarray(100).map((v, i) => Math.abs(v - input[100 + i]!)));
  assert.ok(diff < 0.01, `max difference ${diff}`);
});

test('bytes, level and meter helpers', () => {
  const bytes = float32Bytes(Float32Array.of(0.5, -1));
  assert.deepEqual([...new Float32Array(bytes.buffer)], [0.5, -1], 'little-endian float32 (this machine is LE)');
  assert.deepEqual(levelOf(Float32Array.of(0.5, -0.5)), { rms: 0.5, peak: 0.5 }, 'rms and peak');
  assert.equal(meterFraction(0), 0, 'silence is empty');
  assert.equal(meterFraction(1), 1, '0 dBFS is full');
  assert.ok(Math.abs(meterFraction(0.001) - 0) < 1e-9, '-60 dB is empty');
});
