/**
 * Security suite, RPC boundary: every method of the contract (iterated from `rpcMethods`, so a
 * new method is covered without touching this file) gets a generated set of malformed payloads
 * through the real RpcServer of a real Engine, in process and over the WebSocket of server mode
 * (JSON text, as a browser sends it). Each must come back as a structured `invalid_params`
 * error (never `internal`), the engine must keep answering, no table of the database may gain
 * or lose a row, and no prototype may be polluted.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { rpcMethods, type RpcMethod } from '../../electron/common/contract.js';
import type { RpcErrorShape } from '../../electron/common/errors.js';
import { RpcClient } from '../../electron/common/rpc-client.js';
import { decodeWire, encodeWire, type Channel, type WireMessage } from '../../electron/common/wire.js';
import { Engine } from '../../electron/engine/engine.js';
import { startHttpServer, type RunningServer } from '../../electron/engine/server/http-server.js';
import { createInProcessChannelPair } from '../../electron/engine/transports/in-process-channel.js';
import { connectWebSocket } from '../../electron/engine/transports/websocket-client.js';
import { SeededRandom } from '../../native-models/common/seeded-random.js';
import { waitForJob } from '../helpers/jobs.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { writeWavFolder } from '../helpers/wav-folder.js';
import { asZod, isStrictObject, malformedPayloads, objectVariants, sample, type MalformedPayload } from './rpc-payloads.js';

const SEED = 20260226;
const RANDOM_PER_METHOD = 12;
const TOKEN = 'security-suite-token-0123456789';
const methods = Object.keys(rpcMethods) as RpcMethod[];

type Response = { ok: true; result: unknown } | { ok: false; error: RpcErrorShape } | { ok: 'none' };

/** Sends raw requests (any method, any params) on a channel and waits for their answers. */
class RawCaller {
  #nextId = 1;
  readonly #pending = new Map<number, (r: Response) => void>();
  constructor(private readonly channel: Channel) {
    channel.onMessage((message: WireMessage) => {
      if (message.t !== 'res') return;
      const resolve = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      resolve?.(message.ok ? { ok: true, result: message.result } : { ok: false, error: message.error });
    });
  }

  call(method: unknown, params: unknown, timeoutMs = 30_000): Promise<Response> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve({ ok: 'none' });
      }, timeoutMs);
      this.#pending.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.channel.send({ t: 'req', id, method: method as string, params });
    });
  }
}

/** What arrives after a JSON transport: NaN becomes null, `__proto__` stays an own key. */
function overJson(params: unknown): unknown {
  const message = decodeWire(encodeWire({ t: 'req', id: 1, method: 'x', params }));
  return (message as { params: unknown }).params;
}

function tableCounts(engine: Engine): Record<string, number> {
  const tables = engine.store.db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .all() as { name: string }[];
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    counts[name] = (engine.store.db.prepare(`SELECT COUNT(*) AS n FROM "${name.replaceAll('"', '""')}"`).get() as { n: number }).n;
  }
  return counts;
}

function assertNoPrototypePollution(): void {
  for (const key of ['polluted', 'isAdmin']) {
    assert.equal(Object.hasOwn(Object.prototype, key), false, `Object.prototype.${key} was set`);
    assert.equal(({} as Record<string, unknown>)[key], undefined, `{}.${key} is visible`);
  }
}

describe('security: RPC methods reject malformed arguments', () => {
  const dir = makeTempDir('audiosae-security-rpc-');
  let engine: Engine;
  let server: RunningServer;
  let inProcess: RawCaller;
  let overWebSocket: RawCaller;
  let wsChannel: Channel;
  let before_: Record<string, number>;
  const errors: unknown[][] = [];
  const originalError = console.error;

  before(async () => {
    const audio = join(dir.path, 'audio');
    mkdirSync(audio);
    writeWavFolder(audio);
    engine = Engine.open({ dataDir: join(dir.path, 'data') });
    const [clientEnd, engineEnd] = createInProcessChannelPair();
    engine.connect(engineEnd);
    // Seed rows (a dataset and its clips) so "no row changed" means something, and id 1 exists.
    const client = new RpcClient(clientEnd);
    const { jobId } = await client.call('datasets.importFolder', { name: 'seed', folder: audio });
    const job = await waitForJob(client, jobId);
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    inProcess = new RawCaller(clientEnd);

    server = await startHttpServer({ engine, token: TOKEN, staticDir: join(dir.path, 'no-renderer'), port: 0 });
    wsChannel = await connectWebSocket(`ws://127.0.0.1:${server.port}/rpc?token=${TOKEN}`);
    overWebSocket = new RawCaller(wsChannel);
    before_ = tableCounts(engine);
    console.error = (...args: unknown[]) => void errors.push(args);
  });

  after(async () => {
    console.error = originalError;
    wsChannel.dispose();
    await server.close();
    await engine.close();
    dir.cleanup();
  });

  test('every params schema is a strict object (unknown keys are refused by construction)', () => {
    const loose: string[] = [];
    for (const method of methods) {
      const variants = objectVariants(asZod(rpcMethods[method].params));
      if (variants.length === 0 || !variants.every(isStrictObject)) loose.push(method);
    }
    assert.deepEqual(loose, [], `methods whose params accept unknown keys: ${loose.join(', ')}`);
    console.log(`security: ${methods.length} RPC methods, all with strict object params`);
  });

  test('no method takes a file path it would read for the renderer: clips.audio and clips.peaks take ids only', () => {
    for (const method of ['clips.audio', 'clips.peaks', 'clips.get'] as const) {
      const shape = objectVariants(asZod(rpcMethods[method].params))[0]!._zod.def.shape!;
      for (const key of Object.keys(shape)) assert.doesNotMatch(key, /path|file|folder|dir|url/i, `${method}.${key}`);
    }
  });

  for (const transport of ['in-process', 'websocket'] as const) {
    test(`malformed payloads for every method over ${transport}: invalid_params, never internal`, async () => {
      const random = new SeededRandom(transport === 'in-process' ? SEED : SEED + 1);
      const caller = transport === 'in-process' ? inProcess : overWebSocket;
      let sent = 0;
      let skippedRandom = 0;
      const noValidBase: string[] = [];
      const accepted: string[] = [];
      const wrongCode: string[] = [];
      for (const method of methods) {
        const schema = asZod(rpcMethods[method].params);
        const variant = objectVariants(schema)[0];
        if (!variant || !schema.safeParse(sample(variant)).success) noValidBase.push(method);
        const payloads: MalformedPayload[] = malformedPayloads(schema, random, RANDOM_PER_METHOD);
        for (const payload of payloads) {
          const arrives = transport === 'websocket' ? overJson(payload.params) : payload.params;
          if (schema.safeParse(arrives).success) {
            // Only seeded random values may happen to be valid; every constructed one must be refused.
            assert.match(payload.label, /^seeded random/, `${method} {${payload.label}} is accepted by the schema`);
            skippedRandom++;
            continue;
          }
          sent++;
          const response = await caller.call(method, payload.params);
          if (response.ok === true) {
            accepted.push(`${method} {${payload.label}}`);
          } else if (response.ok === false) {
            const { error } = response;
            const structured =
              error.code === 'invalid_params' &&
              typeof error.message === 'string' &&
              error.message.startsWith(`Invalid arguments for ${method}`) &&
              error.message.length < 20_000 &&
              Array.isArray(error.details) &&
              (error.details as unknown[]).length > 0;
            if (!structured) wrongCode.push(`${method} {${payload.label}}: ${error.code} ${error.message.slice(0, 200)}`);
          } else {
            wrongCode.push(`${method} {${payload.label}}: no answer`);
          }
        }
        // The engine is still up after each method's batch.
        const info = await caller.call('engine.info', {});
        assert.equal(info.ok, true, `engine.info after ${method}`);
      }
      assert.deepEqual(accepted, [], 'accepted malformed payloads');
      assert.deepEqual(wrongCode, [], 'answers that are not a structured invalid_params error');
      assert.deepEqual(tableCounts(engine), before_, 'row counts of every table');
      assertNoPrototypePollution();
      assert.deepEqual(errors.filter((e) => String(e[0]).startsWith('[rpc]')), [], 'internal errors logged');
      console.log(
        `security: ${methods.length} RPC methods x ${(sent / methods.length).toFixed(1)} malformed payloads on average ` +
          `(${sent} over ${transport}, seed ${transport === 'in-process' ? SEED : SEED + 1}) rejected, ${accepted.length} accepted, ` +
          `0 rows changed; ${methods.length - noValidBase.length}/${methods.length} methods had a valid generated base payload ` +
          `(not: ${noValidBase.join(', ')}, whose cross-field refinements the generator does not solve); ` +
          `${skippedRandom} random values happened to be valid and were not counted`,
      );
    });
  }

  test('well-formed payloads naming rows that do not exist: a clear error, never internal, no row changed', async () => {
    const outcomes = new Map<string, number>();
    const internal: string[] = [];
    const okMethods: string[] = [];
    let tried = 0;
    for (const method of methods) {
      const schema = asZod(rpcMethods[method].params);
      const variant = objectVariants(schema)[0];
      if (!variant) continue;
      const base = sample(variant) as Record<string, unknown>;
      const idKeys = Object.keys(base).filter((k) => k === 'id' || k.endsWith('Id'));
      if (idKeys.length === 0) continue;
      const params = { ...base, ...Object.fromEntries(idKeys.map((k) => [k, Number.MAX_SAFE_INTEGER])) };
      if (!schema.safeParse(params).success) continue;
      tried++;
      const response = await inProcess.call(method, params);
      const outcome = response.ok === true ? 'ok' : response.ok === false ? response.error.code : 'no answer';
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      if (outcome === 'ok') okMethods.push(method);
      if (outcome === 'internal' || outcome === 'no answer') {
        internal.push(`${method}: ${response.ok === false ? response.error.message : outcome}`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200)); // let any job that was wrongly queued show up
    assert.deepEqual(internal, [], 'internal errors for unknown ids');
    assert.deepEqual(tableCounts(engine), before_, 'row counts of every table');
    assert.ok(tried >= 20, `only ${tried} methods had a well-formed payload with ids`);
    console.log(
      `security: ${tried} RPC methods called with well-formed params naming missing rows (id ${Number.MAX_SAFE_INTEGER}): ` +
        `${[...outcomes].map(([k, n]) => `${n} ${k}`).join(', ')} (ok, changing nothing: ${okMethods.join(', ')}); 0 internal, 0 rows changed`,
    );
  });

  test('unknown and prototype method names are unknown_method; garbage frames leave the connection working', async () => {
    const names: unknown[] = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '', 'ENGINE.INFO', 'engine.info\u0000', 'engine', 'x'.repeat(100_000), 42, null, { method: 'engine.info' }];
    for (const name of names) {
      for (const caller of [inProcess, overWebSocket]) {
        const response = await caller.call(name, {});
        assert.equal(response.ok, false, `method ${String(name).slice(0, 40)}`);
        if (response.ok === false) {
          assert.equal(response.error.code, 'unknown_method');
          assert.ok(response.error.message.length < 300, 'the message does not echo a huge name');
        }
      }
    }
    // Raw frames a hostile page could send on the socket: none may crash or close the engine.
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/rpc?token=${TOKEN}`);
    await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
    const replies: string[] = [];
    ws.on('message', (data: WebSocket.RawData) => replies.push(String(data)));
    const frames = [
      'not json',
      '{',
      'null',
      '[]',
      '{"t":"req"}',
      '{"t":"req","id":"1","method":"engine.info","params":{}}',
      '{"t":"req","id":1e400,"method":"engine.info","params":{}}',
      '{"t":"req","id":1.5,"method":"engine.info","params":{}}',
      '{"t":"req","id":9007199254740993,"method":"engine.info","params":{}}',
      '{"t":"cancel","id":{"__proto__":1}}',
      '{"t":"res","id":1,"ok":true,"result":{}}',
      '{"t":"evt","event":{"type":"job"}}',
      '{"__proto__":{"t":"req"},"id":2}',
      '{"t":"req","id":3,"method":"jobs.get","params":{"jobId":1,"__proto__":{"polluted":"yes"}}}',
      '{"t":"req","id":4,"method":"jobs.get","params":{"$bytes":"AAAA"}}',
    ];
    for (const frame of frames) ws.send(frame);
    ws.send(Buffer.from([0, 1, 2, 3]), { binary: true });
    ws.send('{"t":"req","id":5,"method":"engine.info","params":{}}');
    const deadline = Date.now() + 10_000;
    while (!replies.some((r) => r.includes('"id":5')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    ws.close();
    const byId = new Map(replies.map((r) => JSON.parse(r) as { id: number; ok: boolean; error?: RpcErrorShape }).map((r) => [r.id, r]));
    assert.equal(byId.get(5)?.ok, true, 'engine.info answered after the garbage');
    assert.equal(byId.get(3)?.error?.code, 'invalid_params', '__proto__ key in params refused');
    assert.equal(byId.get(4)?.error?.code, 'invalid_params', 'bytes where an object is expected refused');
    assert.equal(byId.has(1), false, 'no answer to non-integer ids');
    assertNoPrototypePollution();
    assert.deepEqual(tableCounts(engine), before_, 'row counts of every table');
    console.log(`security: ${names.length} bad method names x 2 transports -> unknown_method; ${frames.length + 1} garbage frames ignored or refused, connection kept`);
  });
});
