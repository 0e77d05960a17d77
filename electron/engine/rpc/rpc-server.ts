/**
 * The engine end of the RPC contract: validates every request against the contract's
 * schema, dispatches it to its handler with an AbortSignal, answers, and broadcasts
 * engine events to every attached channel.
 */
import type { z } from 'zod';
import {
  isRpcMethod,
  rpcMethods,
  type EngineEvent,
  type RpcMethod,
  type RpcParsedParams,
  type RpcResult,
} from '../../common/contract.js';
import { AppError, toErrorShape } from '../../common/errors.js';
import { DisposableStore, Emitter, toDisposable, type Disposable } from '../../common/lifecycle.js';
import type { Channel, WireMessage } from '../../common/wire.js';

export interface HandlerContext {
  signal: AbortSignal;
  /** The calling connection: per-client state (live sessions) sends to it and ends with it. */
  client: ClientContext;
}

export interface ClientContext {
  /** Unique per connection within this engine. */
  readonly id: number;
  /** Sends an event to this connection only. */
  send(event: EngineEvent): void;
  /** Runs when the connection closes (at once if it already has). */
  onClose(listener: () => void): Disposable;
}

let nextClientId = 1;

export type RpcHandlers = {
  [M in RpcMethod]: (params: RpcParsedParams<M>, context: HandlerContext) => Promise<RpcResult<M>> | RpcResult<M>;
};

export function formatZodIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

export class RpcServer implements Disposable {
  readonly #connections = new Set<Connection>();

  constructor(private readonly handlers: RpcHandlers) {}

  /** Serves one client on `channel` until it closes. */
  attach(channel: Channel): Disposable {
    const connection = new Connection(channel, this.handlers, () => this.#connections.delete(connection));
    this.#connections.add(connection);
    return connection;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  broadcast(event: EngineEvent): void {
    for (const connection of this.#connections) connection.send({ t: 'evt', event });
  }

  dispose(): void {
    for (const connection of [...this.#connections]) connection.dispose();
  }
}

class Connection implements Disposable {
  readonly #inFlight = new Map<number, AbortController>();
  readonly #store = new DisposableStore();
  readonly #onClose = new Emitter<void>();
  readonly client: ClientContext = {
    id: nextClientId++,
    send: (event) => this.send({ t: 'evt', event }),
    onClose: (listener) => {
      if (this.#store.isDisposed) {
        listener();
        return toDisposable(() => undefined);
      }
      return this.#onClose.event(listener);
    },
  };

  constructor(
    private readonly channel: Channel,
    private readonly handlers: RpcHandlers,
    private readonly onDispose: () => void,
  ) {
    this.#store.add(channel.onMessage((message) => void this.#handle(message)));
    this.#store.add(channel.onClose(() => this.dispose()));
  }

  send(message: WireMessage): void {
    if (this.#store.isDisposed) return;
    try {
      this.channel.send(message);
    } catch {
      // The peer went away mid-send; its close event disposes this connection.
    }
  }

  async #handle(message: WireMessage): Promise<void> {
    if (message.t === 'cancel') {
      this.#inFlight.get(message.id)?.abort();
      return;
    }
    if (message.t !== 'req') return;
    const { id } = message;
    if (!Number.isSafeInteger(id)) return;
    const controller = new AbortController();
    this.#inFlight.set(id, controller);
    try {
      const result = await this.#dispatch(message.method, message.params, controller.signal);
      this.send({ t: 'res', id, ok: true, result });
    } catch (error) {
      if (!(error instanceof AppError) && (error as Error)?.name !== 'AbortError') {
        console.error(`[rpc] ${message.method} failed:`, error);
      }
      this.send({ t: 'res', id, ok: false, error: toErrorShape(error) });
    } finally {
      this.#inFlight.delete(id);
    }
  }

  async #dispatch(method: unknown, params: unknown, signal: AbortSignal): Promise<unknown> {
    if (typeof method !== 'string' || !isRpcMethod(method)) {
      throw new AppError('unknown_method', `Unknown method: ${String(method).slice(0, 100)}`);
    }
    const parsed = rpcMethods[method].params.safeParse(params === undefined ? {} : params);
    if (!parsed.success) {
      const issues = formatZodIssues(parsed.error);
      const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
      throw new AppError('invalid_params', `Invalid arguments for ${method}: ${summary}`, issues);
    }
    const handler = this.handlers[method] as (p: unknown, c: HandlerContext) => unknown;
    return await handler(parsed.data, { signal, client: this.client });
  }

  dispose(): void {
    if (this.#store.isDisposed) return;
    for (const controller of this.#inFlight.values()) controller.abort();
    this.#inFlight.clear();
    this.#store.dispose();
    this.channel.dispose();
    this.onDispose();
    this.#onClose.fire();
    this.#onClose.dispose();
  }
}
