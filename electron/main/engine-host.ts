/**
 * Supervises the engine utility process (modelled on VS Code's `UtilityProcess`): forks it,
 * waits for its `{type:'ready'}`, restarts it when it dies unexpectedly (RestartPolicy; gives
 * up as 'failed' in a crash loop), and stops it on request, killing one that will not stop.
 */
import { type Disposable, DisposableStore, Emitter, type Event, toDisposable } from '../common/lifecycle.js';
import { RestartPolicy, type RestartPolicyOptions } from '../common/restart-policy.js';
import {
  type ConnectPortMessage,
  ENGINE_ENV,
  type EngineReadyMessage,
  type EngineState,
  type EngineStateUpdate,
} from '../common/shell-protocol.js';
import { hostLogLine, type LogSink } from './engine-log.js';
import type {
  AppSurface,
  ChildProcessGoneDetails,
  MessagePortSurface,
  UtilityProcessModule,
  UtilityProcessSurface,
} from './electron-surface.js';

export const ENGINE_SERVICE_NAME = 'AudioSAE Engine';

export interface EngineHostConfig {
  /** The engine's utility-process entry point: `dist/electron/engine/utility-entry.js`. */
  readonly entryPoint: string;
  /** The engine's data folder, passed as `AUDIOSAE_DATA_DIR`. */
  readonly dataDir: string;
  /** Arguments the engine sees as `process.argv.slice(2)`. */
  readonly args?: readonly string[];
  /** Base environment (default `process.env`); the AUDIOSAE_* variables are set on top. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Shown in Electron's process metrics and crash details; default 'AudioSAE Engine'. */
  readonly serviceName?: string;
  /** How long a fresh engine may take to post `ready` before it is killed (and restarted). */
  readonly readyTimeoutMs?: number;
  readonly restartPolicy?: Partial<RestartPolicyOptions>;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface EngineHostDependencies {
  readonly utilityProcess: UtilityProcessModule;
  /** Tells the host why a child went away ('child-process-gone'); optional. */
  readonly app?: Pick<AppSurface, 'on' | 'off'>;
  readonly log?: LogSink;
  readonly timers?: Timers;
  readonly now?: () => number;
  /** Last resort for an engine that ignores kill(); default `process.kill`. */
  readonly killPid?: (pid: number, signal: NodeJS.Signals) => void;
}

/** The protocol's states plus the host's own: never started, stopping, stopped. */
export type EngineHostState = 'idle' | EngineState | 'stopping' | 'stopped';

export interface EngineExitEvent {
  readonly pid: number | undefined;
  readonly code: number;
  /** True when the host asked for it (stop, restart, dispose). */
  readonly expected: boolean;
}

export interface EngineCrashEvent {
  readonly pid: number | undefined;
  readonly code: number;
  /** Electron's reason: 'crashed', 'oom', 'killed', 'abnormal-exit', 'launch-failed', ... */
  readonly reason: string;
}

export interface EngineReadyEvent {
  readonly pid: number;
  readonly restarts: number;
}

const DEFAULT_READY_TIMEOUT_MS = 60_000;
const DEFAULT_STOP_GRACE_MS = 5_000;

/** One forked engine process and what hangs on it. */
interface EngineRun {
  readonly child: UtilityProcessSurface;
  readonly listeners: DisposableStore;
  readonly exited: Promise<void>;
  markExited(): void;
  ready: boolean;
  expected: boolean;
  crashReason?: string;
  readyTimer?: unknown;
}

export function isEngineReadyMessage(message: unknown): message is EngineReadyMessage {
  if (typeof message !== 'object' || message === null) return false;
  const candidate = message as Partial<EngineReadyMessage>;
  return candidate.type === 'ready' && typeof candidate.pid === 'number';
}

/** The engine's environment: the base one without unset values, plus data dir and restart count. */
export function engineEnvironment(
  base: Readonly<Record<string, string | undefined>>,
  dataDir: string,
  restarts: number,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined) env[key] = value;
  }
  env[ENGINE_ENV.dataDir] = dataDir;
  env[ENGINE_ENV.restarts] = String(restarts);
  return env;
}

export class EngineHost implements Disposable {
  readonly #config: EngineHostConfig;
  readonly #deps: EngineHostDependencies;
  readonly #timers: Timers;
  readonly #store = new DisposableStore();

  readonly #onStateChange = this.#store.add(new Emitter<EngineStateUpdate>());
  /** 'starting' | 'ready' | 'restarting' | 'failed', as sent to the renderer. */
  readonly onStateChange: Event<EngineStateUpdate> = this.#onStateChange.event;

  readonly #onReady = this.#store.add(new Emitter<EngineReadyEvent>());
  /** A (re)started engine posted `ready`: it accepts ports now. */
  readonly onReady: Event<EngineReadyEvent> = this.#onReady.event;

  readonly #onExit = this.#store.add(new Emitter<EngineExitEvent>());
  readonly onExit: Event<EngineExitEvent> = this.#onExit.event;

  readonly #onCrash = this.#store.add(new Emitter<EngineCrashEvent>());
  readonly onCrash: Event<EngineCrashEvent> = this.#onCrash.event;

  #state: EngineHostState = 'idle';
  #lastUpdate: EngineStateUpdate | undefined;
  #run: EngineRun | undefined;
  #policy: RestartPolicy;
  #restarts = 0;
  #restartTimer: unknown;

  constructor(config: EngineHostConfig, deps: EngineHostDependencies) {
    this.#config = config;
    this.#deps = deps;
    this.#timers = deps.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
    this.#policy = new RestartPolicy(config.restartPolicy);
    const app = deps.app;
    if (app) {
      const onGone = (_event: unknown, details: ChildProcessGoneDetails): void => this.#onChildProcessGone(details);
      app.on('child-process-gone', onGone);
      this.#store.add(toDisposable(() => app.off('child-process-gone', onGone)));
    }
  }

  get state(): EngineHostState {
    return this.#state;
  }

  /** The last update sent on onStateChange (undefined before the first start). */
  get lastUpdate(): EngineStateUpdate | undefined {
    return this.#lastUpdate;
  }

  /** Automatic restarts since the host was created. */
  get restarts(): number {
    return this.#restarts;
  }

  get isReady(): boolean {
    return this.#state === 'ready' && this.#run?.ready === true;
  }

  get pid(): number | undefined {
    return this.#run?.child.pid;
  }

  get #serviceName(): string {
    return this.#config.serviceName ?? ENGINE_SERVICE_NAME;
  }

  /** Starts the engine; also retries one that 'failed' or was stopped. No-op while running. */
  start(): void {
    if (this.#store.isDisposed) throw new Error('EngineHost is disposed.');
    if (this.#state !== 'idle' && this.#state !== 'failed' && this.#state !== 'stopped') return;
    this.#policy = new RestartPolicy(this.#config.restartPolicy);
    this.#setState('starting');
    this.#fork();
  }

  /** Hands one end of a MessageChannelMain to the ready engine. False when it is not ready. */
  connect(port: MessagePortSurface): boolean {
    const run = this.#run;
    if (!run?.ready) return false;
    const message: ConnectPortMessage = { type: 'connect' };
    run.child.postMessage(message, [port]);
    return true;
  }

  /** Asks the engine to stop (kill() is SIGTERM on POSIX) and waits; force-kills after graceMs. */
  async stop(graceMs = DEFAULT_STOP_GRACE_MS): Promise<void> {
    this.#cancelRestart();
    const run = this.#run;
    if (!run) {
      if (this.#state !== 'idle') this.#state = 'stopped';
      return;
    }
    this.#state = 'stopping';
    run.expected = true;
    this.#log('stopping the engine');
    run.child.kill();
    await this.waitForExit(graceMs);
  }

  /** Stops the engine and starts a fresh one (a user's "Restart Engine"). */
  async restart(graceMs = DEFAULT_STOP_GRACE_MS): Promise<void> {
    await this.stop(graceMs);
    this.start();
  }

  /** Resolves when the current engine exits; one still running after maxWaitMs is killed. */
  async waitForExit(maxWaitMs: number): Promise<void> {
    const run = this.#run;
    if (!run) return;
    let timer: unknown;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = this.#timers.setTimeout(() => resolve('timeout'), maxWaitMs);
    });
    const outcome = await Promise.race([run.exited.then(() => 'exited' as const), timedOut]);
    this.#timers.clearTimeout(timer);
    if (outcome === 'timeout' && this.#run === run) {
      this.#log(`engine did not exit within ${maxWaitMs} ms; killing it`);
      this.#forceKill(run);
      this.#onRunEnded(run, -1);
    }
  }

  dispose(): void {
    if (this.#store.isDisposed) return;
    this.#cancelRestart();
    const run = this.#run;
    if (run) {
      run.expected = true;
      run.child.kill();
      this.#onRunEnded(run, -1);
    }
    this.#state = 'stopped';
    this.#store.dispose();
  }

  #fork(): void {
    const { entryPoint, dataDir } = this.#config;
    const env = engineEnvironment(this.#config.env ?? process.env, dataDir, this.#restarts);
    this.#log(`forking ${entryPoint} (restarts: ${this.#restarts})`);
    let child: UtilityProcessSurface;
    try {
      child = this.#deps.utilityProcess.fork(entryPoint, [...(this.#config.args ?? [])], {
        serviceName: this.#serviceName,
        env,
        stdio: 'pipe',
      });
    } catch (error) {
      this.#log(`fork failed: ${String(error)}`);
      this.#onUnexpectedEnd(`could not start: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.#run = this.#watch(child);
  }

  #watch(child: UtilityProcessSurface): EngineRun {
    const listeners = new DisposableStore();
    let markExited!: () => void;
    const exited = new Promise<void>((resolve) => (markExited = resolve));
    const run: EngineRun = { child, listeners, exited, markExited, ready: false, expected: false };

    const onData = (chunk: Buffer | string): void => this.#deps.log?.write(chunk);
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      stream.on('data', onData);
      listeners.add(toDisposable(() => stream.off('data', onData)));
    }
    const onSpawn = (): void => this.#log(`engine spawned (pid ${child.pid ?? '?'})`);
    const onMessage = (message: unknown): void => this.#onMessage(run, message);
    const onExit = (code: number): void => this.#onRunEnded(run, code);
    child.on('spawn', onSpawn);
    child.on('message', onMessage);
    child.on('exit', onExit);
    listeners.add(
      toDisposable(() => {
        child.off('spawn', onSpawn);
        child.off('message', onMessage);
        child.off('exit', onExit);
      }),
    );

    const readyTimeoutMs = this.#config.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    run.readyTimer = this.#timers.setTimeout(() => {
      run.readyTimer = undefined;
      if (this.#run !== run || run.ready) return;
      this.#log(`engine did not report ready within ${readyTimeoutMs} ms; killing it`);
      run.crashReason = 'not ready in time';
      child.kill();
    }, readyTimeoutMs);
    listeners.add(toDisposable(() => this.#timers.clearTimeout(run.readyTimer)));
    return run;
  }

  #onMessage(run: EngineRun, message: unknown): void {
    if (this.#run !== run || run.expected || run.ready || !isEngineReadyMessage(message)) return;
    run.ready = true;
    this.#timers.clearTimeout(run.readyTimer);
    run.readyTimer = undefined;
    this.#log(`engine ready (pid ${message.pid})`);
    this.#setState('ready');
    this.#onReady.fire({ pid: message.pid, restarts: this.#restarts });
  }

  #onChildProcessGone(details: ChildProcessGoneDetails): void {
    const run = this.#run;
    if (!run || details.type !== 'Utility') return;
    if (details.serviceName !== this.#serviceName && details.name !== this.#serviceName) return;
    if (details.reason === 'clean-exit') return;
    // Electron also emits 'exit' for this child; that event drives the restart.
    run.crashReason = details.reason;
    this.#log(`engine gone: ${details.reason} (exit code ${details.exitCode})`);
    this.#onCrash.fire({ pid: run.child.pid, code: details.exitCode, reason: details.reason });
  }

  #onRunEnded(run: EngineRun, code: number): void {
    if (this.#run !== run) return;
    this.#run = undefined;
    run.listeners.dispose();
    run.markExited();
    const expected = run.expected;
    this.#log(`engine exited with code ${code}${expected ? ' (expected)' : ''}`);
    this.#onExit.fire({ pid: run.child.pid, code, expected });
    if (expected) {
      if (this.#state === 'stopping') this.#state = 'stopped';
      return;
    }
    const reason = run.crashReason ? `${run.crashReason} (exit code ${code})` : `exited with code ${code}`;
    this.#onUnexpectedEnd(reason);
  }

  #onUnexpectedEnd(reason: string): void {
    const delay = this.#policy.nextDelay(this.#deps.now?.() ?? Date.now());
    if (delay === null) {
      this.#log(`engine keeps dying (${reason}); giving up`);
      this.#setState('failed', reason);
      return;
    }
    this.#restarts++;
    this.#log(`restarting the engine in ${delay} ms (${reason})`);
    this.#setState('restarting', reason);
    this.#restartTimer = this.#timers.setTimeout(() => {
      this.#restartTimer = undefined;
      if (this.#state === 'restarting') this.#fork();
    }, delay);
  }

  #cancelRestart(): void {
    if (this.#restartTimer === undefined) return;
    this.#timers.clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
  }

  #forceKill(run: EngineRun): void {
    run.child.kill();
    const pid = run.child.pid;
    if (pid === undefined) return;
    try {
      (this.#deps.killPid ?? ((p, signal) => process.kill(p, signal)))(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  #setState(state: EngineState, reason?: string): void {
    this.#state = state;
    const update: EngineStateUpdate = { state, restarts: this.#restarts, ...(reason !== undefined ? { reason } : {}) };
    this.#lastUpdate = update;
    this.#onStateChange.fire(update);
  }

  #log(text: string): void {
    this.#deps.log?.write(hostLogLine(text));
  }
}
