import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  activationColumns,
  binRange,
  formatDensity,
  nextConfidence,
  nextFeatureSort,
  parseTags,
  peakWindow,
  stepContext,
  toggleBin,
} from '../../../renderer/src/lib/features-view.js';

describe('peakWindow', () => {
  it('centres the context on the peak inside a long clip', () => {
    assert.deepEqual(peakWindow(5, 1, 10), { startSec: 4.5, durationSec: 1 }, '1 s around 5 s');
    assert.deepEqual(peakWindow(5, 1, 10, 0.02), { startSec: 4.5, durationSec: 1.02 }, 'one frame more, centred on the frame');
  });

  it('shifts the window (keeping its length) at the clip edges', () => {
    assert.deepEqual(peakWindow(0.1, 2, 10), { startSec: 0, durationSec: 2 }, 'near the start');
    assert.deepEqual(peakWindow(9.9, 2, 10), { startSec: 8, durationSec: 2 }, 'near the end');
  });

  it('plays the whole clip when it is shorter than the context', () => {
    assert.deepEqual(peakWindow(0.4, 4, 1.5), { startSec: 0, durationSec: 1.5 }, 'whole 1.5 s clip');
  });

  it('steps the context through the choices, clamped', () => {
    assert.equal(stepContext(1, 1), 2, '1 -> 2');
    assert.equal(stepContext(1, -1), 0.5, '1 -> 0.5');
    assert.equal(stepContext(0.5, -1), 0.5, 'stays at the shortest');
    assert.equal(stepContext(4, 1), 4, 'stays at the longest');
  });
});

describe('density histogram bins', () => {
  const edges = [-4, -3, -2, -1];
  it('gives a bin its [lower, upper) log10 edges', () => {
    assert.deepEqual(binRange(edges, 0), { min: -4, max: -3 }, 'first bin');
    assert.deepEqual(binRange(edges, 1), { min: -3, max: -2 }, 'middle bin');
  });
  it('nudges the top bin up so the densest feature is inside it', () => {
    const top = binRange(edges, 2);
    assert.ok(top && top.min === -2 && top.max > -1 && top.max < -1 + 1e-6, `top bin ${JSON.stringify(top)}`);
  });
  it('refuses bins outside the histogram', () => {
    assert.equal(binRange(edges, 3), null, 'past the end');
    assert.equal(binRange(edges, -1), null, 'negative');
    assert.equal(binRange([], 0), null, 'empty');
  });
  it('toggles: a click selects a bin, a second click on it clears', () => {
    assert.equal(toggleBin(null, 2), 2, 'select');
    assert.equal(toggleBin(2, 2), null, 'clear');
    assert.equal(toggleBin(2, 1), 1, 'move');
  });
  it('formats densities', () => {
    assert.equal(formatDensity(0), '0');
    assert.equal(formatDensity(0.25), '0.25');
    assert.equal(formatDensity(0.034), '0.034');
    assert.equal(formatDensity(0.00034), '3.4e-4');
    assert.equal(formatDensity(0.000998), '1.0e-3', 'rounding carries into the exponent');
  });
});

describe('activationColumns', () => {
  it('keeps a one-frame spike at any zoom (max per column)', () => {
    const values = new Array<number>(100).fill(0);
    values[37] = 5;
    const cols = activationColumns(values, 0, 50, 0, 2, 10);
    assert.equal(cols.length, 10);
    // frame 37 covers 0.74-0.76 s -> column 3 of 10 over 2 s
    assert.equal(cols[3], 5, `spike in column 3: ${Array.from(cols)}`);
    assert.equal(cols.reduce((a, b) => a + b, 0), 5, 'nowhere else');
  });
  it('places frames by the activations start time and ignores frames outside the view', () => {
    const cols = activationColumns([1, 2, 3], 1, 1, 1, 3, 3);
    assert.deepEqual(Array.from(cols), [1, 2, 3], 'one frame per column');
    const shifted = activationColumns([1, 2, 3], 1, 1, 2, 1, 2);
    assert.deepEqual(Array.from(shifted), [2, 2], 'only the frame inside the view, spread over its columns');
  });
  it('spreads a frame wider than a column over all its columns', () => {
    const cols = activationColumns([4], 0, 1, 0, 1, 8);
    assert.deepEqual(Array.from(cols), new Array(8).fill(4));
  });
});

describe('label helpers', () => {
  it('cycles confidence none -> low -> medium -> high -> none', () => {
    assert.equal(nextConfidence(null), 'low');
    assert.equal(nextConfidence('low'), 'medium');
    assert.equal(nextConfidence('medium'), 'high');
    assert.equal(nextConfidence('high'), null);
  });
  it('parses comma-separated tags: trimmed, no empties or repeats', () => {
    assert.deepEqual(parseTags(' tone, pitch,,tone , '), ['tone', 'pitch']);
    assert.deepEqual(parseTags(''), []);
  });
  it('sorts: density and max start descending and flip; feature and label ascending', () => {
    assert.equal(nextFeatureSort('feature', 'density'), '-density');
    assert.equal(nextFeatureSort('-density', 'density'), 'density');
    assert.equal(nextFeatureSort('density', 'density'), '-density');
    assert.equal(nextFeatureSort('-density', 'max'), '-max');
    assert.equal(nextFeatureSort('-max', 'label'), 'label');
  });
});

describe('choices mirrored from the contract', () => {
  it('lists every feature filter and confidence level of the contract, in order', async () => {
    const contract = await import('../../../electron/common/contract.js');
    const view = await import('../../../renderer/src/lib/features-view.js');
    assert.deepEqual(view.FILTER_CHOICES, [...contract.FEATURE_FILTERS], 'filters');
    assert.deepEqual(view.CONFIDENCE_CHOICES, [...contract.LABEL_CONFIDENCES], 'confidences');
  });
});
