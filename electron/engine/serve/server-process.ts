/**
 * The engine child of `audiosae serve`: opens the engine and serves HTTP + WebSocket.
 * Its supervisor restarts it if it dies; the port and token stay the same, so an open
 * page reconnects by itself.
 */
import { AppError } from '../../common/errors.js';
import { Engine } from '../engine.js';
import { startHttpServer } from '../server/http-server.js';
import { SERVE_OPTIONS_ENV, type ServeChildMessage, type ServeChildOptions } from './serve-protocol.js';

function report(message: ServeChildMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const options = JSON.parse(process.env[SERVE_OPTIONS_ENV] ?? '{}') as ServeChildOptions;
  const engine = Engine.open({ dataDir: options.dataDir, restarts: options.restarts });
  if (engine.interruptedOnStart > 0) {
    console.error(`[engine] ${engine.interruptedOnStart} unfinished job(s) marked interrupted; resume them from Jobs.`);
  }
  const server = await startHttpServer({
    engine,
    token: options.token,
    staticDir: options.staticDir,
    port: options.port,
  });
  report({ type: 'listening', port: server.port, pid: process.pid });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await engine.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.on('disconnect', () => void stop());
}

main().catch((error: unknown) => {
  const message = error instanceof AppError ? error.message : String((error as Error)?.stack ?? error);
  report({ type: 'fatal', message });
  console.error(`[engine] ${message}`);
  process.exit(1);
});
