import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';

// Plain-JS scripts, imported by URL (no type declarations): type the parts under test here.
interface StartScript {
  BUILD_OUTPUTS: string[];
  staleBuildReason(root: string): string | null;
  electronExecutable(root: string, env?: Record<string, string | undefined>): string | null;
  electronEnvironment(env: Record<string, string | undefined>): Record<string, string | undefined>;
  OFFLINE_MESSAGE: string;
}
interface RebuildScript {
  nodeGypArgs(options: { electronVersion: string; arch?: string; headersDir?: string; jobs?: string }): string[];
  isNativeBuildCurrent(root: string, expected: Record<string, string | undefined>): boolean;
  buildInfo(options: { electronVersion: string; betterSqlite3Version: string; platform?: string; arch?: string }): Record<string, string>;
  beforePack(context: { electronPlatformName: string; arch: number | string }, root?: string): Promise<void>;
  moduleAbiOf(binary: Buffer): number | undefined;
  electronModuleAbi(electronVersion: string): number;
  nodeGypEnv(env: Record<string, string | undefined>): Record<string, string | undefined>;
}

const scriptUrl = (name: string) => new URL(`../../../scripts/${name}`, import.meta.url).href;
const start = (await import(scriptUrl('start-electron.js'))) as StartScript;
const rebuild = (await import(scriptUrl('rebuild-native-for-electron.js'))) as RebuildScript;

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'audiosae-scripts-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(relative: string, content = '', mtimeSeconds?: number): void {
  const file = path.join(root, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  if (mtimeSeconds !== undefined) utimesSync(file, mtimeSeconds, mtimeSeconds);
}

describe('start-electron: build staleness', () => {
  it('is stale while an output is missing', () => {
    write('electron/main/main.ts', '', 1000);
    assert.match(start.staleBuildReason(root) ?? '', /dist\/electron\/main\/main\.js is missing/);
  });

  it('is current when every output is newer than every source, stale after a source changes', () => {
    write('electron/main/main.ts', '', 1000);
    write('renderer/src/App.svelte', '', 1000);
    write('renderer/node_modules/x/index.js', '', 9000); // ignored
    write('package.json', '{}', 1000);
    for (const output of start.BUILD_OUTPUTS) write(output, '', 2000);
    assert.equal(start.staleBuildReason(root), null);
    write('renderer/src/App.svelte', 'changed', 3000);
    assert.match(start.staleBuildReason(root) ?? '', /renderer changed/);
  });
});

describe('start-electron: electron binary', () => {
  it('is missing without path.txt or without the dist executable', () => {
    assert.equal(start.electronExecutable(root, {}), null);
    write('node_modules/electron/path.txt', 'electron');
    assert.equal(start.electronExecutable(root, {}), null);
    write('node_modules/electron/dist/electron', '#!');
    assert.equal(start.electronExecutable(root, {}), path.join(root, 'node_modules', 'electron', 'dist', 'electron'));
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH like electron/index.js', () => {
    write('custom/electron', '#!');
    assert.equal(start.electronExecutable(root, { ELECTRON_OVERRIDE_DIST_PATH: path.join(root, 'custom') }), path.join(root, 'custom', 'electron'));
  });

  it('never passes ELECTRON_RUN_AS_NODE on', () => {
    assert.deepEqual(start.electronEnvironment({ A: '1', ELECTRON_RUN_AS_NODE: '1' }), { A: '1' });
  });

  it('points offline users at audiosae serve', () => {
    assert.match(start.OFFLINE_MESSAGE, /could not be downloaded/);
    assert.match(start.OFFLINE_MESSAGE, /npx audiosae serve/);
  });
});

describe('rebuild-native-for-electron', () => {
  it('builds with node-gyp against Electron headers for the installed version', () => {
    assert.deepEqual(rebuild.nodeGypArgs({ electronVersion: '45.5.0', arch: 'arm64' }), [
      'rebuild',
      '--release',
      '--runtime=electron',
      '--target=45.5.0',
      '--arch=arm64',
      '--dist-url=https://electronjs.org/headers',
      '--jobs=max',
    ]);
    assert.ok(rebuild.nodeGypArgs({ electronVersion: '45.5.0', headersDir: '/h' }).includes('--nodedir=/h'));
    assert.throws(() => rebuild.nodeGypArgs({ electronVersion: 'latest' }), /Not an Electron version/);
  });

  it("reads a native addon's Node ABI: node_modules' better-sqlite3 is built for this Node", () => {
    const nodeBuild = readFileSync(path.join(import.meta.dirname, '..', '..', '..', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'));
    assert.equal(rebuild.moduleAbiOf(nodeBuild), Number(process.versions.modules));
    assert.equal(rebuild.moduleAbiOf(Buffer.from('\0node_register_module_v150\0')), 150);
    assert.equal(rebuild.moduleAbiOf(Buffer.from('napi_register_module_v1')), undefined);
  });

  it("knows Electron's ABI, which differs from Node's, so a build against Node's headers is caught", () => {
    const electronAbi = rebuild.electronModuleAbi('45.5.0');
    assert.ok(electronAbi > 0);
    assert.notEqual(electronAbi, Number(process.versions.modules));
  });

  it("hides npm's nodedir/target config from node-gyp (it would build against Node's headers)", () => {
    const env = rebuild.nodeGypEnv({ PATH: '/bin', npm_config_nodedir: '/usr', NPM_CONFIG_TARGET: '20.0.0', npm_config_cache: '/c' });
    assert.deepEqual(env, { PATH: '/bin', npm_config_cache: '/c' });
  });

  it('knows a current native/electron build from a stale or missing one', () => {
    const expected = rebuild.buildInfo({ electronVersion: '45.5.0', betterSqlite3Version: '12.11.1', platform: 'linux', arch: 'x64' });
    assert.equal(rebuild.isNativeBuildCurrent(root, expected), false);
    write('native/electron/better_sqlite3.node', 'ELF');
    assert.equal(rebuild.isNativeBuildCurrent(root, expected), false, 'no build-info.json');
    write('native/electron/build-info.json', JSON.stringify(expected));
    assert.equal(rebuild.isNativeBuildCurrent(root, expected), true);
    assert.equal(rebuild.isNativeBuildCurrent(root, { ...expected, electronVersion: '46.0.0' }), false);
  });

  it('beforePack refuses to pack for another platform or arch', async () => {
    const otherPlatform = process.platform === 'win32' ? 'linux' : 'win32';
    await assert.rejects(rebuild.beforePack({ electronPlatformName: otherPlatform, arch: process.arch }, root), /on a win32|on a linux/);
    const otherArch = process.arch === 'arm64' ? 1 : 3; // builder-util Arch: x64 = 1, arm64 = 3
    await assert.rejects(rebuild.beforePack({ electronPlatformName: process.platform, arch: otherArch }, root), /package/);
  });

  it('beforePack keeps a current build', async () => {
    const expected = rebuild.buildInfo({ electronVersion: '45.5.0', betterSqlite3Version: '12.11.1' });
    write('node_modules/electron/package.json', JSON.stringify({ version: '45.5.0' }));
    write('node_modules/better-sqlite3/package.json', JSON.stringify({ version: '12.11.1' }));
    write('native/electron/better_sqlite3.node', 'ELF');
    write('native/electron/build-info.json', JSON.stringify(expected));
    await rebuild.beforePack({ electronPlatformName: process.platform, arch: process.arch }, root);
  });
});
