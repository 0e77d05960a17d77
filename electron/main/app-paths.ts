/**
 * Where the shell finds its pieces and where the engine keeps its data. Pure: the caller
 * passes `app.getAppPath()`, `app.getPath('userData')`, argv and env.
 */
import path from 'node:path';
import { ENGINE_ENV } from '../common/shell-protocol.js';

export interface AppPaths {
  /** The folder holding package.json (in a packaged app: `.../resources/app.asar`). */
  readonly appRoot: string;
  /** The built renderer; the only folder the `app://` protocol serves. */
  readonly rendererRoot: string;
  /** The sandboxed preload script (CommonJS). */
  readonly preload: string;
  /** The engine's utility-process entry point (written by the engine). */
  readonly engineEntry: string;
  /** The application icon shown in window title bars on Linux and Windows. */
  readonly windowIcon: string;
}

export function resolveAppPaths(appRoot: string): AppPaths {
  return {
    appRoot,
    rendererRoot: path.join(appRoot, 'dist', 'renderer'),
    preload: path.join(appRoot, 'dist', 'electron', 'preload', 'preload.cjs'),
    engineEntry: path.join(appRoot, 'dist', 'electron', 'engine', 'utility-entry.js'),
    windowIcon: path.join(appRoot, 'resources', 'icons', 'icon.png'),
  };
}

export const DATA_DIR_FLAG = '--data-dir';

/**
 * The engine's data folder: `--data-dir <dir>` (or `--data-dir=<dir>`) on the command line,
 * else `AUDIOSAE_DATA_DIR`, else Electron's userData folder. Always absolute.
 */
export function resolveDataDir(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  userDataDir: string,
  cwd: string,
): string {
  const fromArgv = readFlagValue(argv, DATA_DIR_FLAG);
  const chosen = fromArgv ?? nonEmpty(env[ENGINE_ENV.dataDir]) ?? userDataDir;
  return path.resolve(cwd, chosen);
}

/** Engine logs live in `<userData>/logs`, whatever the data folder. */
export function resolveLogsDir(userDataDir: string): string {
  return path.join(userDataDir, 'logs');
}

function readFlagValue(argv: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === flag) {
      const next = argv[i + 1];
      return next?.startsWith('--') ? undefined : nonEmpty(next);
    }
    if (arg.startsWith(`${flag}=`)) return nonEmpty(arg.slice(flag.length + 1));
  }
  return undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
