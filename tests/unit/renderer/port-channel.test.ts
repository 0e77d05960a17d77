import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { RpcClient } from '../../../electron/common/rpc-client.js';
import type { WireMessage } from '../../../electron/common/wire.js';
import { createPortChannel } from '../../../renderer/src/lib/transport/port-channel.js';

/** The engine's end: answers each request with a fixed result. */
function fakeEngine(port: MessagePort, results: Record<string, unknown>) {
  const received: WireMessage[] = [];
  port.on('message', (message: WireMessage) => {
    received.push(message);
    if (message.t === 'req') port.postMessage({ t: 'res', id: message.id, ok: true, result: results[message.method] });
  });
  return received;
}

function nextTick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 10));
}

describe('createPortChannel', () => {
  it('carries requests, responses and Uint8Array payloads by structured clone', async () => {
    const { port1, port2 } = new MessageChannel();
    const bytes = new Uint8Array([1, 2, 3, 250]);
    fakeEngine(port2, { 'clips.audio': { clipId: 3, mimeType: 'audio/wav', bytes } });
    const client = new RpcClient(createPortChannel(port1));
    const audio = await client.call('clips.audio', { clipId: 3 });
    assert.ok(audio.bytes instanceof Uint8Array);
    assert.deepEqual([...audio.bytes], [1, 2, 3, 250]);
    client.dispose();
    port2.close();
  });

  it('passes events on and ignores other messages', async () => {
    const { port1, port2 } = new MessageChannel();
    const channel = createPortChannel(port1);
    const seen: WireMessage[] = [];
    channel.onMessage((m) => seen.push(m));
    port2.postMessage('hello');
    port2.postMessage({ t: 'evt', event: { type: 'models.changed' } });
    await nextTick();
    assert.deepEqual(seen, [{ t: 'evt', event: { type: 'models.changed' } }]);
    channel.dispose();
    port2.close();
  });

  it('closes when the other end closes (engine died); calls in flight fail', async () => {
    const { port1, port2 } = new MessageChannel();
    const channel = createPortChannel(port1);
    const client = new RpcClient(channel);
    let closes = 0;
    channel.onClose(() => closes++);
    const call = client.call('engine.info', {});
    port2.close();
    await assert.rejects(call, { code: 'unavailable' });
    await nextTick();
    assert.equal(closes, 1);
    assert.equal(client.connected, false);
  });

  it('a new port re-attaches the same client (engine restarted)', async () => {
    const client = new RpcClient();
    const first = new MessageChannel();
    fakeEngine(first.port2, { 'engine.info': { pid: 1 } });
    const firstChannel = createPortChannel(first.port1);
    client.attach(firstChannel);
    assert.deepEqual(await client.call('engine.info', {}), { pid: 1 });

    const second = new MessageChannel();
    fakeEngine(second.port2, { 'engine.info': { pid: 2 } });
    client.attach(createPortChannel(second.port1));
    firstChannel.dispose();
    assert.deepEqual(await client.call('engine.info', {}), { pid: 2 });
    client.dispose();
    second.port2.close();
    first.port2.close();
  });

  it('dispose closes the port and stops sending', async () => {
    const { port1, port2 } = new MessageChannel();
    const received = fakeEngine(port2, {});
    const channel = createPortChannel(port1);
    channel.dispose();
    channel.send({ t: 'cancel', id: 1 });
    await nextTick();
    assert.deepEqual(received, []);
    port2.close();
  });
});
