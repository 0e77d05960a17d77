/**
 * A WebSocket as a Channel (browser/server mode): text frames, encodeWire/decodeWire.
 */
import { Emitter } from '../../../../electron/common/lifecycle.js';
import { decodeWire, encodeWire, isWireMessage, type Channel, type WireMessage } from '../../../../electron/common/wire.js';

/** The part of the WebSocket API this module uses. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: Event) => void): void;
  removeEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: Event) => void): void;
}

export type SocketFactory = (url: string) => SocketLike;

const OPEN = 1;

export class SocketConnectError extends Error {
  constructor(url: string, why: string) {
    super(`Could not connect to ${redactToken(url)}: ${why}`);
    this.name = 'SocketConnectError';
  }
}

/** Resolves with a channel once the socket is open; rejects if it closes or fails first. */
export function openSocketChannel(url: string, createSocket: SocketFactory, signal?: AbortSignal): Promise<Channel> {
  return new Promise<Channel>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new SocketConnectError(url, 'aborted'));
      return;
    }
    const socket = createSocket(url);
    const cleanup = () => {
      socket.removeEventListener('open', onOpen);
      socket.removeEventListener('close', onFail);
      socket.removeEventListener('error', onFail);
      signal?.removeEventListener('abort', onAbort);
    };
    const onOpen = () => {
      cleanup();
      resolve(new SocketChannel(socket));
    };
    const onFail = (event: Event) => {
      cleanup();
      socket.close();
      reject(new SocketConnectError(url, event.type === 'close' ? 'the connection closed' : 'connection error'));
    };
    const onAbort = () => {
      cleanup();
      socket.close();
      reject(new SocketConnectError(url, 'aborted'));
    };
    socket.addEventListener('open', onOpen);
    socket.addEventListener('close', onFail);
    socket.addEventListener('error', onFail);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

class SocketChannel implements Channel {
  readonly #socket: SocketLike;
  readonly #onMessage = new Emitter<WireMessage>();
  readonly #onClose = new Emitter<void>();
  readonly onMessage = this.#onMessage.event;
  readonly onClose = this.#onClose.event;
  #closed = false;

  constructor(socket: SocketLike) {
    this.#socket = socket;
    socket.addEventListener('message', this.#handleMessage);
    socket.addEventListener('close', this.#handleClose);
    if (socket.readyState !== OPEN) queueMicrotask(this.#handleClose);
  }

  send(message: WireMessage): void {
    // A message sent while the socket is going down is dropped; the close that follows
    // fails the pending call (RpcClient rejects it with code `unavailable`).
    if (!this.#closed && this.#socket.readyState === OPEN) this.#socket.send(encodeWire(message));
  }

  readonly #handleMessage = (event: Event): void => {
    const data = (event as Event & { data?: unknown }).data;
    if (typeof data !== 'string') return;
    let message: WireMessage;
    try {
      message = decodeWire(data);
    } catch {
      return;
    }
    if (isWireMessage(message)) this.#onMessage.fire(message);
  };

  readonly #handleClose = (): void => {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.removeEventListener('message', this.#handleMessage);
    this.#socket.removeEventListener('close', this.#handleClose);
    this.#onClose.fire();
    this.#onMessage.dispose();
    this.#onClose.dispose();
  };

  dispose(): void {
    if (this.#closed) return;
    this.#socket.close(1000, 'client closed');
    this.#handleClose();
  }
}

/** ws://host/rpc?token=SECRET -> ws://host/rpc?token=… (for messages a user may copy). */
export function redactToken(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/, '$1…');
}
