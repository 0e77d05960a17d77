import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PRELOAD_MESSAGE_SOURCE, type EngineStateUpdate } from '../../../electron/common/shell-protocol.js';
import { ElectronShellBridge } from '../../../renderer/src/lib/transport/electron-shell.js';
import type { PortLike } from '../../../renderer/src/lib/transport/port-channel.js';

const fakeWindow = new EventTarget();
const otherFrame = {};

function post(data: unknown, options: { source?: unknown; ports?: unknown[] } = {}) {
  const event = Object.assign(new Event('message'), {
    data,
    source: 'source' in options ? options.source : fakeWindow,
    ports: options.ports ?? [],
  });
  fakeWindow.dispatchEvent(event);
}

const fakePort = { postMessage() {}, addEventListener() {}, removeEventListener() {}, start() {}, close() {} };

describe('ElectronShellBridge', () => {
  it('hands over each engine port and engine state', () => {
    const bridge = new ElectronShellBridge(fakeWindow, fakeWindow);
    const ports: PortLike[] = [];
    const states: EngineStateUpdate[] = [];
    bridge.onPort((port) => ports.push(port));
    bridge.onState((state) => states.push(state));

    post({ source: PRELOAD_MESSAGE_SOURCE, type: 'engine-port' }, { ports: [fakePort] });
    post({ source: PRELOAD_MESSAGE_SOURCE, type: 'engine-state', state: 'restarting', restarts: 1, reason: 'exit 3' });
    post({ source: PRELOAD_MESSAGE_SOURCE, type: 'engine-state', state: 'failed', restarts: 5 });

    assert.deepEqual(ports, [fakePort]);
    assert.deepEqual(states, [
      { state: 'restarting', restarts: 1, reason: 'exit 3' },
      { state: 'failed', restarts: 5 },
    ]);
    bridge.dispose();
  });

  it('ignores messages from other frames, other senders and malformed ones', () => {
    const bridge = new ElectronShellBridge(fakeWindow, fakeWindow);
    let count = 0;
    bridge.onPort(() => count++);
    bridge.onState(() => count++);
    post({ source: PRELOAD_MESSAGE_SOURCE, type: 'engine-port' }, { source: otherFrame, ports: [fakePort] });
    post({ source: 'someone-else', type: 'engine-port' }, { ports: [fakePort] });
    post({ source: PRELOAD_MESSAGE_SOURCE, type: 'engine-port' }, { ports: [] });
    post({ source: PRELOAD_MESSAGE_SOURCE, type: 'engine-state', state: 'exploded' });
    post('engine-port');
    assert.equal(count, 0);
    bridge.dispose();
  });

  it('stops listening on dispose', () => {
    const bridge = new ElectronShellBridge(fakeWindow, fakeWindow);
    let count = 0;
    bridge.onPort(() => count++);
    bridge.dispose();
    post({ source: PRELOAD_MESSAGE_SOURCE, type: 'engine-port' }, { ports: [fakePort] });
    assert.equal(count, 0);
  });
});
