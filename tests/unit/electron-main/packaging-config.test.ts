/**
 * electron-builder.yml, checked without Electron's binary: valid against the installed
 * electron-builder's own schema, the four installer targets, native modules unpacked from asar,
 * the beforePack hook that builds better-sqlite3 for Electron's ABI, icons and the microphone text.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';

const root = path.join(import.meta.dirname, '..', '..', '..');
const require = createRequire(path.join(root, 'package.json'));
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean; add(key: string, value: unknown): void }): Promise<void>;
};

interface BuilderConfig {
  files: string[];
  asarUnpack: string[];
  beforePack: string;
  npmRebuild: boolean;
  linux: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
  mac: { target: string[]; icon: string; extendInfo: Record<string, string> };
}

const config = yaml.load(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

describe('electron-builder.yml', () => {
  it("passes the installed electron-builder's configuration schema", async () => {
    await validateConfiguration(structuredClone(config), { isEnabled: false, add: () => undefined });
  });

  it('builds AppImage + deb, nsis and dmg', () => {
    assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
    assert.deepEqual(config.win.target, ['nsis']);
    assert.deepEqual(config.mac.target, ['dmg']);
  });

  it('unpacks native modules from asar and packs the Electron build of better-sqlite3', () => {
    for (const pattern of ['**/*.node', 'native/**', 'node_modules/better-sqlite3/**', 'node_modules/onnxruntime-node/**']) assert.ok(config.asarUnpack.includes(pattern), pattern);
    assert.ok(config.files.includes('native/**/*'));
    assert.ok(config.files.includes('dist/**/*'));
    assert.equal(config.npmRebuild, false, 'an in-place rebuild would break the Node build the CLI and tests use');
    assert.ok(existsSync(path.join(root, config.beforePack)), 'the beforePack hook exists');
  });

  it('has its icons and the macOS microphone usage text', () => {
    for (const icon of [config.linux.icon, config.win.icon, config.mac.icon]) assert.ok(existsSync(path.join(root, icon)), icon);
    assert.match(config.mac.extendInfo['NSMicrophoneUsageDescription'] ?? '', /microphone/);
  });

  it('refuses a broken configuration (the check can fail)', async () => {
    await assert.rejects(validateConfiguration({ ...structuredClone(config), asarUnpackk: ['**/*.node'] }, { isEnabled: false, add: () => undefined }), /unknown property 'asarUnpackk'/);
  });
});
