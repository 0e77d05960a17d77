#!/usr/bin/env node
// `npm start`: builds when dist/ is missing or older than the sources, fetches Electron's
// binary on first use (electron's own install.js; npm install skips it), builds better-sqlite3
// for Electron's ABI when native/electron lacks a current build, then runs `electron .`.
// Offline without Electron's binary, it says to use `npx audiosae serve` instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expectedBuildInfo, isNativeBuildCurrent } from './rebuild-native-for-electron.js';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What `npm run build` must produce for the app to start. */
export const BUILD_OUTPUTS = [
  'dist/electron/main/main.js',
  'dist/electron/preload/preload.cjs',
  'dist/electron/engine/utility-entry.js',
  'dist/renderer/index.html',
];

/** What the build reads: a change in any of these makes dist/ stale. */
export const BUILD_INPUTS = ['electron', 'native-models', 'renderer', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', '.svelte-kit', '.vite']);

/** Newest modification time (ms) of a file or of any file under a folder; 0 when absent. */
export function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stats = statSync(target);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    if (entry.isDirectory() && SKIPPED_FOLDERS.has(entry.name)) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry.name)));
  }
  return newest;
}

/** Why dist/ must be rebuilt, or null when it is current. */
export function staleBuildReason(root) {
  let oldestOutput = Infinity;
  for (const output of BUILD_OUTPUTS) {
    const file = path.join(root, output);
    if (!existsSync(file)) return `${output} is missing`;
    oldestOutput = Math.min(oldestOutput, statSync(file).mtimeMs);
  }
  for (const input of BUILD_INPUTS) {
    if (newestMtime(path.join(root, input)) > oldestOutput) return `${input} changed since the last build`;
  }
  return null;
}

/** Electron's executable as node_modules/electron/index.js finds it, or null when not downloaded. */
export function electronExecutable(root, env = process.env) {
  const packageDir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const overridden = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
    return existsSync(overridden) ? overridden : null;
  }
  if (!relative) return null;
  const executable = path.join(packageDir, 'dist', relative);
  return existsSync(executable) ? executable : null;
}

/** Electron must not inherit ELECTRON_RUN_AS_NODE, or it would run as plain Node. */
export function electronEnvironment(env) {
  const copy = { ...env };
  delete copy.ELECTRON_RUN_AS_NODE;
  return copy;
}

export const OFFLINE_MESSAGE = [
  "Electron's binary could not be downloaded (this machine may be offline).",
  'You can still use AudioSAE Lab in a browser:',
  '',
  '    npx audiosae serve',
  '',
  'and open the URL it prints. Run `npm start` again once online to get the desktop app.',
].join('\n');

function run(command, args, root) {
  return spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' && command === 'npm' });
}

function runNpmBuild(root) {
  const npmCli = process.env.npm_execpath;
  return npmCli && npmCli.endsWith('.js')
    ? run(process.execPath, [npmCli, 'run', 'build'], root)
    : run('npm', ['run', 'build'], root);
}

export function main(root = PROJECT_ROOT, argv = process.argv.slice(2)) {
  const reason = staleBuildReason(root);
  if (reason) {
    process.stdout.write(`Building AudioSAE Lab (${reason})...\n`);
    if (runNpmBuild(root).status !== 0) {
      process.stderr.write('\nThe build failed; see the errors above.\n');
      return process.exit(1);
    }
  }

  let executable = electronExecutable(root);
  if (!executable) {
    process.stdout.write("Downloading Electron's binary (first start)...\n");
    run(process.execPath, [path.join(root, 'node_modules', 'electron', 'install.js')], root);
    executable = electronExecutable(root);
    if (!executable) {
      process.stderr.write(`\n${OFFLINE_MESSAGE}\n`);
      return process.exit(1);
    }
  }

  if (!isNativeBuildCurrent(root, expectedBuildInfo(root))) {
    process.stdout.write("Building better-sqlite3 for Electron's ABI (native/electron)...\n");
    if (run(process.execPath, [path.join(root, 'scripts', 'rebuild-native-for-electron.js')], root).status !== 0) {
      process.stderr.write(
        '\nThe desktop app needs better-sqlite3 built for Electron (see above).\n' +
          'Meanwhile `npx audiosae serve` runs AudioSAE Lab in a browser.\n',
      );
      return process.exit(1);
    }
  }

  const child = spawn(executable, ['.', ...argv], { cwd: root, stdio: 'inherit', env: electronEnvironment(process.env) });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (!child.killed) child.kill(signal);
    });
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main();
}
