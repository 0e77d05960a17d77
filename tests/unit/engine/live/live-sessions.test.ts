import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineEvent, ModelRow, SaeSummary } from '../../../../electron/common/contract.js';
import { Emitter } from '../../../../electron/common/lifecycle.js';
import { LiveSessions, MAX_LIVE_SESSIONS, MAX_LIVE_SESSIONS_PER_CLIENT } from '../../../../electron/engine/live/live-sessions.js';
import type { WindowTranscriber } from '../../../../electron/engine/live/window-transcriber.js';
import type { LoadedModels } from '../../../../electron/engine/models/loaded-models.js';
import type { ClientContext } from '../../../../electron/engine/rpc/rpc-server.js';
import type { DatasetsRepo } from '../../../../electron/engine/store/datasets-repo.js';

const model = { id: 1, architecture: 'whisper-encoder', repoId: 'fixture/whisper' } as ModelRow;
const sae = { id: 7, modelId: 1 } as SaeSummary;

function fakeClient(id: number): ClientContext & { events: EngineEvent[]; close(): void } {
  const closed = new Emitter<void>();
  const events: EngineEvent[] = [];
  return { id, events, send: (e) => events.push(e), onClose: (l) => closed.event(l), close: () => closed.fire() };
}

function sessions(disposed: number[]): LiveSessions {
  let n = 0;
  return new LiveSessions({
    model: (id) => (id === 1 ? model : undefined),
    sae: (id) => (id === 7 ? sae : undefined),
    preset: (id) => (id === 3 ? { id: 3, name: 'hallucination top-3', saeId: 7, features: [4, 5, 6] } : id === 4 ? { id: 4, name: 'other', saeId: 8, features: [1] } : undefined),
    models: {} as LoadedModels,
    datasets: {} as DatasetsRepo,
    recordingsDir: '/nonexistent',
    loadTranscriber: async (): Promise<WindowTranscriber> => {
      const index = n++;
      return {
        dSae: 16,
        transcribe: async () => ({ original: 'o', steered: 's', meanCodes: new Float32Array(16) }),
        dispose: async () => void disposed.push(index),
      };
    },
  });
}

test('sessions end with their connection and belong to it', async () => {
  const disposed: number[] = [];
  const live = sessions(disposed);
  const a = fakeClient(1);
  const b = fakeClient(2);
  const { sessionId } = await live.start({ modelId: 1, saeId: 7, features: [1], alpha: 1, windowSec: 1, hopSec: 1 }, a);
  assert.throws(() => live.push(sessionId, new Float32Array(10), b), /No live session/, 'another connection cannot push');
  assert.deepEqual(await live.stop(sessionId, b), { stopped: false }, 'nor stop it');
  live.push(sessionId, new Float32Array(16_000), a);
  a.close();
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(live.count, 0, 'closing the connection stops its session');
  assert.deepEqual(disposed, [0], 'and releases its models');
  assert.ok(a.events.every((e) => e.type === 'live.update') && b.events.length === 0, 'updates go to the owner only');
});

test('session counts are capped per connection and per engine', async () => {
  const live = sessions([]);
  const params = { modelId: 1, alpha: 1, windowSec: 1, hopSec: 1 };
  const a = fakeClient(1);
  for (let i = 0; i < MAX_LIVE_SESSIONS_PER_CLIENT; i++) await live.start(params, a);
  await assert.rejects(live.start(params, a), /already runs 2 live sessions/, 'per connection');
  for (let c = 2; live.count < MAX_LIVE_SESSIONS; c++) await live.start(params, fakeClient(c));
  await assert.rejects(live.start(params, fakeClient(99)), /already runs 4 live sessions/, 'per engine');
  await live.close();
  assert.equal(live.count, 0, 'close stops them all');
});

test('presets supply features; a preset of another SAE is refused', async () => {
  const live = sessions([]);
  const a = fakeClient(1);
  const info = await live.start({ modelId: 1, saeId: 7, presetId: 3, alpha: 2, windowSec: 1, hopSec: 1 }, a);
  assert.deepEqual(info.steering, { saeId: 7, presetId: 3, presetName: 'hallucination top-3', features: [4, 5, 6], alpha: 2, version: 0 }, 'the preset\'s features');
  const changed = live.configure(info.sessionId, { features: [9] }, a);
  assert.deepEqual([changed.steering.features, changed.steering.presetName, changed.steering.version], [[9], null, 1], 'own features replace the preset');
  await assert.rejects(live.start({ modelId: 1, saeId: 7, presetId: 4, alpha: 1, windowSec: 1, hopSec: 1 }, a), /steers SAE 8/, 'preset of another SAE');
  await assert.rejects(live.start({ modelId: 1, saeId: 9, alpha: 1, windowSec: 1, hopSec: 1 }, a), /No SAE with id 9/, 'unknown SAE');
  await live.close();
});
