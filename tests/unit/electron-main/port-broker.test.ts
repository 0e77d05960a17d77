import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENGINE_PORT_IPC_CHANNEL, ENGINE_STATE_IPC_CHANNEL } from '../../../electron/common/shell-protocol.js';
import { EngineHost } from '../../../electron/main/engine-host.js';
import { PortBroker } from '../../../electron/main/port-broker.js';
import { createFakeElectron, FakeMessageChannelMain, FakeWebContents } from './fake-electron.js';
import { ManualTimers } from './manual-timers.js';

async function setUp() {
  const fake = createFakeElectron();
  await fake.app.becomeReady();
  const timers = new ManualTimers();
  const engine = new EngineHost(
    { entryPoint: '/app/dist/electron/engine/utility-entry.js', dataDir: '/data', env: {}, restartPolicy: { baseDelayMs: 50 } },
    { utilityProcess: fake.utilityProcess, timers, now: () => timers.now },
  );
  const broker = new PortBroker(engine, () => new FakeMessageChannelMain());
  return { fake, engine, broker, timers };
}

function portMessages(contents: FakeWebContents) {
  return contents.posted.filter((p) => p.channel === ENGINE_PORT_IPC_CHANNEL);
}

function stateMessages(contents: FakeWebContents) {
  return contents.sent.filter((s) => s.channel === ENGINE_STATE_IPC_CHANNEL).map((s) => s.args[0]);
}

describe('PortBroker', () => {
  it('on ready, sends port1 to the engine and port2 to the renderer of the same channel', async () => {
    const { fake, engine, broker } = await setUp();
    const contents = new FakeWebContents();
    broker.attach(contents);
    contents.finishLoad('app://renderer/index.html');
    engine.start();
    const child = fake.forks[0]!;
    assert.equal(portMessages(contents).length, 0, 'no port before the engine is ready');
    child.ready();

    assert.equal(child.connects.length, 1);
    const [toEngine] = child.connects;
    const [toRenderer] = portMessages(contents);
    assert.deepEqual(toEngine!.message, { type: 'connect' });
    assert.equal(toEngine!.transfer.length, 1);
    assert.equal(toRenderer!.message, null);
    assert.equal(toRenderer!.transfer.length, 1);
    const channel = FakeMessageChannelMain.created.find((c) => c.port1 === toEngine!.transfer[0]);
    assert.ok(channel, 'the engine got port1 of a channel');
    assert.equal(toRenderer!.transfer[0], channel.port2, 'the renderer got port2 of the same channel');

    assert.deepEqual(stateMessages(contents), [
      { state: 'starting', restarts: 0 },
      { state: 'ready', restarts: 0 },
    ]);
    engine.dispose();
    broker.dispose();
  });

  it('gives a page that loads after the engine is ready a port and the current state', async () => {
    const { fake, engine, broker } = await setUp();
    engine.start();
    fake.forks[0]!.ready();
    const contents = new FakeWebContents();
    broker.attach(contents);
    assert.equal(portMessages(contents).length, 0, 'nothing before the page has loaded');
    contents.finishLoad('app://renderer/index.html');
    assert.equal(portMessages(contents).length, 1);
    assert.equal(fake.forks[0]!.connects.length, 1);
    assert.deepEqual(stateMessages(contents), [{ state: 'ready', restarts: 0 }]);
    engine.dispose();
  });

  it('gives a fresh pair after every engine restart', async () => {
    const { fake, engine, broker, timers } = await setUp();
    const contents = new FakeWebContents();
    broker.attach(contents);
    contents.finishLoad();
    engine.start();
    fake.forks[0]!.ready();
    fake.forks[0]!.exit(1);
    timers.advance(50);
    fake.forks[1]!.ready();

    const ports = portMessages(contents).map((p) => p.transfer[0]);
    assert.equal(ports.length, 2);
    assert.notEqual(ports[0], ports[1]);
    assert.equal(fake.forks[0]!.connects.length, 1);
    assert.equal(fake.forks[1]!.connects.length, 1);
    assert.notEqual(fake.forks[0]!.connects[0]!.transfer[0], fake.forks[1]!.connects[0]!.transfer[0]);
    assert.deepEqual(
      stateMessages(contents).map((u) => (u as { state: string }).state),
      ['starting', 'ready', 'restarting', 'ready'],
    );
    engine.dispose();
  });

  it('gives a fresh port after a renderer reload', async () => {
    const { fake, engine, broker } = await setUp();
    const contents = new FakeWebContents();
    broker.attach(contents);
    contents.finishLoad();
    engine.start();
    fake.forks[0]!.ready();
    contents.finishLoad();
    assert.equal(portMessages(contents).length, 2);
    assert.equal(fake.forks[0]!.connects.length, 2);
    engine.dispose();
  });

  it('serves each window separately', async () => {
    const { fake, engine, broker } = await setUp();
    const a = new FakeWebContents();
    const b = new FakeWebContents();
    broker.attach(a);
    broker.attach(b);
    a.finishLoad();
    b.finishLoad();
    engine.start();
    fake.forks[0]!.ready();
    assert.equal(portMessages(a).length, 1);
    assert.equal(portMessages(b).length, 1);
    assert.notEqual(portMessages(a)[0]!.transfer[0], portMessages(b)[0]!.transfer[0]);
    assert.equal(fake.forks[0]!.connects.length, 2);
    engine.dispose();
  });

  it('forgets destroyed web contents', async () => {
    const { fake, engine, broker } = await setUp();
    const contents = new FakeWebContents();
    broker.attach(contents);
    contents.finishLoad();
    assert.equal(broker.attachedCount, 1);
    contents.destroy();
    assert.equal(broker.attachedCount, 0);
    engine.start();
    fake.forks[0]!.ready();
    assert.equal(fake.forks[0]!.connects.length, 0);
    engine.dispose();
  });

  it('closes both ports when the engine cannot take one', async () => {
    const fake = createFakeElectron();
    await fake.app.becomeReady();
    const contents = new FakeWebContents();
    let created: FakeMessageChannelMain | undefined;
    const engine = {
      isReady: true,
      lastUpdate: { state: 'ready' as const, restarts: 0 },
      onStateChange: () => ({ dispose() {} }),
      connect: () => false,
    };
    const broker = new PortBroker(engine, () => (created = new FakeMessageChannelMain()));
    broker.attach(contents);
    contents.finishLoad();
    assert.ok(created);
    assert.equal(created.port1.closed, true);
    assert.equal(created.port2.closed, true);
    assert.equal(portMessages(contents).length, 0);
  });
});
