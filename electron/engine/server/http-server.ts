/**
 * Server mode: the built renderer over HTTP and the RPC contract over a WebSocket, on
 * loopback only, behind a random token (in the printed URL, then an HttpOnly cookie).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { CONTENT_SECURITY_POLICY } from '../../common/csp.js';
import type { Engine } from '../engine.js';
import { MAX_FRAME_BYTES, WebSocketChannel } from '../transports/websocket-channel.js';
import { authenticate, isLoopbackHost, tokenCookie } from './auth.js';
import { serveStatic } from './static-files.js';

export const LOOPBACK_HOST = '127.0.0.1';

export interface HttpServerOptions {
  engine: Engine;
  token: string;
  staticDir: string;
  /** 0 picks a free port. */
  port: number;
}

export interface RunningServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function refuse(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
  response.end(message);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const { engine, token, staticDir } = options;
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  let port = options.port;

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      if (!isLoopbackHost(request.headers.host, port)) return refuse(response, 403, 'Forbidden host.');
      if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(response, 405, 'Method not allowed.');
      let url: URL;
      try {
        url = new URL(request.url ?? '/', `http://${request.headers.host}`);
      } catch {
        return refuse(response, 400, 'Bad request path.'); // e.g. `//[`: a refusal, not an internal error
      }
      const auth = authenticate(request, url, token);
      if (!auth.ok) {
        return refuse(response, 401, 'Missing or wrong token. Open the URL that `audiosae serve` printed.');
      }
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
      if (auth.viaQuery) response.setHeader('Set-Cookie', tokenCookie(token));
      if (url.pathname === '/healthz') return refuse(response, 200, 'ok');
      if (!existsSync(join(staticDir, 'index.html'))) {
        return refuse(response, 503, `The renderer is not built (${staticDir} is empty). Run: npm run build`);
      }
      if (!(await serveStatic(staticDir, url.pathname, response))) refuse(response, 404, 'Not found.');
    })().catch((error: unknown) => {
      console.error('[server] request failed:', error);
      if (!response.headersSent) refuse(response, 500, 'Internal error.');
      else response.destroy();
    });
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // The Host check comes first: a malformed Host would make `new URL` throw here, outside any
    // try, and an exception thrown from this listener would take the whole engine down.
    if (!isLoopbackHost(request.headers.host, port)) return refuseUpgrade(socket, 403, 'Forbidden');
    const origin = request.headers.origin;
    if (origin && !isLoopbackHost(origin.replace(/^https?:\/\//, ''), port)) {
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    let url: URL;
    try {
      url = new URL(request.url ?? '/', `http://${request.headers.host}`);
    } catch {
      return refuseUpgrade(socket, 400, 'Bad Request');
    }
    if (url.pathname !== '/rpc') return refuseUpgrade(socket, 404, 'Not Found');
    if (!authenticate(request, url, token).ok) return refuseUpgrade(socket, 401, 'Unauthorized');
    sockets.handleUpgrade(request, socket, head, (ws) => {
      engine.connect(new WebSocketChannel(ws));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, LOOPBACK_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : options.port;

  return {
    port,
    url: `http://${LOOPBACK_HOST}:${port}/?token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
