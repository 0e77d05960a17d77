import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latencySummary, parseFeatureList, steeredScale } from '../../../renderer/src/lib/live-features.js';

test('feature lists parse from commas and spaces, without duplicates', () => {
  assert.deepEqual(parseFeatureList('12, 40 41,12'), { ok: true, features: [12, 40, 41] }, 'mixed separators');
  assert.deepEqual(parseFeatureList('  '), { ok: true, features: [] }, 'empty means none');
  const bad = parseFeatureList('3, x7');
  assert.equal(bad.ok, false, 'a non-number is refused');
  assert.match(bad.ok ? '' : bad.message, /"x7" is not a feature number/, 'naming the bad part');
  assert.equal(parseFeatureList('-1').ok, false, 'negative numbers are refused');
});

test('the steered scale and latency summary', () => {
  assert.equal(steeredScale(0), 0, 'alpha 0 ablates');
  assert.equal(steeredScale(1.5), -1.5, 's = -alpha');
  assert.equal(latencySummary([]), null, 'nothing yet');
  assert.deepEqual(latencySummary([100, 200, 300]), { latest: 300, mean: 200 }, 'latest and mean');
});
