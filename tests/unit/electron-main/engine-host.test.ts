import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineStateUpdate } from '../../../electron/common/shell-protocol.js';
import {
  ENGINE_SERVICE_NAME,
  EngineHost,
  type EngineHostConfig,
  engineEnvironment,
  isEngineReadyMessage,
} from '../../../electron/main/engine-host.js';
import { createFakeElectron, FakeMessagePort, settle } from './fake-electron.js';
import { ManualTimers } from './manual-timers.js';

const ENTRY = '/opt/audiosae/dist/electron/engine/utility-entry.js';

async function setUp(config: Partial<EngineHostConfig> = {}) {
  const fake = createFakeElectron();
  await fake.app.becomeReady();
  const timers = new ManualTimers();
  const logged: string[] = [];
  const killedPids: number[] = [];
  const host = new EngineHost(
    {
      entryPoint: ENTRY,
      dataDir: '/data/audiosae',
      env: { PATH: '/usr/bin', HOME: '/home/lab', UNSET: undefined },
      restartPolicy: { maxRestarts: 3, windowMs: 60_000, baseDelayMs: 100, maxDelayMs: 1_000 },
      ...config,
    },
    {
      utilityProcess: fake.utilityProcess,
      app: fake.app,
      timers,
      now: () => timers.now,
      log: { write: (chunk) => logged.push(String(chunk)) },
      killPid: (pid) => killedPids.push(pid),
    },
  );
  const updates: EngineStateUpdate[] = [];
  host.onStateChange((u) => updates.push(u));
  return { fake, host, timers, updates, logged, killedPids };
}

describe('engineEnvironment', () => {
  it('keeps the set base variables and adds the data dir and restart count', () => {
    assert.deepEqual(engineEnvironment({ A: '1', B: undefined }, '/d', 2), {
      A: '1',
      AUDIOSAE_DATA_DIR: '/d',
      AUDIOSAE_ENGINE_RESTARTS: '2',
    });
  });
});

describe('isEngineReadyMessage', () => {
  it('accepts only {type:"ready", pid:number}', () => {
    assert.equal(isEngineReadyMessage({ type: 'ready', pid: 1 }), true);
    assert.equal(isEngineReadyMessage({ type: 'ready' }), false);
    assert.equal(isEngineReadyMessage({ type: 'connect' }), false);
    assert.equal(isEngineReadyMessage('ready'), false);
    assert.equal(isEngineReadyMessage(null), false);
  });
});

describe('EngineHost', () => {
  it('forks the engine entry with the service name, piped stdio and the AUDIOSAE_* env', async () => {
    const { fake, host, updates } = await setUp();
    host.start();
    assert.equal(fake.forks.length, 1);
    const child = fake.forks[0]!;
    assert.equal(child.modulePath, ENTRY);
    assert.deepEqual(child.args, []);
    assert.equal(child.options.serviceName, ENGINE_SERVICE_NAME);
    assert.equal(child.options.stdio, 'pipe');
    assert.deepEqual(child.options.env, {
      PATH: '/usr/bin',
      HOME: '/home/lab',
      AUDIOSAE_DATA_DIR: '/data/audiosae',
      AUDIOSAE_ENGINE_RESTARTS: '0',
    });
    assert.deepEqual(updates, [{ state: 'starting', restarts: 0 }]);
    assert.equal(host.isReady, false);
    host.dispose();
  });

  it('becomes ready when the engine posts {type:"ready"}', async () => {
    const { fake, host, updates } = await setUp();
    const readies: unknown[] = [];
    host.onReady((e) => readies.push(e));
    host.start();
    const child = fake.forks[0]!;
    child.emit('message', { type: 'hello' });
    assert.equal(host.isReady, false);
    child.ready();
    assert.equal(host.isReady, true);
    assert.equal(host.state, 'ready');
    assert.deepEqual(updates.at(-1), { state: 'ready', restarts: 0 });
    assert.deepEqual(readies, [{ pid: child.pid, restarts: 0 }]);
    child.ready();
    assert.equal(readies.length, 1, 'a second ready from the same engine is ignored');
    host.dispose();
  });

  it('writes the engine stdout/stderr and its own lines to the log', async () => {
    const { fake, host, logged } = await setUp();
    host.start();
    fake.forks[0]!.stdout.emit('data', Buffer.from('hello from stdout\n'));
    fake.forks[0]!.stderr.emit('data', 'warning on stderr\n');
    assert.ok(logged.includes('hello from stdout\n'));
    assert.ok(logged.includes('warning on stderr\n'));
    assert.ok(logged.some((line) => /\[engine-host\] forking .*utility-entry\.js/.test(line)));
    host.dispose();
  });

  it('connect() posts {type:"connect"} with the port to a ready engine only', async () => {
    const { fake, host } = await setUp();
    host.start();
    const port = new FakeMessagePort();
    assert.equal(host.connect(port), false);
    fake.forks[0]!.ready();
    assert.equal(host.connect(port), true);
    assert.deepEqual(fake.forks[0]!.posted, [{ message: { type: 'connect' }, transfer: [port] }]);
    host.dispose();
  });

  it('restarts after an unexpected exit: restarting, then ready, with the count incremented', async () => {
    const { fake, host, timers, updates } = await setUp();
    const exits: unknown[] = [];
    host.onExit((e) => exits.push(e));
    host.start();
    fake.forks[0]!.ready();
    fake.forks[0]!.exit(1);

    assert.deepEqual(exits, [{ pid: fake.forks[0]!.pid, code: 1, expected: false }]);
    assert.deepEqual(updates.at(-1), { state: 'restarting', restarts: 1, reason: 'exited with code 1' });
    assert.equal(host.restarts, 1);
    assert.equal(fake.forks.length, 1, 'waits for the restart delay');
    timers.advance(100);
    assert.equal(fake.forks.length, 2);
    assert.equal(fake.forks[1]!.options.env?.AUDIOSAE_ENGINE_RESTARTS, '1');
    fake.forks[1]!.ready();
    assert.deepEqual(
      updates.map((u) => u.state),
      ['starting', 'ready', 'restarting', 'ready'],
    );
    assert.deepEqual(updates.at(-1), { state: 'ready', restarts: 1 });
    host.dispose();
  });

  it('names the crash reason Electron gives', async () => {
    const { fake, host, updates } = await setUp();
    const crashes: unknown[] = [];
    host.onCrash((e) => crashes.push(e));
    host.start();
    fake.forks[0]!.ready();
    fake.app.childProcessGone({ type: 'Utility', reason: 'oom', exitCode: 133, serviceName: ENGINE_SERVICE_NAME });
    fake.app.childProcessGone({ type: 'GPU', reason: 'crashed', exitCode: 1 });
    fake.forks[0]!.exit(133);
    assert.deepEqual(crashes, [{ pid: fake.forks[0]!.pid, code: 133, reason: 'oom' }]);
    assert.deepEqual(updates.at(-1), { state: 'restarting', restarts: 1, reason: 'oom (exit code 133)' });
    host.dispose();
  });

  it('gives up after repeated crashes: state failed, no more forks', async () => {
    const { fake, host, timers, updates } = await setUp();
    host.start();
    for (let i = 0; i < 4; i++) {
      fake.forks[i]!.exit(1);
      timers.advance(10_000);
    }
    assert.equal(fake.forks.length, 4, 'the first run plus three restarts');
    assert.equal(host.state, 'failed');
    assert.deepEqual(updates.at(-1), { state: 'failed', restarts: 3, reason: 'exited with code 1' });
    assert.deepEqual(
      updates.map((u) => u.state),
      ['starting', 'restarting', 'restarting', 'restarting', 'failed'],
    );
    timers.advance(60_000);
    assert.equal(fake.forks.length, 4);
  });

  it('can be started again after it failed', async () => {
    const { fake, host, timers, updates } = await setUp({ restartPolicy: { maxRestarts: 0 } });
    host.start();
    fake.forks[0]!.exit(1);
    assert.equal(host.state, 'failed');
    host.start();
    timers.advance(0);
    assert.equal(fake.forks.length, 2);
    fake.forks[1]!.ready();
    assert.deepEqual(updates.at(-1), { state: 'ready', restarts: 0 });
    host.dispose();
  });

  it('does not restart after an intentional stop', async () => {
    const { fake, host, timers, updates } = await setUp();
    const exits: { expected: boolean }[] = [];
    host.onExit((e) => exits.push(e));
    host.start();
    fake.forks[0]!.ready();
    await host.stop(1_000);
    assert.equal(fake.forks[0]!.killCalls, 1);
    assert.equal(host.state, 'stopped');
    assert.deepEqual(exits.map((e) => e.expected), [true]);
    timers.advance(60_000);
    assert.equal(fake.forks.length, 1);
    assert.deepEqual(updates.map((u) => u.state), ['starting', 'ready']);
  });

  it('ignores a ready that arrives while stopping', async () => {
    const { fake, host, updates } = await setUp();
    host.start();
    const child = fake.forks[0]!;
    child.onKill = 'ignore';
    const stopped = host.stop(1_000);
    child.ready();
    assert.equal(host.state, 'stopping');
    child.exit(0);
    await stopped;
    assert.equal(host.state, 'stopped');
    assert.deepEqual(updates.map((u) => u.state), ['starting']);
  });

  it('cancels a pending restart when stopped', async () => {
    const { fake, host, timers } = await setUp();
    host.start();
    fake.forks[0]!.exit(1);
    assert.equal(host.state, 'restarting');
    await host.stop();
    timers.advance(60_000);
    assert.equal(fake.forks.length, 1);
    assert.equal(host.state, 'stopped');
  });

  it('waitForExit kills an engine that will not stop', async () => {
    const { fake, host, timers, killedPids } = await setUp();
    host.start();
    const child = fake.forks[0]!;
    child.onKill = 'ignore';
    const stopped = host.stop(2_000);
    await settle();
    assert.equal(host.state, 'stopping');
    timers.advance(2_000);
    await stopped;
    assert.deepEqual(killedPids, [child.pid]);
    assert.equal(host.state, 'stopped');
    assert.equal(fake.forks.length, 1, 'no restart after a stop');
  });

  it('kills and restarts an engine that never reports ready', async () => {
    const { fake, host, timers, updates } = await setUp({ readyTimeoutMs: 5_000 });
    host.start();
    timers.advance(5_000);
    assert.equal(fake.forks[0]!.killCalls, 1);
    await settle();
    assert.deepEqual(updates.at(-1), { state: 'restarting', restarts: 1, reason: 'not ready in time (exit code 0)' });
    timers.advance(100);
    assert.equal(fake.forks.length, 2);
    host.dispose();
  });

  it('treats a failing fork like a crash', async () => {
    const { fake, host, timers, updates } = await setUp();
    fake.utilityProcess.failNextFork = new Error('spawn EACCES');
    host.start();
    assert.deepEqual(updates.at(-1), { state: 'restarting', restarts: 1, reason: 'could not start: spawn EACCES' });
    timers.advance(100);
    assert.equal(fake.forks.length, 1);
    host.dispose();
  });

  it('restart() stops the engine and starts a fresh one', async () => {
    const { fake, host, updates } = await setUp();
    host.start();
    fake.forks[0]!.ready();
    await host.restart();
    assert.equal(fake.forks.length, 2);
    fake.forks[1]!.ready();
    assert.deepEqual(updates.map((u) => u.state), ['starting', 'ready', 'starting', 'ready']);
    host.dispose();
  });

  it('dispose kills the engine, removes its listeners and stops the app listener', async () => {
    const { fake, host } = await setUp();
    host.start();
    const child = fake.forks[0]!;
    assert.equal(fake.app.listenerCount('child-process-gone'), 1);
    host.dispose();
    assert.equal(child.killCalls, 1);
    assert.equal(child.listenerCount('exit'), 0);
    assert.equal(child.listenerCount('message'), 0);
    assert.equal(child.stdout.listenerCount('data'), 0);
    assert.equal(fake.app.listenerCount('child-process-gone'), 0);
    assert.throws(() => host.start(), /disposed/);
  });
});
