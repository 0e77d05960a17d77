/**
 * The client half of the RPC contract, shared by the renderer, the CLI and tests.
 * It survives transport changes: attach a new channel after the engine restarts.
 */
import type { EngineEvent, RpcMethod, RpcParams, RpcResult } from './contract.js';
import { RpcError } from './errors.js';
import { DisposableStore, Emitter, type Disposable } from './lifecycle.js';
import type { Channel, WireMessage } from './wire.js';

export interface CallOptions {
  signal?: AbortSignal;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  cleanup(): void;
}

export class RpcClient implements Disposable {
  #channel: Channel | null = null;
  #channelListeners = new DisposableStore();
  #nextId = 1;
  #pending = new Map<number, Pending>();
  readonly #onEvent = new Emitter<EngineEvent>();
  readonly #onConnectionChange = new Emitter<boolean>();
  /** Events pushed by the engine. */
  readonly onEvent = this.#onEvent.event;
  /** Fires true when a channel is attached, false when it closes. */
  readonly onConnectionChange = this.#onConnectionChange.event;

  constructor(channel?: Channel) {
    if (channel) this.attach(channel);
  }

  get connected(): boolean {
    return this.#channel !== null;
  }

  attach(channel: Channel): void {
    this.detach('Replaced by a new connection to the engine.');
    this.#channel = channel;
    this.#channelListeners = new DisposableStore();
    this.#channelListeners.add(channel.onMessage((message) => this.#handle(message)));
    this.#channelListeners.add(channel.onClose(() => this.detach('The connection to the engine closed.')));
    this.#onConnectionChange.fire(true);
  }

  /** Drops the channel; calls still waiting fail with code `unavailable`. */
  detach(reason: string): void {
    if (!this.#channel) return;
    this.#channelListeners.dispose();
    this.#channel = null;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const call of pending) {
      call.cleanup();
      call.reject(new RpcError({ name: 'EngineUnavailable', code: 'unavailable', message: reason }));
    }
    this.#onConnectionChange.fire(false);
  }

  call<M extends RpcMethod>(method: M, params: RpcParams<M>, options: CallOptions = {}): Promise<RpcResult<M>> {
    const channel = this.#channel;
    if (!channel) {
      return Promise.reject(
        new RpcError({ name: 'EngineUnavailable', code: 'unavailable', message: 'Not connected to the engine.' }),
      );
    }
    const { signal } = options;
    if (signal?.aborted) {
      return Promise.reject(new RpcError({ name: 'CancelledError', code: 'cancelled', message: 'Cancelled' }));
    }
    const id = this.#nextId++;
    return new Promise<RpcResult<M>>((resolve, reject) => {
      const onAbort = () => channel.send({ t: 'cancel', id });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(id, {
        resolve: resolve as (value: unknown) => void,
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      });
      channel.send({ t: 'req', id, method, params });
    });
  }

  #handle(message: WireMessage): void {
    if (message.t === 'evt') {
      this.#onEvent.fire(message.event);
      return;
    }
    if (message.t !== 'res') return;
    const call = this.#pending.get(message.id);
    if (!call) return;
    this.#pending.delete(message.id);
    call.cleanup();
    if (message.ok) call.resolve(message.result);
    else call.reject(new RpcError(message.error));
  }

  /** Detaches and closes the channel the client was using. */
  dispose(): void {
    const channel = this.#channel;
    this.detach('The client was closed.');
    channel?.dispose();
    this.#onEvent.dispose();
    this.#onConnectionChange.dispose();
  }
}
