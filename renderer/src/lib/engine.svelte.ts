/**
 * The connection to the engine: picks the transport from the page's address, keeps it
 * open across engine restarts, and exposes the state the status bar shows.
 */
import type { EngineInfo } from '../../../electron/common/contract.js';
import { Emitter } from '../../../electron/common/lifecycle.js';
import type { EngineStateUpdate } from '../../../electron/common/shell-protocol.js';
import type { Channel } from '../../../electron/common/wire.js';
import { api } from './api.js';
import { describeError } from './errors.js';
import { rpc } from './rpc.js';
import { engineAddress } from './transport/engine-address.js';
import { ElectronShellBridge } from './transport/electron-shell.js';
import { createPortChannel } from './transport/port-channel.js';
import { Reconnector } from './transport/reconnector.js';
import { openSocketChannel } from './transport/socket-channel.js';

/**
 * connecting: not connected yet; connected; restarting: the connection was lost (the
 * supervisor restarts the engine); failed: the supervisor gave up (Electron).
 */
export type EnginePhase = 'connecting' | 'connected' | 'restarting' | 'failed';

class EngineConnection {
  #phase = $state<EnginePhase>('connecting');
  #info = $state.raw<EngineInfo | null>(null);
  #shell = $state.raw<EngineStateUpdate | null>(null);
  #infoError = $state<string | null>(null);
  /** Browser mode without ?token= in the address: if the socket never opens, that is why. */
  #missingToken = $state(false);
  #started = false;
  readonly #onReady = new Emitter<void>();
  /** Fires each time a connection is up (first time and after every reconnect): refresh data. */
  readonly onReady = this.#onReady.event;

  get phase(): EnginePhase {
    return this.#phase;
  }

  get info(): EngineInfo | null {
    return this.#info;
  }

  get connected(): boolean {
    return this.#phase === 'connected';
  }

  /** The Electron supervisor's last word about the engine (null in browser mode). */
  get shellState(): EngineStateUpdate | null {
    return this.#shell;
  }

  readonly label = $derived.by(() => {
    switch (this.#phase) {
      case 'connected':
        return this.#info ? `Connected · pid ${this.#info.pid}` : 'Connected';
      case 'connecting':
        return 'Connecting to engine…';
      case 'restarting':
        return 'Engine restarting…';
      case 'failed':
        return 'Engine failed';
    }
  });

  /** Extra detail for the status bar's tooltip. */
  readonly detail = $derived.by(() => {
    if (this.#phase === 'failed') return this.#shell?.reason ?? 'The engine stopped and was not restarted.';
    if (this.#phase === 'connecting' && this.#missingToken) {
      return 'This address has no ?token=. Open the URL that `audiosae serve` printed.';
    }
    if (this.#infoError) return this.#infoError;
    const info = this.#info;
    if (!info) return '';
    const restarts = info.restarts ? ` · restarted ${info.restarts}×` : '';
    return `AudioSAE engine ${info.version} · Node ${info.node} · onnxruntime ${info.onnxruntime}${restarts}`;
  });

  start(): void {
    if (this.#started) return;
    this.#started = true;
    rpc.onConnectionChange((up) => {
      if (up) void this.#handleConnected();
      else if (this.#phase !== 'failed') this.#phase = this.#phase === 'connecting' ? 'connecting' : 'restarting';
    });
    const address = engineAddress(window.location);
    if (address.transport === 'websocket') {
      this.#missingToken = !address.hasToken;
      this.#startSocket(address.url);
    } else {
      this.#startElectron();
    }
  }

  #startSocket(url: string): void {
    const reconnector = new Reconnector({
      open: (signal) => openSocketChannel(url, (u) => new WebSocket(u), signal),
    });
    reconnector.onChannel((channel) => rpc.attach(channel));
    reconnector.start();
  }

  #startElectron(): void {
    const bridge = new ElectronShellBridge(window, window);
    let current: Channel | null = null;
    bridge.onPort((port) => {
      const previous = current;
      current = createPortChannel(port);
      rpc.attach(current);
      previous?.dispose();
    });
    bridge.onState((update) => {
      this.#shell = update;
      if (update.state === 'restarting' || update.state === 'failed') {
        // The engine behind the current port is gone (its 'close' may not reach us): drop the
        // port so calls in flight fail now; the restarted engine comes with a new port.
        current?.dispose();
        current = null;
        if (this.#phase !== 'connecting') this.#phase = 'restarting';
      }
      if (update.state === 'failed') this.#phase = 'failed';
    });
  }

  async #handleConnected(): Promise<void> {
    this.#infoError = null;
    try {
      this.#info = await api.engineInfo();
    } catch (error) {
      if (!rpc.connected) return;
      this.#infoError = describeError(error).message;
    }
    if (!rpc.connected) return;
    this.#phase = 'connected';
    this.#onReady.fire();
  }
}

export const engine = new EngineConnection();
