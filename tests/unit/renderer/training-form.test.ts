import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLayers, seedList, throttleDelay } from '../../../renderer/src/lib/training-form.js';

test('parseLayers: all, empty, lists, bad input', () => {
  assert.equal(parseLayers('all'), 'all');
  assert.equal(parseLayers(' ALL '), 'all');
  assert.equal(parseLayers(''), 'all');
  assert.deepEqual(parseLayers('1'), [1]);
  assert.deepEqual(parseLayers('3, 1,3 ,0'), [0, 1, 3]);
  assert.equal(parseLayers('1,x'), null);
  assert.equal(parseLayers('1,,2'), null);
  assert.equal(parseLayers('-1'), null);
  assert.equal(parseLayers('300'), null);
});

test('seedList: 0..n-1 within 1..64', () => {
  assert.deepEqual(seedList(1), [0]);
  assert.deepEqual(seedList(3), [0, 1, 2]);
  assert.equal(seedList(0), null);
  assert.equal(seedList(65), null);
  assert.equal(seedList(1.5), null);
});

test('throttleDelay', () => {
  assert.equal(throttleDelay(null, 1000, 500), 0);
  assert.equal(throttleDelay(1000, 1200, 500), 300);
  assert.equal(throttleDelay(1000, 1600, 500), 0);
});
