import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LiveSteering, LiveUpdate } from '../../../../electron/common/contract.js';
import { LiveSession } from '../../../../electron/engine/live/live-session.js';
import type { WindowTranscriber } from '../../../../electron/engine/live/window-transcriber.js';

const RATE = 100;

function fakeTranscriber(calls: { length: number; scale: Float32Array | null }[], gate?: () => Promise<void>): WindowTranscriber {
  return {
    dSae: 4,
    async transcribe(window, scale) {
      calls.push({ length: window.length, scale });
      await gate?.();
      const meanCodes = Float32Array.of(0.1, 0.2, 0.3, 0.4);
      return { original: `o${window.length}`, steered: `s${scale?.join(',')}`, meanCodes };
    },
    async dispose() {},
  };
}

function session(transcriber: WindowTranscriber, updates: LiveUpdate[], steering: Partial<LiveSteering> = {}): LiveSession {
  return new LiveSession({
    id: 1,
    modelId: 1,
    sampleRate: RATE,
    windowSec: 2,
    hopSec: 0.5,
    keepSec: 10,
    steering: { saeId: 1, presetId: null, presetName: null, features: [1, 3], alpha: 1, version: 0, ...steering },
    transcriber,
    emit: (u) => updates.push(u),
    onError: (m) => assert.fail(m),
  });
}

test('a window is transcribed per hop of new audio, with s = -alpha on the steered features', async () => {
  const calls: { length: number; scale: Float32Array | null }[] = [];
  const updates: LiveUpdate[] = [];
  const s = session(fakeTranscriber(calls), updates);
  s.push(new Float32Array(30));
  await s.idle();
  assert.equal(calls.length, 0, 'less than a hop: nothing yet');
  s.push(new Float32Array(30));
  await s.idle();
  assert.equal(calls.length, 1, 'one hop: one window');
  assert.equal(calls[0]!.length, 60, 'the window holds what arrived so far');
  assert.deepEqual([...calls[0]!.scale!], [1, -1, 1, -1], 'selected features scaled by -alpha');
  assert.deepEqual(updates[0]!.featureActivity.map((v) => Math.round(v * 10) / 10), [0.2, 0.4], 'the steered features\' mean codes');
  assert.equal(updates[0]!.windowEndSec, 0.6, 'window end in audio time');
  s.push(new Float32Array(300));
  await s.idle();
  assert.equal(calls[1]!.length, 200, 'a full window is windowSec long');
  s.configure({ alpha: 0 });
  s.push(new Float32Array(50));
  await s.idle();
  assert.deepEqual([...calls[2]!.scale!].map((v) => v + 0), [1, 0, 1, 0], 'alpha 0 ablates');
  assert.equal(updates[2]!.steering.version, 1, 'the update carries the configured version');
  await s.stop();
});

test('a slow model skips hops instead of queueing windows', async () => {
  const calls: { length: number; scale: Float32Array | null }[] = [];
  const updates: LiveUpdate[] = [];
  let release: () => void = () => undefined;
  const s = session(fakeTranscriber(calls, () => new Promise<void>((r) => (release = r))), updates);
  const tick = () => new Promise((r) => setImmediate(r));
  s.push(new Float32Array(50));
  await tick();
  for (let i = 0; i < 5; i++) s.push(new Float32Array(50));
  release();
  await tick();
  release();
  await s.idle();
  assert.equal(calls.length, 2, 'one window while busy, then one for the newest audio');
  assert.equal(updates[1]!.windowEndSec, 3, 'the second window ends at the newest sample');
  await s.stop();
});

test('features outside the SAE are refused; a stopped session refuses audio', async () => {
  assert.throws(() => session(fakeTranscriber([]), [], { features: [4] }), /features 0\.\.3/, 'feature 4 of 4');
  const s = session(fakeTranscriber([]), []);
  assert.throws(() => s.configure({ features: [9] }), /do not exist/, 'configure checks too');
  await s.stop();
  assert.throws(() => s.push(new Float32Array(10)), /has stopped/, 'stopped');
});
