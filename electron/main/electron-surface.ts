/**
 * The slice of the Electron main-process API the shell uses, as narrow structural types.
 * `main.ts` passes the real `electron` module (the typecheck proves it fits); unit tests
 * pass a small fake. Modules take these as parameters and never import `electron`.
 */
import type {
  BrowserWindowConstructorOptions,
  CustomScheme,
  MenuItemConstructorOptions,
  MessageBoxOptions,
} from 'electron';

export type { BrowserWindowConstructorOptions, CustomScheme, MenuItemConstructorOptions, MessageBoxOptions };

/** An Electron event a listener may cancel. */
export interface PreventableEvent {
  preventDefault(): void;
}

/** What a Node stream readable from a child's stdout/stderr offers us. */
export interface ChunkSource {
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
}

export interface MessagePortSurface {
  close(): void;
}

export interface MessageChannelSurface {
  readonly port1: MessagePortSurface;
  readonly port2: MessagePortSurface;
}

export type MessageChannelFactory = new () => MessageChannelSurface;

export interface WebContentsSurface {
  readonly id: number;
  isDestroyed(): boolean;
  getURL(): string;
  send(channel: string, ...args: unknown[]): void;
  postMessage(channel: string, message: unknown, transfer?: MessagePortSurface[]): void;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: 'did-finish-load', listener: () => void): unknown;
  on(event: 'destroyed', listener: () => void): unknown;
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  off(event: 'did-finish-load', listener: () => void): unknown;
  off(event: 'destroyed', listener: () => void): unknown;
}

export interface BrowserWindowSurface {
  readonly webContents: WebContentsSurface;
  loadURL(url: string): Promise<void>;
  show(): void;
  focus(): void;
  isMinimized(): boolean;
  restore(): void;
  isDestroyed(): boolean;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
}

export type BrowserWindowFactory = new (options: BrowserWindowConstructorOptions) => BrowserWindowSurface;

export interface ShellSurface {
  openExternal(url: string): Promise<void>;
}

/** What Electron tells a permission request handler about the request. */
export interface PermissionRequestDetails {
  requestingUrl?: string;
  securityOrigin?: string;
  mediaTypes?: ReadonlyArray<'video' | 'audio'>;
}

/** What Electron tells a permission check handler about the check. */
export interface PermissionCheckDetails {
  requestingUrl?: string;
  securityOrigin?: string;
  mediaType?: 'video' | 'audio' | 'unknown';
}

export type PermissionRequestHandler = (
  webContents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: PermissionRequestDetails,
) => void;

export type PermissionCheckHandler = (
  webContents: unknown,
  permission: string,
  requestingOrigin: string,
  details: PermissionCheckDetails,
) => boolean;

export interface SessionSurface {
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void;
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void;
  setDevicePermissionHandler?(handler: ((details: unknown) => boolean) | null): void;
}

export interface ProtocolSurface {
  registerSchemesAsPrivileged(schemes: CustomScheme[]): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

/** Why Electron says a child process went away (`app` 'child-process-gone'). */
export interface ChildProcessGoneDetails {
  type: string;
  reason: string;
  exitCode: number;
  serviceName?: string;
  name?: string;
}

export interface UtilityProcessForkOptions {
  serviceName?: string;
  env?: Record<string, string>;
  stdio?: 'pipe' | 'ignore' | 'inherit';
  cwd?: string;
}

export interface UtilityProcessSurface {
  readonly pid: number | undefined;
  readonly stdout: ChunkSource | null;
  readonly stderr: ChunkSource | null;
  kill(): boolean;
  postMessage(message: unknown, transfer?: MessagePortSurface[]): void;
  on(event: 'spawn', listener: () => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'spawn', listener: () => void): unknown;
  off(event: 'exit', listener: (code: number) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

export interface UtilityProcessModule {
  fork(modulePath: string, args?: string[], options?: UtilityProcessForkOptions): UtilityProcessSurface;
}

export interface AppSurface {
  readonly isPackaged: boolean;
  getName(): string;
  getVersion(): string;
  getAppPath(): string;
  getPath(name: 'userData'): string;
  requestSingleInstanceLock(): boolean;
  enableSandbox(): void;
  whenReady(): Promise<void>;
  quit(): void;
  exit(code?: number): void;
  on(event: 'second-instance', listener: () => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'activate', listener: () => void): unknown;
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsSurface) => void): unknown;
  on(event: 'child-process-gone', listener: (event: unknown, details: ChildProcessGoneDetails) => void): unknown;
  off(event: 'child-process-gone', listener: (event: unknown, details: ChildProcessGoneDetails) => void): unknown;
}

export interface MenuSurface {
  buildFromTemplate(template: MenuItemConstructorOptions[]): unknown;
  setApplicationMenu(menu: unknown): void;
}

export interface DialogSurface {
  showMessageBox(options: MessageBoxOptions): Promise<unknown>;
}

/** Everything the composition root (`app-shell.ts`) needs from `electron`. */
export interface ShellElectron {
  app: AppSurface;
  BrowserWindow: BrowserWindowFactory;
  MessageChannelMain: MessageChannelFactory;
  Menu: MenuSurface;
  dialog: DialogSurface;
  protocol: ProtocolSurface;
  session: { readonly defaultSession: SessionSurface };
  shell: ShellSurface;
  utilityProcess: UtilityProcessModule;
}
