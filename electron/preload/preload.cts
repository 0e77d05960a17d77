/**
 * The sandboxed preload (compiled to dist/electron/preload/preload.cjs). A sandboxed preload
 * may only require('electron'), so this file is self-contained: the channel names and the
 * message tag below duplicate electron/common/shell-protocol.ts (a unit test keeps them equal).
 *
 * It exposes no API at all. It forwards two things to the page with window.postMessage:
 *   { source: 'audiosae-preload', type: 'engine-port' }               ports[0] = the engine port
 *   { source: 'audiosae-preload', type: 'engine-state', state, restarts, reason? }
 * The page listens with window.addEventListener('message', ...), checks
 * event.source === window and data.source === 'audiosae-preload', and speaks RPC on the port.
 */
import electron = require('electron');

const ENGINE_PORT_IPC_CHANNEL = 'audiosae:engine-port';
const ENGINE_STATE_IPC_CHANNEL = 'audiosae:engine-state';
const PRELOAD_MESSAGE_SOURCE = 'audiosae-preload';

/** The bits of the page's window the preload touches (no DOM lib in this project's tsconfig). */
interface PageWindow {
  postMessage(message: unknown, targetOrigin: string, transfer?: readonly unknown[]): void;
  readonly location: { readonly origin: string };
}

const page = globalThis as unknown as PageWindow;

/** Messages go to the page's own origin only ('*' where the origin is opaque). */
function pageOrigin(): string {
  const origin = page.location.origin;
  return origin && origin !== 'null' ? origin : '*';
}

electron.ipcRenderer.on(ENGINE_PORT_IPC_CHANNEL, (event) => {
  page.postMessage({ source: PRELOAD_MESSAGE_SOURCE, type: 'engine-port' }, pageOrigin(), event.ports);
});

electron.ipcRenderer.on(ENGINE_STATE_IPC_CHANNEL, (_event, update: unknown) => {
  if (typeof update !== 'object' || update === null) return;
  const { state, restarts, reason } = update as { state?: unknown; restarts?: unknown; reason?: unknown };
  if (typeof state !== 'string' || typeof restarts !== 'number') return;
  page.postMessage(
    {
      source: PRELOAD_MESSAGE_SOURCE,
      type: 'engine-state',
      state,
      restarts,
      ...(typeof reason === 'string' ? { reason } : {}),
    },
    pageOrigin(),
  );
});
