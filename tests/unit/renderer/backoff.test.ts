import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff } from '../../../renderer/src/lib/transport/backoff.js';

describe('Backoff', () => {
  it('doubles from 250 ms up to a 2 s cap', () => {
    const backoff = new Backoff();
    const delays = Array.from({ length: 6 }, () => backoff.next());
    assert.deepEqual(delays, [250, 500, 1000, 2000, 2000, 2000]);
    assert.equal(backoff.attempt, 6);
  });

  it('starts over after reset', () => {
    const backoff = new Backoff();
    backoff.next();
    backoff.next();
    backoff.reset();
    assert.equal(backoff.next(), 250);
  });

  it('spreads delays by the jitter fraction, never past the cap', () => {
    const low = new Backoff({ jitter: 0.2, random: () => 0 });
    assert.equal(low.next(), 200);
    const high = new Backoff({ jitter: 0.2, random: () => 1 });
    high.next();
    high.next();
    high.next();
    assert.equal(high.next(), 2000);
  });

  it('rejects nonsense options', () => {
    assert.throws(() => new Backoff({ initialMs: 0 }), RangeError);
    assert.throws(() => new Backoff({ initialMs: 500, maxMs: 100 }), RangeError);
  });
});
