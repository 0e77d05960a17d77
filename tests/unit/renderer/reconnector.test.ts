import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RpcClient } from '../../../electron/common/rpc-client.js';
import type { Channel } from '../../../electron/common/wire.js';
import { Reconnector, type ReconnectPhase } from '../../../renderer/src/lib/transport/reconnector.js';
import { FakeChannel, FakeTimers, flush } from './channel-fakes.js';

/** An engine that is up or down; `open` succeeds only while it is up. */
function fakeEngine() {
  const opened: FakeChannel[] = [];
  let up = true;
  let attempts = 0;
  return {
    opened,
    get attempts() {
      return attempts;
    },
    setUp(value: boolean) {
      up = value;
    },
    open: async (): Promise<Channel> => {
      attempts++;
      if (!up) throw new Error('connection refused');
      const channel = new FakeChannel();
      opened.push(channel);
      return channel;
    },
  };
}

function setup(stableMs = 1_000) {
  const engine = fakeEngine();
  const timers = new FakeTimers();
  const reconnector = new Reconnector({ open: engine.open, timers, stableMs });
  const phases: ReconnectPhase[] = [];
  const channels: Channel[] = [];
  reconnector.onPhaseChange((phase) => phases.push(phase));
  reconnector.onChannel((channel) => channels.push(channel));
  return { engine, timers, reconnector, phases, channels };
}

describe('Reconnector', () => {
  it('connects and hands over the channel', async () => {
    const { reconnector, phases, channels, engine } = setup();
    assert.equal(reconnector.phase, 'connecting');
    reconnector.start();
    await flush();
    assert.deepEqual(phases, ['connected']);
    assert.equal(channels.length, 1);
    assert.equal(reconnector.channel, engine.opened[0]);
    reconnector.dispose();
  });

  it('retries the first connection with backoff while the engine is not up yet', async () => {
    const { reconnector, timers, engine, phases } = setup();
    engine.setUp(false);
    reconnector.start();
    await flush();
    assert.equal(reconnector.phase, 'connecting');
    assert.deepEqual(timers.waiting, [250]);
    await timers.advance(250);
    assert.deepEqual(timers.waiting, [500]);
    await timers.advance(500);
    await timers.advance(1000);
    assert.deepEqual(timers.waiting, [2000]);
    await timers.advance(2000);
    assert.deepEqual(timers.waiting, [2000], 'capped at 2 s');
    engine.setUp(true);
    await timers.advance(2000);
    assert.equal(reconnector.phase, 'connected');
    assert.deepEqual(phases, ['connected']);
    assert.equal(engine.attempts, 6);
    reconnector.dispose();
  });

  it('says reconnecting when a connection drops, and reconnects', async () => {
    const { reconnector, timers, engine, phases, channels } = setup();
    reconnector.start();
    await flush();
    await timers.advance(5_000);
    engine.setUp(false);
    engine.opened[0]!.close();
    assert.equal(reconnector.phase, 'reconnecting');
    assert.equal(reconnector.channel, null);
    assert.deepEqual(timers.waiting, [250], 'a stable connection resets the backoff');
    await timers.advance(250);
    assert.equal(reconnector.phase, 'reconnecting');
    engine.setUp(true);
    await timers.advance(500);
    assert.equal(reconnector.phase, 'connected');
    assert.deepEqual(phases, ['connected', 'reconnecting', 'connected']);
    assert.equal(channels.length, 2);
    assert.notEqual(channels[0], channels[1]);
    reconnector.dispose();
  });

  it('keeps backing off when connections drop right after opening', async () => {
    const { reconnector, timers, engine } = setup(1_000);
    reconnector.start();
    await flush();
    engine.opened[0]!.close();
    assert.deepEqual(timers.waiting, [250]);
    await timers.advance(250);
    engine.opened[1]!.close();
    assert.deepEqual(timers.waiting, [500], 'a connection that lived < stableMs does not reset');
    reconnector.dispose();
  });

  it('retryNow skips the wait', async () => {
    const { reconnector, timers, engine } = setup();
    engine.setUp(false);
    reconnector.start();
    await flush();
    engine.setUp(true);
    reconnector.retryNow();
    await flush();
    assert.equal(reconnector.phase, 'connected');
    assert.deepEqual(timers.waiting, []);
    reconnector.dispose();
  });

  it('stops everything on dispose', async () => {
    const { reconnector, timers, engine } = setup();
    reconnector.start();
    await flush();
    const channel = engine.opened[0]!;
    reconnector.dispose();
    assert.equal(channel.closed, true);
    assert.equal(reconnector.phase, 'stopped');
    assert.deepEqual(timers.waiting, []);
    reconnector.start();
    await flush();
    assert.equal(engine.attempts, 1);
  });

  it('disposes a channel that opens after dispose', async () => {
    let release!: (channel: Channel) => void;
    const late = new FakeChannel();
    const reconnector = new Reconnector({
      open: () => new Promise<Channel>((resolve) => (release = resolve)),
      timers: new FakeTimers(),
    });
    reconnector.start();
    reconnector.dispose();
    release(late);
    await flush();
    assert.equal(late.closed, true);
  });

  it('re-attaches one RpcClient: calls in flight fail as unavailable, new calls use the new channel', async () => {
    const { reconnector, timers, engine } = setup();
    const client = new RpcClient();
    const connection: boolean[] = [];
    client.onConnectionChange((up) => connection.push(up));
    reconnector.onChannel((channel) => client.attach(channel));
    reconnector.start();
    await flush();

    const first = engine.opened[0]!;
    const pending = client.call('engine.info', {});
    first.close();
    await assert.rejects(pending, { code: 'unavailable' });

    await timers.advance(250);
    const second = engine.opened[1]!;
    const call = client.call('datasets.list', {});
    const request = second.sent.at(-1);
    assert.equal(request?.t, 'req');
    second.receive({ t: 'res', id: (request as { id: number }).id, ok: true, result: [] });
    assert.deepEqual(await call, []);
    assert.deepEqual(connection, [true, false, true]);
    reconnector.dispose();
    client.dispose();
  });
});
