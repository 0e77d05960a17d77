/** A Channel over a `ws` WebSocket (engine side in server mode, and Node clients). */
import type { WebSocket } from 'ws';
import { Emitter } from '../../common/lifecycle.js';
import { decodeWire, encodeWire, isWireMessage, type Channel, type WireMessage } from '../../common/wire.js';

/** Larger frames are refused: a client cannot make the engine parse unbounded JSON. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export class WebSocketChannel implements Channel {
  readonly #onMessage = new Emitter<WireMessage>();
  readonly #onClose = new Emitter<void>();
  readonly onMessage = this.#onMessage.event;
  readonly onClose = this.#onClose.event;

  constructor(private readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: unknown;
      try {
        message = decodeWire(data.toString());
      } catch {
        return; // Not JSON: ignore, as an unknown frame.
      }
      if (isWireMessage(message)) this.#onMessage.fire(message);
    });
    socket.on('close', () => {
      this.#onClose.fire();
      this.#onMessage.dispose();
      this.#onClose.dispose();
    });
    socket.on('error', () => socket.terminate());
  }

  send(message: WireMessage): void {
    if (this.socket.readyState !== this.socket.OPEN) throw new Error('WebSocket is not open.');
    this.socket.send(encodeWire(message));
  }

  dispose(): void {
    this.socket.close();
  }
}
