/**
 * A small fake of the Electron main-process API, shaped like the shell's `ShellElectron`
 * surface. Each `createFakeElectron()` is independent. Helpers (finishLoad, ready, exit,
 * requestPermission, fetch, ...) let tests play Electron's part.
 */
import { EventEmitter } from 'node:events';
import type {
  BrowserWindowConstructorOptions,
  ChildProcessGoneDetails,
  CustomScheme,
  MenuItemConstructorOptions,
  MessageBoxOptions,
  PermissionCheckDetails,
  PermissionCheckHandler,
  PermissionRequestDetails,
  PermissionRequestHandler,
  ShellElectron,
  UtilityProcessForkOptions,
} from '../../../electron/main/electron-surface.js';

export class FakePreventableEvent {
  defaultPrevented = false;
  constructor(readonly url?: string) {}
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

let nextPortId = 1;

export class FakeMessagePort {
  readonly id = nextPortId++;
  closed = false;
  close(): void {
    this.closed = true;
  }
}

export class FakeMessageChannelMain {
  static created: FakeMessageChannelMain[] = [];
  readonly port1 = new FakeMessagePort();
  readonly port2 = new FakeMessagePort();
  constructor() {
    FakeMessageChannelMain.created.push(this);
  }
}

let nextWebContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  url = '';
  destroyed = false;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  readonly posted: { channel: string; message: unknown; transfer: unknown[] }[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;

  isDestroyed(): boolean {
    return this.destroyed;
  }
  getURL(): string {
    return this.url;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  postMessage(channel: string, message: unknown, transfer: unknown[] = []): void {
    this.posted.push({ channel, message, transfer });
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }

  // --- helpers

  /** The page (re)loaded. */
  finishLoad(url = this.url): void {
    this.url = url;
    this.emit('did-finish-load');
  }
  /** Returns true when a listener prevented the navigation. */
  tryNavigate(url: string, event: 'will-navigate' | 'will-redirect' = 'will-navigate'): boolean {
    const e = new FakePreventableEvent(url);
    this.emit(event, e, url);
    return e.defaultPrevented;
  }
  tryAttachWebview(): boolean {
    const e = new FakePreventableEvent();
    this.emit('will-attach-webview', e, {}, {});
    return e.defaultPrevented;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

export class FakeChildStream extends EventEmitter {}

let nextPid = 4000;

export class FakeUtilityProcess extends EventEmitter {
  readonly pid: number | undefined = nextPid++;
  readonly stdout = new FakeChildStream();
  readonly stderr = new FakeChildStream();
  readonly posted: { message: unknown; transfer: unknown[] }[] = [];
  killCalls = 0;
  exited = false;
  /** What kill() does: exit soon (like SIGTERM honoured) or nothing (a stuck engine). */
  onKill: 'exit' | 'ignore' = 'exit';

  constructor(
    readonly modulePath: string,
    readonly args: string[],
    readonly options: UtilityProcessForkOptions,
  ) {
    super();
  }

  kill(): boolean {
    this.killCalls++;
    if (this.onKill === 'exit' && !this.exited) queueMicrotask(() => this.exit(0));
    return !this.exited;
  }
  postMessage(message: unknown, transfer: unknown[] = []): void {
    this.posted.push({ message, transfer });
  }

  // --- helpers

  spawn(): void {
    this.emit('spawn');
  }
  /** The engine posts `{type:'ready', pid}` on its parentPort. */
  ready(): void {
    this.emit('message', { type: 'ready', pid: this.pid });
  }
  exit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    this.emit('exit', code);
  }
  /** The 'connect' messages main posted, with their ports. */
  get connects(): { message: unknown; transfer: unknown[] }[] {
    return this.posted.filter((p) => (p.message as { type?: string }).type === 'connect');
  }
}

export class FakeSession {
  requestHandler: PermissionRequestHandler | null = null;
  checkHandler: PermissionCheckHandler | null = null;
  deviceHandler: ((details: unknown) => boolean) | null = null;

  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.checkHandler = handler;
  }
  setDevicePermissionHandler(handler: ((details: unknown) => boolean) | null): void {
    this.deviceHandler = handler;
  }

  // --- helpers: what Chromium would be told (no handler = Electron's default: grant)

  requestPermission(permission: string, details: PermissionRequestDetails): Promise<boolean> {
    return new Promise((resolve) => {
      if (!this.requestHandler) return resolve(true);
      this.requestHandler(new FakeWebContents(), permission, resolve, details);
    });
  }
  checkPermission(permission: string, requestingOrigin: string, details: PermissionCheckDetails = {}): boolean {
    if (!this.checkHandler) return true;
    return this.checkHandler(null, permission, requestingOrigin, details);
  }
}

export class FakeProtocol {
  readonly privileged: CustomScheme[] = [];
  readonly handlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  /** Set by the fake app: registering privileges after ready throws, as in Electron. */
  isReady = (): boolean => false;

  registerSchemesAsPrivileged(schemes: CustomScheme[]): void {
    if (this.isReady()) throw new Error('registerSchemesAsPrivileged must be called before ready');
    this.privileged.push(...schemes);
  }
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    if (this.handlers.has(scheme)) throw new Error(`scheme ${scheme} already handled`);
    this.handlers.set(scheme, handler);
  }

  // --- helpers

  async fetch(url: string, init?: RequestInit): Promise<Response> {
    const scheme = new URL(url).protocol.slice(0, -1);
    const handler = this.handlers.get(scheme);
    if (!handler) throw new Error(`no handler for ${scheme}`);
    return handler(new Request(url, init));
  }
}

export interface FakeElectronOptions {
  appPath?: string;
  userData?: string;
  gotSingleInstanceLock?: boolean;
  isPackaged?: boolean;
  /** Every window's loadURL rejects with this. */
  loadError?: Error;
}

export function createFakeElectron(options: FakeElectronOptions = {}) {
  let resolveReady!: () => void;
  const readyPromise = new Promise<void>((resolve) => (resolveReady = resolve));
  let isReady = false;

  class FakeApp extends EventEmitter {
    readonly isPackaged = options.isPackaged ?? false;
    sandboxEnabled = false;
    quitCalls = 0;
    exitCode: number | undefined;
    quitted = false;

    getName(): string {
      return 'AudioSAE Lab';
    }
    getVersion(): string {
      return '0.1.0';
    }
    getAppPath(): string {
      return options.appPath ?? '/opt/audiosae';
    }
    getPath(name: 'userData'): string {
      if (name !== 'userData') throw new Error(`fake getPath(${String(name)})`);
      return options.userData ?? '/tmp/audiosae-fake-user-data';
    }
    requestSingleInstanceLock(): boolean {
      return options.gotSingleInstanceLock ?? true;
    }
    enableSandbox(): void {
      if (isReady) throw new Error('enableSandbox must be called before ready');
      this.sandboxEnabled = true;
    }
    whenReady(): Promise<void> {
      return readyPromise;
    }
    quit(): void {
      this.quitCalls++;
      const event = new FakePreventableEvent();
      this.emit('before-quit', event);
      if (!event.defaultPrevented) this.quitted = true;
    }
    exit(code = 0): void {
      this.exitCode = code;
    }

    // --- helpers

    /** Electron finished starting. */
    async becomeReady(): Promise<void> {
      isReady = true;
      resolveReady();
      await readyPromise;
    }
    childProcessGone(details: ChildProcessGoneDetails): void {
      this.emit('child-process-gone', {}, details);
    }
  }

  const app = new FakeApp();
  const windows: FakeBrowserWindow[] = [];

  class FakeBrowserWindow extends EventEmitter {
    readonly webContents = new FakeWebContents();
    loadedUrls: string[] = [];
    shown = false;
    focused = false;
    minimized = false;
    destroyed = false;

    constructor(readonly options: BrowserWindowConstructorOptions) {
      super();
      if (!isReady) throw new Error('BrowserWindow before ready');
      windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    loadURL(url: string): Promise<void> {
      this.loadedUrls.push(url);
      this.webContents.url = url;
      return options.loadError ? Promise.reject(options.loadError) : Promise.resolve();
    }
    show(): void {
      this.shown = true;
    }
    focus(): void {
      this.focused = true;
    }
    isMinimized(): boolean {
      return this.minimized;
    }
    restore(): void {
      this.minimized = false;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }

    // --- helpers

    close(): void {
      this.destroyed = true;
      this.webContents.destroy();
      this.emit('closed');
    }
  }

  const forks: FakeUtilityProcess[] = [];
  const utilityProcess = {
    failNextFork: undefined as Error | undefined,
    fork(modulePath: string, args: string[] = [], forkOptions: UtilityProcessForkOptions = {}): FakeUtilityProcess {
      if (!isReady) throw new Error('utilityProcess.fork before ready');
      if (this.failNextFork) {
        const error = this.failNextFork;
        this.failNextFork = undefined;
        throw error;
      }
      const child = new FakeUtilityProcess(modulePath, args, forkOptions);
      forks.push(child);
      return child;
    },
  };

  const protocol = new FakeProtocol();
  protocol.isReady = () => isReady;
  const defaultSession = new FakeSession();
  const menu = {
    applicationMenu: undefined as { template: MenuItemConstructorOptions[] } | undefined,
    buildFromTemplate(template: MenuItemConstructorOptions[]): { template: MenuItemConstructorOptions[] } {
      return { template };
    },
    setApplicationMenu(built: unknown): void {
      this.applicationMenu = built as { template: MenuItemConstructorOptions[] };
    },
  };
  const dialog = {
    shown: [] as MessageBoxOptions[],
    async showMessageBox(boxOptions: MessageBoxOptions): Promise<{ response: number }> {
      this.shown.push(boxOptions);
      return { response: 0 };
    },
  };
  const shell = {
    opened: [] as string[],
    async openExternal(url: string): Promise<void> {
      this.opened.push(url);
    },
  };

  const electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    MessageChannelMain: FakeMessageChannelMain,
    Menu: menu,
    dialog,
    protocol,
    session: { defaultSession },
    shell,
    utilityProcess,
  } satisfies ShellElectron;

  return { electron, app, windows, forks, protocol, session: defaultSession, menu, dialog, shell, utilityProcess };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;

/** Lets queued microtasks and promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
