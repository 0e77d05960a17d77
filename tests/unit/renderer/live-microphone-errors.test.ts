import assert from 'node:assert/strict';
import { test } from 'node:test';
import { microphoneProblem } from '../../../renderer/src/lib/live-microphone-errors.js';

test('microphone errors become actionable messages', () => {
  assert.match(microphoneProblem(new DOMException('denied', 'NotAllowedError')), /permission was denied.*Allow microphone access/, 'permission denied');
  assert.match(microphoneProblem(new DOMException('none', 'NotFoundError')), /No microphone was found/, 'no device');
  assert.match(microphoneProblem(new DOMException('busy', 'NotReadableError')), /in use by another application/, 'device busy');
  assert.match(microphoneProblem(new Error('boom')), /could not be started: boom/, 'anything else names the cause');
});
