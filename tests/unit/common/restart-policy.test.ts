import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RestartPolicy } from '../../../electron/common/restart-policy.js';

test('restart delays grow and stop after maxRestarts inside the window', () => {
  const policy = new RestartPolicy({ maxRestarts: 3, windowMs: 10_000, baseDelayMs: 100, maxDelayMs: 250 });
  assert.equal(policy.nextDelay(0), 100);
  assert.equal(policy.nextDelay(1), 200);
  assert.equal(policy.nextDelay(2), 250);
  assert.equal(policy.nextDelay(3), null);
  assert.equal(policy.restarts, 3);
});

test('old restarts leave the window and allow new ones', () => {
  const policy = new RestartPolicy({ maxRestarts: 2, windowMs: 1000, baseDelayMs: 10, maxDelayMs: 1000 });
  policy.nextDelay(0);
  policy.nextDelay(10);
  assert.equal(policy.nextDelay(20), null);
  assert.equal(policy.nextDelay(2000), 10);
  assert.equal(policy.restarts, 3);
});
