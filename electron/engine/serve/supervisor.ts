/**
 * `audiosae serve`: a small supervisor that forks the engine (HTTP + WebSocket server),
 * restarts it when it dies, and plays the part Electron's main process plays in the
 * desktop app. kill -9 on the engine costs a page a reconnect, not its data.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Emitter } from '../../common/lifecycle.js';
import { RestartPolicy, type RestartPolicyOptions } from '../../common/restart-policy.js';
import { SERVE_OPTIONS_ENV, type ServeChildMessage, type ServeChildOptions } from './serve-protocol.js';

export interface SupervisorOptions extends Omit<ServeChildOptions, 'restarts'> {
  restartPolicy?: Partial<RestartPolicyOptions>;
  log?: (line: string) => void;
}

export type SupervisorEvent =
  | { type: 'listening'; url: string; port: number; pid: number; restarts: number }
  | { type: 'exited'; code: number | null; signal: string | null; willRestart: boolean }
  | { type: 'gave-up'; reason: string };

function childEntry(): string {
  const here = fileURLToPath(import.meta.url);
  // Running from source under tsx the sibling is .ts; built, it is .js.
  return fileURLToPath(new URL(`./server-process${extname(here)}`, import.meta.url));
}

export class ServeSupervisor {
  readonly #options: SupervisorOptions;
  readonly #policy: RestartPolicy;
  readonly #onEvent = new Emitter<SupervisorEvent>();
  readonly onEvent = this.#onEvent.event;
  #child: ChildProcess | null = null;
  #port: number;
  #stopping = false;
  #fatal: string | null = null;

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.#port = options.port;
    this.#policy = new RestartPolicy(options.restartPolicy);
  }

  get enginePid(): number | undefined {
    return this.#child?.pid;
  }

  start(): void {
    const childOptions: ServeChildOptions = {
      dataDir: this.#options.dataDir,
      port: this.#port,
      token: this.#options.token,
      staticDir: this.#options.staticDir,
      restarts: this.#policy.restarts,
    };
    const child = fork(childEntry(), [], {
      env: { ...process.env, [SERVE_OPTIONS_ENV]: JSON.stringify(childOptions) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    this.#child = child;
    this.#fatal = null;
    child.on('message', (message: ServeChildMessage) => {
      if (message.type === 'listening') {
        // The first start may have asked for port 0; restarts reuse the port it got.
        this.#port = message.port;
        this.#onEvent.fire({
          type: 'listening',
          port: message.port,
          pid: message.pid,
          restarts: this.#policy.restarts,
          url: `http://127.0.0.1:${message.port}/?token=${this.#options.token}`,
        });
      } else if (message.type === 'fatal') {
        this.#fatal = message.message;
      }
    });
    child.on('exit', (code, signal) => this.#handleExit(child, code, signal));
  }

  #handleExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#child !== child) return;
    this.#child = null;
    // A start-up failure (port taken, unreadable database) will not heal by restarting.
    const delay = this.#stopping || this.#fatal ? null : this.#policy.nextDelay();
    this.#onEvent.fire({ type: 'exited', code, signal, willRestart: delay !== null });
    if (this.#stopping) return;
    if (delay === null) {
      this.#onEvent.fire({
        type: 'gave-up',
        reason: this.#fatal ?? `The engine exited ${this.#policy.restarts} times in a short time.`,
      });
      return;
    }
    setTimeout(() => {
      if (!this.#stopping) this.start();
    }, delay);
  }

  async stop(timeoutMs = 5000): Promise<void> {
    this.#stopping = true;
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}
