/**
 * Brokers a direct MessagePort between each window's renderer and the engine. Whenever the
 * engine becomes ready (first start and every restart) and whenever a page finishes loading
 * (first load and every reload), the page gets a fresh MessageChannelMain: port1 goes to the
 * engine as `{type:'connect'}`, port2 to the preload on ENGINE_PORT_IPC_CHANNEL. Engine state
 * updates go to the preload on ENGINE_STATE_IPC_CHANNEL. No RPC traffic passes through here.
 */
import { type Disposable, DisposableStore, type Event, toDisposable } from '../common/lifecycle.js';
import {
  ENGINE_PORT_IPC_CHANNEL,
  ENGINE_STATE_IPC_CHANNEL,
  type EngineStateUpdate,
} from '../common/shell-protocol.js';
import type { MessageChannelSurface, MessagePortSurface, WebContentsSurface } from './electron-surface.js';

/** What the broker needs from the engine host. */
export interface EngineEndpoint {
  readonly isReady: boolean;
  readonly lastUpdate: EngineStateUpdate | undefined;
  readonly onStateChange: Event<EngineStateUpdate>;
  /** Posts `{type:'connect'}` with the port to a ready engine; false when not ready. */
  connect(port: MessagePortSurface): boolean;
}

interface AttachedPage {
  readonly contents: WebContentsSurface;
  loaded: boolean;
}

export class PortBroker implements Disposable {
  readonly #engine: EngineEndpoint;
  readonly #createChannel: () => MessageChannelSurface;
  readonly #pages = new Set<AttachedPage>();
  readonly #store = new DisposableStore();

  constructor(engine: EngineEndpoint, createChannel: () => MessageChannelSurface) {
    this.#engine = engine;
    this.#createChannel = createChannel;
    this.#store.add(engine.onStateChange((update) => this.#onEngineState(update)));
  }

  /** Starts brokering for a window's web contents; detaches by itself when they are destroyed. */
  attach(contents: WebContentsSurface): Disposable {
    const page: AttachedPage = { contents, loaded: false };
    this.#pages.add(page);
    const onLoad = (): void => {
      page.loaded = true;
      const update = this.#engine.lastUpdate;
      if (update) this.#sendState(page, update);
      if (this.#engine.isReady) this.#sendPort(page);
    };
    const detach = toDisposable(() => {
      this.#pages.delete(page);
      if (!contents.isDestroyed()) {
        contents.off('did-finish-load', onLoad);
        contents.off('destroyed', onDestroyed);
      }
    });
    const onDestroyed = (): void => detach.dispose();
    contents.on('did-finish-load', onLoad);
    contents.on('destroyed', onDestroyed);
    return this.#store.add(detach);
  }

  get attachedCount(): number {
    return this.#pages.size;
  }

  dispose(): void {
    this.#store.dispose();
    this.#pages.clear();
  }

  #onEngineState(update: EngineStateUpdate): void {
    for (const page of this.#pages) {
      if (!page.loaded) continue;
      this.#sendState(page, update);
      if (update.state === 'ready') this.#sendPort(page);
    }
  }

  #sendState(page: AttachedPage, update: EngineStateUpdate): void {
    if (page.contents.isDestroyed()) return;
    page.contents.send(ENGINE_STATE_IPC_CHANNEL, update);
  }

  #sendPort(page: AttachedPage): void {
    if (page.contents.isDestroyed()) return;
    const { port1, port2 } = this.#createChannel();
    if (!this.#engine.connect(port1)) {
      port1.close();
      port2.close();
      return;
    }
    page.contents.postMessage(ENGINE_PORT_IPC_CHANNEL, null, [port2]);
  }
}
