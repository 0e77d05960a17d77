/**
 * Two connected channels in one process (tests, the CLI). Messages are structured-cloned
 * and delivered asynchronously, like a real transport, so no object is shared by reference.
 */
import { Emitter } from '../../common/lifecycle.js';
import type { Channel, WireMessage } from '../../common/wire.js';

class InProcessChannel implements Channel {
  readonly #onMessage = new Emitter<WireMessage>();
  readonly #onClose = new Emitter<void>();
  readonly onMessage = this.#onMessage.event;
  readonly onClose = this.#onClose.event;
  peer: InProcessChannel | null = null;
  #closed = false;

  send(message: WireMessage): void {
    if (this.#closed) throw new Error('Channel is closed.');
    const peer = this.peer;
    const copy = structuredClone(message);
    queueMicrotask(() => peer?.deliver(copy));
  }

  deliver(message: WireMessage): void {
    if (!this.#closed) this.#onMessage.fire(message);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClose.fire();
    this.#onMessage.dispose();
    this.#onClose.dispose();
    this.peer?.close();
  }

  dispose(): void {
    this.close();
  }
}

export function createInProcessChannelPair(): [Channel, Channel] {
  const a = new InProcessChannel();
  const b = new InProcessChannel();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
