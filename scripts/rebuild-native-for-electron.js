#!/usr/bin/env node
// `npm run rebuild:electron`: builds better-sqlite3 for Electron's ABI into
// native/electron/better_sqlite3.node WITHOUT touching node_modules/better-sqlite3, whose
// Node build the tests, the CLI and `audiosae serve` keep using. The engine's store passes
// the Electron build as better-sqlite3's `nativeBinding` when process.versions.electron is set.
// onnxruntime-node is N-API (ABI-stable): it needs no rebuild.
//
// Needs a C++ toolchain and Electron's headers (downloaded from electronjs.org by node-gyp,
// or given offline with AUDIOSAE_ELECTRON_HEADERS_DIR=<unpacked headers folder>).
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const NATIVE_ELECTRON_DIR = path.join('native', 'electron');
export const SQLITE_BINARY_NAME = 'better_sqlite3.node';
export const BUILD_INFO_NAME = 'build-info.json';
export const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';

/** node-gyp's arguments for an Electron build of a native addon. */
export function nodeGypArgs({ electronVersion, arch = process.arch, headersDir, jobs = 'max' }) {
  if (!/^\d+\.\d+\.\d+/.test(electronVersion ?? '')) {
    throw new Error(`Not an Electron version: ${String(electronVersion)}`);
  }
  return [
    'rebuild',
    '--release',
    '--runtime=electron',
    `--target=${electronVersion}`,
    `--arch=${arch}`,
    headersDir ? `--nodedir=${headersDir}` : `--dist-url=${ELECTRON_HEADERS_URL}`,
    `--jobs=${jobs}`,
  ];
}

/**
 * The Node ABI (NODE_MODULE_VERSION) a native addon was compiled for, from its exported
 * `node_register_module_v<N>` symbol; undefined for N-API-only addons.
 */
export function moduleAbiOf(binary) {
  const match = /node_register_module_v(\d+)/.exec(binary.toString('latin1'));
  return match ? Number(match[1]) : undefined;
}

/** Electron's NODE_MODULE_VERSION (from node-abi's registry). */
export function electronModuleAbi(electronVersion) {
  const nodeAbi = createRequire(import.meta.url)('node-abi');
  return Number(nodeAbi.getAbi(electronVersion, 'electron'));
}

/**
 * node-gyp's environment: npm passes its config as npm_config_* variables, and a `nodedir` there
 * (e.g. `/usr` on distributions whose Node ships headers) makes node-gyp build against those Node
 * headers instead of Electron's, producing an addon Electron refuses to load.
 */
export function nodeGypEnv(env) {
  const inherited = /^npm_config_(nodedir|target|runtime|disturl|dist_url|arch|target_arch|build_from_source)$/i;
  return Object.fromEntries(Object.entries(env).filter(([key]) => !inherited.test(key)));
}

/** What native/electron/build-info.json records, to tell a stale build from a current one. */
export function buildInfo({ electronVersion, betterSqlite3Version, platform = process.platform, arch = process.arch }) {
  return { electronVersion, betterSqlite3Version, platform, arch };
}

export function installedVersion(root, packageName) {
  const file = path.join(root, 'node_modules', packageName, 'package.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')).version;
}

/** True when native/electron holds a better-sqlite3 built for this Electron, platform and arch. */
export function isNativeBuildCurrent(root, expected) {
  const dir = path.join(root, NATIVE_ELECTRON_DIR);
  if (!existsSync(path.join(dir, SQLITE_BINARY_NAME))) return false;
  try {
    const recorded = JSON.parse(readFileSync(path.join(dir, BUILD_INFO_NAME), 'utf8'));
    return Object.entries(expected).every(([key, value]) => recorded[key] === value);
  } catch {
    return false;
  }
}

/** The expected build info for the packages installed under root. */
export function expectedBuildInfo(root) {
  return buildInfo({
    electronVersion: installedVersion(root, 'electron'),
    betterSqlite3Version: installedVersion(root, 'better-sqlite3'),
  });
}

/** node-gyp's CLI script: the project's own, else the one bundled with npm. */
export function findNodeGyp(root) {
  const fromProject = path.join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(fromProject)) return fromProject;
  try {
    return createRequire(path.join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    // fall through to npm's copy
  }
  const npmBundled = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  return existsSync(npmBundled) ? npmBundled : undefined;
}

/** A failure with a message meant for the user (no stack trace). */
export class RebuildError extends Error {}

function fail(message) {
  throw new RebuildError(message);
}

export function main(root = PROJECT_ROOT) {
  const expected = expectedBuildInfo(root);
  if (!expected.electronVersion) fail('electron is not installed (node_modules/electron/package.json is missing). Run npm install.');
  if (!expected.betterSqlite3Version) fail('better-sqlite3 is not installed. Run npm install.');
  const nodeGyp = findNodeGyp(root);
  if (!nodeGyp) fail('node-gyp was not found (neither in node_modules nor bundled with npm).');

  const source = path.join(root, 'node_modules', 'better-sqlite3');
  const work = mkdtempSync(path.join(os.tmpdir(), 'audiosae-sqlite-electron-'));
  const copy = path.join(work, 'better-sqlite3');
  try {
    // A private copy, so node-gyp's build/ folder never replaces the Node build in node_modules.
    cpSync(source, copy, {
      recursive: true,
      filter: (file) => {
        const relative = path.relative(source, file);
        return relative !== 'build' && !relative.startsWith(`build${path.sep}`) && relative !== 'node_modules';
      },
    });
    const args = nodeGypArgs({
      electronVersion: expected.electronVersion,
      headersDir: process.env.AUDIOSAE_ELECTRON_HEADERS_DIR || undefined,
    });
    process.stdout.write(`Building better-sqlite3 ${expected.betterSqlite3Version} for Electron ${expected.electronVersion} (${expected.platform}-${expected.arch})...\n`);
    const result = spawnSync(process.execPath, [nodeGyp, ...args], { cwd: copy, stdio: 'inherit', env: nodeGypEnv(process.env) });
    if (result.status !== 0) {
      fail(
        'node-gyp could not build better-sqlite3 for Electron.\n' +
          `It needs a C++ toolchain and Electron ${expected.electronVersion}'s headers from ${ELECTRON_HEADERS_URL}\n` +
          '(offline: unpack them somewhere and set AUDIOSAE_ELECTRON_HEADERS_DIR to that folder).\n' +
          'The Node build in node_modules is untouched: tests, the CLI and `npx audiosae serve` still work.',
      );
    }
    const built = path.join(copy, 'build', 'Release', SQLITE_BINARY_NAME);
    if (!existsSync(built)) fail(`node-gyp finished but ${built} is missing.`);
    const abi = moduleAbiOf(readFileSync(built));
    const wanted = electronModuleAbi(expected.electronVersion);
    if (abi !== wanted) {
      fail(
        `The build of better-sqlite3 is for Node ABI ${abi ?? 'unknown'}, but Electron ${expected.electronVersion} needs ABI ${wanted}: ` +
          'node-gyp used other headers than Electron\'s (check `npm config get nodedir` and AUDIOSAE_ELECTRON_HEADERS_DIR). Nothing was written.',
      );
    }
    const target = path.join(root, NATIVE_ELECTRON_DIR);
    mkdirSync(target, { recursive: true });
    copyFileSync(built, path.join(target, SQLITE_BINARY_NAME));
    writeFileSync(path.join(target, BUILD_INFO_NAME), `${JSON.stringify(expected, null, 2)}\n`);
    process.stdout.write(`Wrote ${path.join(NATIVE_ELECTRON_DIR, SQLITE_BINARY_NAME)}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** electron-builder's Arch enum (builder-util), by value. */
const BUILDER_ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/**
 * electron-builder `beforePack` hook (see electron-builder.yml): makes sure native/electron
 * holds a current build before it is packed. node-gyp builds for this machine only, so a
 * package for another platform or arch must be made on such a machine.
 */
export async function beforePack(context, root = PROJECT_ROOT) {
  const platform = context.electronPlatformName;
  const arch = typeof context.arch === 'number' ? BUILDER_ARCH_NAMES[context.arch] : context.arch;
  if (platform !== process.platform || arch !== process.arch) {
    throw new RebuildError(
      `native/electron/${SQLITE_BINARY_NAME} is built for this machine (${process.platform}-${process.arch}); ` +
        `package ${platform}-${arch} on a ${platform}-${arch} machine.`,
    );
  }
  if (!isNativeBuildCurrent(root, expectedBuildInfo(root))) main(root);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    main();
  } catch (error) {
    if (!(error instanceof RebuildError)) throw error;
    process.stderr.write(`\nrebuild:electron: ${error.message}\n`);
    process.exit(1);
  }
}
