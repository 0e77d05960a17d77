import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layerList } from '../../../../electron/engine/cli/cli-common.js';

test('layer lists take numbers and ranges, sorted without repeats', () => {
  assert.equal(layerList('all'), 'all');
  assert.deepEqual(layerList('1-12'), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 'a range is inclusive');
  assert.deepEqual(layerList('8, 0,4,4'), [0, 4, 8], 'a list is sorted and deduplicated');
  assert.deepEqual(layerList('6,1-3'), [1, 2, 3, 6], 'ranges and numbers mix');
  assert.throws(() => layerList('3-1'), /runs backwards/);
  assert.throws(() => layerList('one'), /whole number/);
});
