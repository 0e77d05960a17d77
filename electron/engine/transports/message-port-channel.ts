/**
 * A Channel over an Electron `MessagePortMain` (utility process side). Declared
 * structurally so the engine never imports electron; Node's worker_threads MessagePort
 * fits through `fromNodeMessagePort` for tests.
 */
import type { MessagePort as NodeMessagePort } from 'node:worker_threads';
import { Emitter } from '../../common/lifecycle.js';
import { isWireMessage, type Channel, type WireMessage } from '../../common/wire.js';

export interface MessagePortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
}

export class MessagePortChannel implements Channel {
  readonly #onMessage = new Emitter<WireMessage>();
  readonly #onClose = new Emitter<void>();
  readonly onMessage = this.#onMessage.event;
  readonly onClose = this.#onClose.event;
  #closed = false;

  constructor(private readonly port: MessagePortLike) {
    port.on('message', (event) => {
      if (isWireMessage(event.data)) this.#onMessage.fire(event.data);
    });
    port.on('close', () => this.#handleClose());
    port.start();
  }

  send(message: WireMessage): void {
    if (this.#closed) throw new Error('MessagePort is closed.');
    this.port.postMessage(message);
  }

  #handleClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClose.fire();
    this.#onMessage.dispose();
    this.#onClose.dispose();
  }

  dispose(): void {
    this.port.close();
    this.#handleClose();
  }
}

/** Adapts a Node worker_threads MessagePort (data passed bare) to MessagePortLike. */
export function fromNodeMessagePort(port: NodeMessagePort): MessagePortLike {
  return {
    on(event: 'message' | 'close', listener: (event: { data: unknown }) => void) {
      if (event === 'message') port.on('message', (data: unknown) => listener({ data }));
      else port.on('close', () => (listener as () => void)());
      return this;
    },
    postMessage: (message) => port.postMessage(message),
    start: () => port.start(),
    close: () => port.close(),
  } as MessagePortLike;
}
