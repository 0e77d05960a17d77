/**
 * Security suite, server mode (`audiosae serve` through its supervisor, engine in its own
 * process): listens on 127.0.0.1 only (the kernel's socket table, and a connection to each
 * non-loopback address of this machine fails), refuses every wrong form of the token over
 * HTTP and WebSocket, and refuses foreign Host and Origin headers (DNS rebinding), for HTTP
 * and for the WebSocket upgrade. tests/integration/serve-supervisor.test.ts has the basic
 * cases (no token, one wrong token, one foreign Host, one foreign Origin); these are the rest.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TOKEN_COOKIE, generateToken } from '../../electron/engine/server/auth.js';
import { ServeSupervisor, type SupervisorEvent } from '../../electron/engine/serve/supervisor.js';
import { makeTempDir } from '../helpers/temp-dir.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe('security: server mode', () => {
  const dir = makeTempDir('audiosae-security-serve-');
  const token = generateToken();
  let supervisor: ServeSupervisor;
  let port = 0;
  let url = '';
  const events: SupervisorEvent[] = [];

  before(async () => {
    supervisor = new ServeSupervisor({
      dataDir: join(dir.path, 'data'),
      port: 0,
      token,
      staticDir: join(dir.path, 'renderer'),
      restartPolicy: { baseDelayMs: 50 },
    });
    const listening = new Promise<Extract<SupervisorEvent, { type: 'listening' }>>((resolve) => {
      const listener = supervisor.onEvent((event) => {
        if (event.type === 'listening') {
          listener.dispose();
          resolve(event);
        }
      });
    });
    supervisor.onEvent((event) => events.push(event));
    supervisor.start();
    ({ port, url } = await listening);
  });

  after(async () => {
    await supervisor.stop();
    dir.cleanup();
  });

  /** A raw HTTP request: Host and every header exactly as given. */
  function httpGet(path: string, headers: Record<string, string>, host = '127.0.0.1'): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request({ host, port, path, headers, setHost: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** A raw WebSocket upgrade: resolves 101 when the server accepts it, else its refusal status. */
  function upgrade(path: string, headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port,
        path,
        setHost: false,
        headers: {
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Version': '13',
          'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
          ...headers,
        },
      });
      req.on('upgrade', (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** Whether a TCP connection to host:port opens. */
  function canConnect(host: string): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect({ host, port, timeout: 3000 });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(false));
    });
  }

  test('listens on 127.0.0.1 only', async () => {
    assert.match(url, new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?token=`), 'the printed URL is loopback');
    // The kernel's table of listening sockets (Linux): every listener on this port is 127.0.0.1.
    if (existsSync('/proc/net/tcp')) {
      const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
      const listeners = (file: string) =>
        existsSync(file)
          ? readFileSync(file, 'utf8')
              .split('\n')
              .slice(1)
              .map((line) => line.trim().split(/\s+/))
              .filter((f) => f[1]?.endsWith(`:${hexPort}`) && f[3] === '0A')
              .map((f) => f[1]!.split(':')[0]!)
          : [];
      assert.deepEqual(listeners('/proc/net/tcp'), ['0100007F'], 'IPv4 listeners on the port');
      assert.deepEqual(listeners('/proc/net/tcp6'), [], 'IPv6 listeners on the port');
    }
    assert.equal(await canConnect('127.0.0.1'), true, 'loopback connects');
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a !== undefined && !a.internal && !a.address.startsWith('fe80'))
      .map((a) => a!.address);
    for (const address of [...others, '::1']) {
      assert.equal(await canConnect(address), false, `a connection to ${address}:${port} must fail`);
    }
    console.log(`security: server listens on 127.0.0.1:${port} only; connections to ${others.length + 1} other addresses of this machine (${[...others, '::1'].join(', ')}) refused`);
  });

  test('refuses every wrong form of the token, over HTTP and the WebSocket upgrade', async () => {
    const host = `127.0.0.1:${port}`;
    const sameLength = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    const wrong: { label: string; query: string; headers?: Record<string, string> }[] = [
      { label: 'no token', query: '' },
      { label: 'empty token', query: '?token=' },
      { label: 'same length, last char changed', query: `?token=${sameLength}` },
      { label: 'prefix', query: `?token=${token.slice(0, 8)}` },
      { label: 'token + suffix', query: `?token=${token}x` },
      { label: 'upper-cased', query: `?token=${token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase()}` },
      { label: 'wrong then right (first wins)', query: `?token=nope&token=${token}` },
      { label: 'other parameter name', query: `?tok=${token}` },
      { label: 'in the fragment only', query: `#token=${token}` },
      { label: 'Authorization header (not a supported form)', query: '', headers: { authorization: `Bearer ${token}` } },
      { label: 'wrong cookie', query: '', headers: { cookie: `${TOKEN_COOKIE}=${sameLength}` } },
      { label: 'cookie under another name', query: '', headers: { cookie: `token=${token}` } },
      { label: 'cookie name as a prefix', query: '', headers: { cookie: `x${TOKEN_COOKIE}=${token}` } },
      { label: 'cookie with a NUL', query: '', headers: { cookie: `${TOKEN_COOKIE}=${token.slice(0, 4)}%00` } },
    ];
    const let_in: string[] = [];
    for (const attempt of wrong) {
      const headers = { host, ...attempt.headers };
      const answer = await httpGet(`/healthz${attempt.query}`, headers);
      if (answer.status !== 401) let_in.push(`HTTP ${attempt.label}: ${answer.status}`);
      assert.equal(answer.headers['set-cookie'], undefined, `${attempt.label}: no cookie handed out`);
      assert.equal(answer.body.includes(token), false, `${attempt.label}: the refusal does not leak the token`);
      const ws = await upgrade(`/rpc${attempt.query}`, { ...headers, origin: `http://${host}` });
      if (ws !== 401) let_in.push(`WebSocket ${attempt.label}: ${ws}`);
    }
    assert.deepEqual(let_in, [], 'wrong tokens let in');
    // The right token, in the query or the cookie, is let in (so the refusals above are about the token).
    assert.equal((await httpGet(`/healthz?token=${token}`, { host })).status, 200);
    assert.equal((await httpGet('/healthz', { host, cookie: `other=1; ${TOKEN_COOKIE}=${token}` })).status, 200);
    assert.equal(await upgrade(`/rpc?token=${token}`, { host, origin: `http://${host}` }), 101);
    assert.equal(await upgrade('/rpc', { host, cookie: `${TOKEN_COOKIE}=${token}` }), 101);
    console.log(`security: ${wrong.length} wrong token forms x 2 (HTTP, WebSocket) refused with 401, 0 let in`);
  });

  test('refuses foreign Host and Origin headers (DNS rebinding), for HTTP and the WebSocket upgrade', async () => {
    const foreignHosts = [
      `evil.example:${port}`,
      `localhost.evil.example:${port}`,
      `127.0.0.1.evil.example:${port}`,
      `127.0.0.1:${port}.evil.example`,
      `127.0.0.1:${port + 1}`,
      '127.0.0.1',
      'localhost',
      `0.0.0.0:${port}`,
      `127.0.0.2:${port}`,
      `[::ffff:127.0.0.1]:${port}`,
      `evil.example`,
    ];
    const foreignOrigins = [
      'http://evil.example',
      'null',
      `http://localhost:${port}.evil.example`,
      `http://127.0.0.1:${port + 1}`,
      `http://127.0.0.1:${port}@evil.example`,
      `https://127.0.0.1.evil.example:${port}`,
      'file://',
      'chrome-extension://abcdefghijklmnop',
      `app://renderer`,
    ];
    const let_in: string[] = [];
    for (const host of foreignHosts) {
      const answer = await httpGet(`/healthz?token=${token}`, { host });
      if (answer.status !== 403 && answer.status !== 400) let_in.push(`HTTP Host ${host}: ${answer.status}`);
      const ws = await upgrade(`/rpc?token=${token}`, { host });
      if (ws !== 403 && ws !== 400) let_in.push(`WebSocket Host ${host}: ${ws}`);
    }
    for (const origin of foreignOrigins) {
      const ws = await upgrade(`/rpc?token=${token}`, { host: `127.0.0.1:${port}`, origin });
      if (ws !== 403) let_in.push(`WebSocket Origin ${origin}: ${ws}`);
    }
    // HTTP/1.0 without any Host header.
    const noHost = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => socket.end(`GET /healthz?token=${token} HTTP/1.0\r\n\r\n`));
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    if (!/^HTTP\/1\.[01] (400|403)/.test(noHost)) let_in.push(`HTTP without Host: ${noHost.split('\r\n')[0]}`);
    assert.deepEqual(let_in, [], 'foreign hosts or origins let in');
    // Loopback names are served.
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      assert.equal((await httpGet(`/healthz?token=${token}`, { host })).status, 200, host);
    }
    assert.equal(await upgrade(`/rpc?token=${token}`, { host: `localhost:${port}`, origin: `http://localhost:${port}` }), 101);
    console.log(
      `security: ${foreignHosts.length} foreign Host headers x 2 (HTTP, WebSocket) + ${foreignOrigins.length} foreign Origins ` +
        '+ 1 request without Host refused, 0 let in',
    );
  });

  test('the engine server never went down during these requests', async () => {
    // A refused request must not cost the engine its life (and every job its progress).
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(events.filter((e) => e.type !== 'listening'), [], 'supervisor events other than listening');
    assert.equal(events.length, 1, 'listening once: no restart');
    assert.equal((await httpGet(`/healthz?token=${token}`, { host: `127.0.0.1:${port}` })).status, 200);
  });
});
