/**
 * The application menu (File / Edit / View / Engine / Help) and the About dialog.
 */
import type { DialogSurface, MenuItemConstructorOptions, MenuSurface } from './electron-surface.js';

export interface AboutInfo {
  readonly productName: string;
  readonly appVersion: string;
  readonly versions: Readonly<Record<string, string | undefined>>;
}

export function aboutDetail(info: AboutInfo): string {
  const lines = [`Version ${info.appVersion}`];
  for (const name of ['electron', 'chrome', 'node', 'v8'] as const) {
    const version = info.versions[name];
    if (version !== undefined) lines.push(`${name[0]!.toUpperCase()}${name.slice(1)} ${version}`);
  }
  return lines.join('\n');
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
