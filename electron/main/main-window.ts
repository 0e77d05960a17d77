/**
 * The application window: sandboxed, context-isolated, no Node, only the preload script,
 * showing app://renderer/index.html.
 */
import { APP_START_URL } from './app-protocol.js';
import type {
  BrowserWindowConstructorOptions,
  BrowserWindowFactory,
  BrowserWindowSurface,
  ShellSurface,
} from './electron-surface.js';
import { installNavigationGuards } from './navigation-guards.js';

export type WebPreferences = NonNullable<BrowserWindowConstructorOptions['webPreferences']>;

/** `devTools: false` (packaged builds) also closes the developer tools, whatever the menu says. */
export function secureWebPreferences(preloadPath: string, options: { devTools?: boolean } = {}): WebPreferences {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    preload: preloadPath,
    ...(options.devTools === false ? { devTools: false } : {}),
  };
}

export interface MainWindowOptions {
  /** Absolute path of `dist/electron/preload/preload.cjs`. */
  readonly preloadPath: string;
  readonly title: string;
  readonly iconPath?: string;
  /** Default `app://renderer/index.html`. */
  readonly startUrl?: string;
  /** False in packaged builds: no developer tools. Default true. */
  readonly devTools?: boolean;
  /** Told when the page fails to load (the window stays open). */
  readonly onLoadError?: (error: unknown) => void;
}

export interface MainWindowElectron {
  readonly BrowserWindow: BrowserWindowFactory;
  readonly shell: ShellSurface;
}

export function mainWindowOptions(options: MainWindowOptions): BrowserWindowConstructorOptions {
  return {
    title: options.title,
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    backgroundColor: '#101418',
    ...(options.iconPath !== undefined ? { icon: options.iconPath } : {}),
    webPreferences: secureWebPreferences(options.preloadPath, { devTools: options.devTools }),
  };
}

export function createMainWindow(electron: MainWindowElectron, options: MainWindowOptions): BrowserWindowSurface {
  const window = new electron.BrowserWindow(mainWindowOptions(options));
  installNavigationGuards(window.webContents, {
    openExternal: (url) => void electron.shell.openExternal(url).catch(() => undefined),
  });
  window.once('ready-to-show', () => window.show());
  window.loadURL(options.startUrl ?? APP_START_URL).catch((error: unknown) => {
    options.onLoadError?.(error);
    if (!window.isDestroyed()) window.show();
  });
  return window;
}
