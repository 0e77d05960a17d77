/**
 * The Electron preload's messages (window.postMessage, see electron/common/shell-protocol.ts):
 * a MessagePort to the engine each time the engine (re)starts, and the engine's state.
 */
import { Emitter, type Disposable } from '../../../../electron/common/lifecycle.js';
import {
  PRELOAD_MESSAGE_SOURCE,
  type EngineState,
  type EngineStateUpdate,
} from '../../../../electron/common/shell-protocol.js';
import type { PortLike } from './port-channel.js';

/** What the bridge listens on: the window. */
export interface MessageTarget {
  addEventListener(type: 'message', listener: (event: Event) => void): void;
  removeEventListener(type: 'message', listener: (event: Event) => void): void;
}

interface PreloadEvent {
  data?: unknown;
  source?: unknown;
  ports?: readonly PortLike[];
}

const ENGINE_STATES: readonly EngineState[] = ['starting', 'ready', 'restarting', 'failed'];

export class ElectronShellBridge implements Disposable {
  readonly #target: MessageTarget;
  readonly #expectedSource: unknown;
  readonly #onPort = new Emitter<PortLike>();
  readonly #onState = new Emitter<EngineStateUpdate>();
  /** A new port to the engine (first start or after a restart). */
  readonly onPort = this.#onPort.event;
  readonly onState = this.#onState.event;

  /** `expectedSource`: only messages whose event.source is this (the window itself) count. */
  constructor(target: MessageTarget, expectedSource: unknown) {
    this.#target = target;
    this.#expectedSource = expectedSource;
    target.addEventListener('message', this.#handle);
  }

  readonly #handle = (event: Event): void => {
    const { data, source, ports } = event as Event & PreloadEvent;
    if (source !== this.#expectedSource || !data || typeof data !== 'object') return;
    const message = data as Record<string, unknown>;
    if (message.source !== PRELOAD_MESSAGE_SOURCE) return;
    if (message.type === 'engine-port') {
      const port = ports?.[0];
      if (port) this.#onPort.fire(port);
    } else if (message.type === 'engine-state') {
      const state = message.state as EngineState;
      if (!ENGINE_STATES.includes(state)) return;
      this.#onState.fire({
        state,
        restarts: typeof message.restarts === 'number' ? message.restarts : 0,
        ...(typeof message.reason === 'string' ? { reason: message.reason } : {}),
      });
    }
  };

  dispose(): void {
    this.#target.removeEventListener('message', this.#handle);
    this.#onPort.dispose();
    this.#onState.dispose();
  }
}
