import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatBytes,
  formatClipDuration,
  formatEta,
  formatFrameRate,
  formatHms,
  formatMs,
  formatProgressCounts,
  formatSampleRate,
  formatTimestamp,
  progressFraction,
  shortCommit,
} from '../../../renderer/src/lib/format.js';

const progress = (done: number, total: number | null, unit = 'files') => ({ done, total, unit, etaSeconds: null });

describe('formatHms', () => {
  it('always shows hours, minutes and seconds', () => {
    assert.equal(formatHms(0), '0:00:00');
    assert.equal(formatHms(3.4), '0:00:03');
    assert.equal(formatHms(59.6), '0:01:00');
    assert.equal(formatHms(3723), '1:02:03');
    assert.equal(formatHms(100_000), '27:46:40');
  });
  it('shows a dash for values that are not durations', () => {
    assert.equal(formatHms(Number.NaN), '—');
    assert.equal(formatHms(-1), '—');
  });
});

describe('formatClipDuration', () => {
  it('uses seconds under a minute, then m:ss.s, then h:mm:ss', () => {
    assert.equal(formatClipDuration(3.254), '3.25 s');
    assert.equal(formatClipDuration(123.45), '2:03.5');
    assert.equal(formatClipDuration(61), '1:01.0');
    assert.equal(formatClipDuration(3723), '1:02:03');
  });
});

describe('formatEta', () => {
  it('is empty while unknown', () => {
    assert.equal(formatEta(null), '');
    assert.equal(formatEta(undefined), '');
    assert.equal(formatEta(Number.POSITIVE_INFINITY), '');
  });
  it('scales its units', () => {
    assert.equal(formatEta(0.2), 'ETA <1s');
    assert.equal(formatEta(12.4), 'ETA 12s');
    assert.equal(formatEta(185), 'ETA 3m 05s');
    assert.equal(formatEta(3720), 'ETA 1h 02m');
  });
});

describe('progress', () => {
  it('formats counts with and without a total', () => {
    assert.equal(formatProgressCounts(progress(12, 40)), '12 / 40 files');
    assert.equal(formatProgressCounts(progress(1200, null)), '1,200 files');
    assert.equal(formatProgressCounts(progress(3, 4, '')), '3 / 4');
  });
  it('formats byte progress as sizes', () => {
    assert.equal(formatProgressCounts(progress(3 * 1024 * 1024, 39 * 1024 * 1024, 'bytes')), '3.0 MB / 39.0 MB');
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KB');
  });
  it('gives a clamped fraction, or null while the total is unknown', () => {
    assert.equal(progressFraction(progress(1, 4)), 0.25);
    assert.equal(progressFraction(progress(5, 4)), 1);
    assert.equal(progressFraction(progress(0, 0)), 1);
    assert.equal(progressFraction(progress(3, null)), null);
  });
});

describe('small formats', () => {
  it('formats sample rates, times, frame rates and commits', () => {
    assert.equal(formatSampleRate(16000), '16 kHz');
    assert.equal(formatSampleRate(44100), '44.1 kHz');
    assert.equal(formatSampleRate(500), '500 Hz');
    assert.equal(formatMs(123.4), '123 ms');
    assert.equal(formatMs(2450), '2.45 s');
    assert.equal(formatFrameRate(50), '50 frames/s');
    assert.equal(shortCommit('0123456789abcdef0123'), '0123456');
    assert.equal(shortCommit('main'), 'main');
  });
  it('formats timestamps as local date and minute', () => {
    assert.match(formatTimestamp('2026-02-05T14:03:09.000Z'), /^2026-02-0[45] \d\d:\d3$/);
    assert.equal(formatTimestamp(null), '');
    assert.equal(formatTimestamp('not a date'), 'not a date');
  });
});
