/**
 * The application menu (File / Edit / View / Engine / Help) and the About dialog.
 */
import type { DialogSurface, MenuItemConstructorOptions, MenuSurface } from './electron-surface.js';

export interface AboutInfo {
  readonly productName: string;
  readonly appVersion: string;
  readonly versions: Readonly<Record<string, string | undefined>>;
  /** Versions of the compute and storage libraries (see installedLibraryVersions). */
  readonly libraries?: Readonly<Record<string, string | undefined>>;
  /** Where the database and activations live. */
  readonly dataDir?: string;
}

const LIBRARY_NAMES: Readonly<Record<string, string>> = { 'onnxruntime-node': 'ONNX Runtime', 'better-sqlite3': 'better-sqlite3 (SQLite)' };

export function aboutDetail(info: AboutInfo): string {
  const lines = [`Version ${info.appVersion}`];
  for (const name of ['electron', 'chrome', 'node', 'v8'] as const) {
    const version = info.versions[name];
    if (version !== undefined) lines.push(`${name[0]!.toUpperCase()}${name.slice(1)} ${version}`);
  }
  for (const [name, label] of Object.entries(LIBRARY_NAMES)) {
    const version = info.libraries?.[name];
    if (version !== undefined) lines.push(`${label} ${version}`);
  }
  if (info.dataDir !== undefined) lines.push(`Data: ${info.dataDir}`);
  return lines.join('\n');
}

/** The versions of the libraries the About box names, from their package.json under `appRoot` (missing ones left out). */
export function installedLibraryVersions(appRoot: string, readText: (path: string) => string): Record<string, string | undefined> {
  const versions: Record<string, string | undefined> = {};
  for (const name of Object.keys(LIBRARY_NAMES)) {
    try {
      versions[name] = (JSON.parse(readText(`${appRoot}/node_modules/${name}/package.json`)) as { version?: string }).version;
    } catch {
      versions[name] = undefined;
    }
  }
  return versions;
}

export function showAboutDialog(dialog: DialogSurface, info: AboutInfo): Promise<unknown> {
  return dialog.showMessageBox({
    type: 'info',
    title: `About ${info.productName}`,
    message: info.productName,
    detail: aboutDetail(info),
    buttons: ['OK'],
  });
}

export interface MenuActions {
  readonly productName: string;
  readonly isMac: boolean;
  /** False in packaged builds: View has no Toggle Developer Tools. Default true. */
  readonly devTools?: boolean;
  readonly onAbout: () => void;
  readonly onRestartEngine: () => void;
}

export function buildMenuTemplate(actions: MenuActions): MenuItemConstructorOptions[] {
  const template: MenuItemConstructorOptions[] = [];
  if (actions.isMac) template.push({ role: 'appMenu' });
  template.push(
    { label: 'File', submenu: [actions.isMac ? { role: 'close' } : { role: 'quit' }] },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'forceReload' },
        ...(actions.devTools === false ? [] : [{ role: 'toggleDevTools' } as const]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { label: 'Engine', submenu: [{ label: 'Restart Engine', click: () => actions.onRestartEngine() }] },
    { role: 'help', submenu: [{ label: `About ${actions.productName}`, click: () => actions.onAbout() }] },
  );
  return template;
}

export function installApplicationMenu(menu: MenuSurface, actions: MenuActions): void {
  menu.setApplicationMenu(menu.buildFromTemplate(buildMenuTemplate(actions)));
}
