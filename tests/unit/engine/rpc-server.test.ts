import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { rpcMethods } from '../../../electron/common/contract.js';
import { AppError, type RpcError } from '../../../electron/common/errors.js';
import { RpcClient } from '../../../electron/common/rpc-client.js';
import type { Channel } from '../../../electron/common/wire.js';
import { RpcServer, type RpcHandlers } from '../../../electron/engine/rpc/rpc-server.js';
import { createInProcessChannelPair } from '../../../electron/engine/transports/in-process-channel.js';
import { fromNodeMessagePort, MessagePortChannel } from '../../../electron/engine/transports/message-port-channel.js';

function serverWith(handlers: Partial<RpcHandlers>, seen: unknown[] = []) {
  const all = Object.fromEntries(
    Object.keys(rpcMethods).map((method) => [
      method,
      (params: unknown, ctx: unknown) => {
        seen.push({ method, params });
        const handler = (handlers as Record<string, (p: unknown, c: unknown) => unknown>)[method];
        if (!handler) throw new AppError('internal', `no handler for ${method} in this test`);
        return handler(params, ctx);
      },
    ]),
  ) as unknown as RpcHandlers;
  return new RpcServer(all);
}

function connect(server: RpcServer, transport: 'in-process' | 'message-port'): RpcClient {
  let clientEnd: Channel;
  let serverEnd: Channel;
  if (transport === 'in-process') {
    [clientEnd, serverEnd] = createInProcessChannelPair();
  } else {
    const { port1, port2 } = new MessageChannel();
    clientEnd = new MessagePortChannel(fromNodeMessagePort(port1));
    serverEnd = new MessagePortChannel(fromNodeMessagePort(port2));
  }
  server.attach(serverEnd);
  return new RpcClient(clientEnd);
}

for (const transport of ['in-process', 'message-port'] as const) {
  test(`[${transport}] valid calls reach the handler with parsed params (defaults filled)`, async () => {
    const seen: unknown[] = [];
    const server = serverWith({ 'jobs.list': ({ limit }) => [{ limit }] as never }, seen);
    const client = connect(server, transport);
    const result = await client.call('jobs.list', {});
    assert.deepEqual(result, [{ limit: 50 }]);
    assert.deepEqual(seen, [{ method: 'jobs.list', params: { limit: 50 } }]);
    client.dispose();
    server.dispose();
  });

  test(`[${transport}] malformed arguments are rejected before any handler runs`, async () => {
    const seen: unknown[] = [];
    const server = serverWith({}, seen);
    const client = connect(server, transport);
    const bad: [string, unknown][] = [
      ['datasets.get', { datasetId: -1 }],
      ['datasets.get', { datasetId: '1' }],
      ['datasets.get', {}],
      ['datasets.importFolder', { name: '', folder: '/x' }],
      ['datasets.importFolder', { name: 'a', folder: '/x', extra: true }],
      ['datasets.importFolder', { name: 'a', folder: 'a\0b' }],
      ['models.download', { repoId: '../../etc/passwd' }],
      ['clips.list', { datasetId: 1, limit: 1e9 }],
      ['jobs.list', null],
      ['jobs.list', 'nope'],
    ];
    for (const [method, params] of bad) {
      await assert.rejects(
        client.call(method as never, params as never),
        (error: RpcError) => error.code === 'invalid_params' && error.message.startsWith(`Invalid arguments for ${method}`),
        `${method} ${JSON.stringify(params)}`,
      );
    }
    await assert.rejects(client.call('no.such.method' as never, {} as never), (e: RpcError) => e.code === 'unknown_method');
    assert.equal(seen.length, 0);
    client.dispose();
    server.dispose();
  });

  test(`[${transport}] aborting a call cancels the handler's signal`, async () => {
    let handlerSignal: AbortSignal | undefined;
    const server = serverWith({
      'engine.info': (_p, { signal }) =>
        new Promise((_resolve, reject) => {
          handlerSignal = signal;
          signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    });
    const client = connect(server, transport);
    const controller = new AbortController();
    const call = client.call('engine.info', {}, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await assert.rejects(call, (e: RpcError) => e.code === 'cancelled');
    assert.equal(handlerSignal?.aborted, true);
    client.dispose();
    server.dispose();
  });

  test(`[${transport}] errors cross as shapes; events reach every client`, async () => {
    const server = serverWith({
      'datasets.get': ({ datasetId }) => {
        throw new AppError('not_found', `No dataset with id ${datasetId}.`);
      },
    });
    const a = connect(server, transport);
    const b = connect(server, transport);
    await assert.rejects(a.call('datasets.get', { datasetId: 3 }), (e: RpcError) => e.code === 'not_found' && /id 3/.test(e.message));
    const got: string[] = [];
    a.onEvent((e) => got.push(`a:${e.type}`));
    b.onEvent((e) => got.push(`b:${e.type}`));
    server.broadcast({ type: 'datasets.changed' });
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(got.sort(), ['a:datasets.changed', 'b:datasets.changed']);
    a.dispose();
    b.dispose();
    server.dispose();
  });
}

test('pending calls fail with `unavailable` when the channel closes, and a new channel works', async () => {
  const server = serverWith({ 'engine.info': () => new Promise(() => undefined) as never, 'jobs.list': () => [] });
  const [clientEnd, serverEnd] = createInProcessChannelPair();
  server.attach(serverEnd);
  const client = new RpcClient(clientEnd);
  const pending = client.call('engine.info', {});
  clientEnd.dispose();
  await assert.rejects(pending, (e: RpcError) => e.code === 'unavailable');
  assert.equal(server.connectionCount, 0);
  const [c2, s2] = createInProcessChannelPair();
  server.attach(s2);
  client.attach(c2);
  assert.deepEqual(await client.call('jobs.list', {}), []);
  client.dispose();
  server.dispose();
});
