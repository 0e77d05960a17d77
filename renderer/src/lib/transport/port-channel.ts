/**
 * A MessagePort as a Channel (Electron): WireMessage objects go through structured clone,
 * so Uint8Array payloads need no codec.
 */
import { Emitter } from '../../../../electron/common/lifecycle.js';
import { isWireMessage, type Channel, type WireMessage } from '../../../../electron/common/wire.js';

/** The part of the MessagePort API this module uses (DOM and Node ports both have it). */
export interface PortLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message' | 'close', listener: (event: Event) => void): void;
  removeEventListener(type: 'message' | 'close', listener: (event: Event) => void): void;
  start(): void;
  close(): void;
}

export function createPortChannel(port: PortLike): Channel {
  return new PortChannel(port);
}

class PortChannel implements Channel {
  readonly #port: PortLike;
  readonly #onMessage = new Emitter<WireMessage>();
  readonly #onClose = new Emitter<void>();
  readonly onMessage = this.#onMessage.event;
  readonly onClose = this.#onClose.event;
  #closed = false;

  constructor(port: PortLike) {
    this.#port = port;
    port.addEventListener('message', this.#handleMessage);
    // Chromium fires 'close' on a port whose other end went away (the engine process died).
    port.addEventListener('close', this.#handleClose);
    port.start();
  }

  send(message: WireMessage): void {
    if (this.#closed) return;
    this.#port.postMessage(message);
  }

  readonly #handleMessage = (event: Event): void => {
    const data = (event as Event & { data?: unknown }).data;
    if (isWireMessage(data)) this.#onMessage.fire(data);
  };

  readonly #handleClose = (): void => {
    if (this.#closed) return;
    this.#closed = true;
    this.#port.removeEventListener('message', this.#handleMessage);
    this.#port.removeEventListener('close', this.#handleClose);
    this.#onClose.fire();
    this.#onMessage.dispose();
    this.#onClose.dispose();
  };

  dispose(): void {
    if (this.#closed) return;
    this.#port.close();
    this.#handleClose();
  }
}
