import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RpcClient } from '../../../electron/common/rpc-client.js';
import { decodeWire, encodeWire, type WireMessage } from '../../../electron/common/wire.js';
import {
  openSocketChannel,
  redactToken,
  SocketConnectError,
  type SocketLike,
} from '../../../renderer/src/lib/transport/socket-channel.js';
import { flush } from './channel-fakes.js';

/** A WebSocket stand-in: the test plays the server. */
class FakeSocket extends EventTarget implements SocketLike {
  readyState = 0;
  readonly sent: string[] = [];
  closeCalls = 0;

  constructor(readonly url: string) {
    super();
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(): void {
    this.closeCalls++;
    if (this.readyState === 3) return;
    this.readyState = 3;
    queueMicrotask(() => this.dispatchEvent(new Event('close')));
  }

  // server side
  accept(): void {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }
  refuse(): void {
    this.dispatchEvent(new Event('error'));
    this.readyState = 3;
    this.dispatchEvent(new Event('close'));
  }
  push(data: unknown): void {
    this.dispatchEvent(Object.assign(new Event('message'), { data }));
  }
  drop(): void {
    this.readyState = 3;
    this.dispatchEvent(new Event('close'));
  }
  sentMessages(): WireMessage[] {
    return this.sent.map(decodeWire);
  }
}

function connect(signal?: AbortSignal) {
  let socket!: FakeSocket;
  const channel = openSocketChannel(
    'ws://127.0.0.1:5000/rpc?token=secret',
    (url) => (socket = new FakeSocket(url)),
    signal,
  );
  return { channel, socket: () => socket };
}

describe('openSocketChannel', () => {
  it('resolves once the socket opens and speaks the JSON wire codec, bytes included', async () => {
    const { channel: opening, socket } = connect();
    socket().accept();
    const channel = await opening;
    const client = new RpcClient(channel);

    const call = client.call('clips.audio', { clipId: 7 });
    const [request] = socket().sentMessages();
    assert.deepEqual(request, { t: 'req', id: 1, method: 'clips.audio', params: { clipId: 7 } });

    const bytes = new Uint8Array([82, 73, 70, 70, 0, 255]);
    socket().push(encodeWire({ t: 'res', id: 1, ok: true, result: { clipId: 7, mimeType: 'audio/wav', bytes } }));
    const audio = await call;
    assert.ok(audio.bytes instanceof Uint8Array);
    assert.deepEqual([...audio.bytes], [...bytes]);
    client.dispose();
  });

  it('passes events on and ignores frames that are not wire messages', async () => {
    const { channel: opening, socket } = connect();
    socket().accept();
    const channel = await opening;
    const seen: WireMessage[] = [];
    channel.onMessage((m) => seen.push(m));
    socket().push('not json');
    socket().push(JSON.stringify({ hello: 1 }));
    socket().push(new Uint8Array([1, 2]));
    socket().push(encodeWire({ t: 'evt', event: { type: 'datasets.changed' } }));
    assert.deepEqual(seen, [{ t: 'evt', event: { type: 'datasets.changed' } }]);
    channel.dispose();
  });

  it('rejects when the server refuses, without leaking the token', async () => {
    const { channel, socket } = connect();
    socket().refuse();
    await assert.rejects(channel, (error: Error) => {
      assert.ok(error instanceof SocketConnectError);
      assert.doesNotMatch(error.message, /secret/);
      return true;
    });
  });

  it('rejects and closes the socket when aborted', async () => {
    const abort = new AbortController();
    const { channel, socket } = connect(abort.signal);
    abort.abort();
    await assert.rejects(channel, SocketConnectError);
    assert.equal(socket().closeCalls, 1);
  });

  it('fires onClose once when the engine goes away, and fails calls in flight', async () => {
    const { channel: opening, socket } = connect();
    socket().accept();
    const channel = await opening;
    const client = new RpcClient(channel);
    let closes = 0;
    channel.onClose(() => closes++);
    const call = client.call('datasets.list', {});
    socket().drop();
    await assert.rejects(call, { code: 'unavailable' });
    socket().drop();
    await flush();
    assert.equal(closes, 1);
    assert.equal(client.connected, false);
  });

  it('drops sends after the socket closed instead of throwing', async () => {
    const { channel: opening, socket } = connect();
    socket().accept();
    const channel = await opening;
    channel.dispose();
    channel.send({ t: 'cancel', id: 1 });
    assert.equal(socket().sent.length, 0);
  });
});

describe('redactToken', () => {
  it('hides the token value only', () => {
    assert.equal(redactToken('ws://h:1/rpc?token=abc&x=1'), 'ws://h:1/rpc?token=…&x=1');
    assert.equal(redactToken('ws://h:1/rpc'), 'ws://h:1/rpc');
  });
});
