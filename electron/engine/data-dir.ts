import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ENGINE_ENV } from '../common/shell-protocol.js';

export const PRODUCT_NAME = 'AudioSAE Lab';

/**
 * The same folder Electron's app.getPath('userData') gives, so the desktop app, the CLI
 * and `audiosae serve` share one store.
 */
export function defaultDataDir(platform = process.platform, env = process.env): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT_NAME);
}

/** --data-dir wins, then AUDIOSAE_DATA_DIR, then the platform default. */
export function resolveDataDir(flag?: string, env = process.env): string {
  return resolve(flag ?? env[ENGINE_ENV.dataDir] ?? defaultDataDir(process.platform, env));
}
