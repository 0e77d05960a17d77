/**
 * Keeps every web contents on the app's own origin: no new windows, no navigation or
 * redirect to another origin, no <webview>. Web links opened with target=_blank go to
 * the user's browser instead.
 */
import { isAppOrigin } from './app-protocol.js';
import type { PreventableEvent, WebContentsSurface } from './electron-surface.js';

export interface NavigationGuardOptions {
  /** Opens an http(s) URL in the user's browser; without it such links are simply dropped. */
  readonly openExternal?: (url: string) => void;
}

export function isAllowedNavigation(url: string): boolean {
  return isAppOrigin(url);
}

export function isWebLink(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

const guarded = new WeakSet<WebContentsSurface>();

/** Idempotent: guarding the same contents twice installs the listeners once. */
export function installNavigationGuards(contents: WebContentsSurface, options: NavigationGuardOptions = {}): void {
  if (guarded.has(contents)) return;
  guarded.add(contents);

  contents.setWindowOpenHandler(({ url }) => {
    if (options.openExternal && isWebLink(url)) options.openExternal(url);
    return { action: 'deny' };
  });
  const preventForeign = (event: PreventableEvent, url: string): void => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  };
  contents.on('will-navigate', preventForeign);
  contents.on('will-redirect', preventForeign);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
