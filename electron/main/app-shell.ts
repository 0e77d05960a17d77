/**
 * The composition root of the main process: wires Electron's app lifecycle to the window,
 * the app:// protocol, the permission policy, the engine host and the port broker.
 * `main.ts` calls `runShell` with the real `electron` module; tests call it with a fake.
 */
import { readFileSync } from 'node:fs';
import type { Disposable } from '../common/lifecycle.js';
import { resolveAppPaths, resolveDataDir, resolveLogsDir } from './app-paths.js';
import { installApplicationMenu, installedLibraryVersions, showAboutDialog } from './app-menu.js';
import { APP_SCHEME_REGISTRATION, registerAppProtocolHandler } from './app-protocol.js';
import type { BrowserWindowSurface, ShellElectron } from './electron-surface.js';
import { EngineHost } from './engine-host.js';
import { type EngineLog, openEngineLog } from './engine-log.js';
import { createMainWindow } from './main-window.js';
import { installNavigationGuards } from './navigation-guards.js';
import { PortBroker } from './port-broker.js';
import { installPermissionHandlers } from './security.js';

export const PRODUCT_NAME = 'AudioSAE Lab';
/** How long the engine gets to finish up when the app quits. */
const QUIT_GRACE_MS = 3_000;

export interface ShellProcessInfo {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly platform: NodeJS.Platform;
  readonly versions: Readonly<Record<string, string | undefined>>;
}

export interface RunningShell extends Disposable {
  readonly engine: EngineHost;
  readonly broker: PortBroker;
  readonly dataDir: string;
  readonly engineLog: EngineLog;
  /** The open main window, if any. */
  readonly window: BrowserWindowSurface | undefined;
}

/**
 * Does what must happen before `ready` synchronously (single-instance lock, sandbox, scheme
 * privileges), then the rest once ready. Resolves to the running shell, or undefined when
 * another instance already runs (this one quits).
 */
export function runShell(electron: ShellElectron, proc: ShellProcessInfo): Promise<RunningShell | undefined> {
  const { app } = electron;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return Promise.resolve(undefined);
  }
  app.enableSandbox();
  electron.protocol.registerSchemesAsPrivileged([APP_SCHEME_REGISTRATION]);
  app.on('web-contents-created', (_event, contents) =>
    installNavigationGuards(contents, { openExternal: (url) => void electron.shell.openExternal(url).catch(() => undefined) }),
  );
  return app
    .whenReady()
    .then(() => startShell(electron, proc))
    .catch((error: unknown) => {
      console.error('[main] AudioSAE Lab could not start:', error);
      app.exit(1);
      return undefined;
    });
}

function startShell(electron: ShellElectron, proc: ShellProcessInfo): RunningShell {
  const { app } = electron;
  const paths = resolveAppPaths(app.getAppPath());
  const userData = app.getPath('userData');
  const dataDir = resolveDataDir(proc.argv, proc.env, userData, proc.cwd);

  // Packaged builds have no developer tools unless AUDIOSAE_DEVTOOLS=1 (support sessions).
  const devTools = !app.isPackaged || proc.env.AUDIOSAE_DEVTOOLS === '1';
  installPermissionHandlers(electron.session.defaultSession);
  registerAppProtocolHandler(electron.protocol, { rendererRoot: paths.rendererRoot });

  const engineLog = openEngineLog(resolveLogsDir(userData));
  const engine = new EngineHost(
    { entryPoint: paths.engineEntry, dataDir, env: proc.env },
    { utilityProcess: electron.utilityProcess, app, log: engineLog },
  );
  const broker = new PortBroker(engine, () => new electron.MessageChannelMain());

  let window: BrowserWindowSurface | undefined;
  const openWindow = (): BrowserWindowSurface => {
    const created = createMainWindow(electron, {
      preloadPath: paths.preload,
      title: PRODUCT_NAME,
      iconPath: paths.windowIcon,
      devTools,
      onLoadError: (error) => console.error('[main] the renderer did not load:', error),
    });
    broker.attach(created.webContents);
    created.on('closed', () => {
      if (window === created) window = undefined;
    });
    window = created;
    return created;
  };

  installApplicationMenu(electron.Menu, {
    productName: PRODUCT_NAME,
    isMac: proc.platform === 'darwin',
    devTools,
    onAbout: () =>
      void showAboutDialog(electron.dialog, {
        productName: PRODUCT_NAME,
        appVersion: app.getVersion(),
        versions: proc.versions,
        libraries: installedLibraryVersions(app.getAppPath(), (path) => readFileSync(path, 'utf8')),
        dataDir,
      }),
    onRestartEngine: () => void engine.restart(),
  });

  app.on('second-instance', () => {
    const target = window && !window.isDestroyed() ? window : openWindow();
    if (target.isMinimized()) target.restore();
    target.focus();
  });
  app.on('activate', () => {
    if (!window) openWindow();
  });
  app.on('window-all-closed', () => {
    if (proc.platform !== 'darwin') app.quit();
  });

  let quitting = false;
  const dispose = (): void => {
    broker.dispose();
    engine.dispose();
    engineLog.dispose();
  };
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    void engine.stop(QUIT_GRACE_MS).finally(() => {
      dispose();
      app.quit();
    });
  });

  openWindow();
  engine.start();

  return {
    engine,
    broker,
    dataDir,
    engineLog,
    get window() {
      return window;
    },
    dispose,
  };
}
