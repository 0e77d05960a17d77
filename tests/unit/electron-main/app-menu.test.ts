import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MenuItemConstructorOptions } from 'electron';
import { aboutDetail, buildMenuTemplate, installApplicationMenu, installedLibraryVersions, showAboutDialog } from '../../../electron/main/app-menu.js';
import { createFakeElectron } from './fake-electron.js';

function findItem(template: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions | undefined {
  for (const item of template) {
    if (item.label === label) return item;
    if (Array.isArray(item.submenu)) {
      const found = findItem(item.submenu, label);
      if (found) return found;
    }
  }
  return undefined;
}

describe('application menu', () => {
  it('has File, Edit, View, Engine and Help', () => {
    const template = buildMenuTemplate({ productName: 'AudioSAE Lab', isMac: false, onAbout() {}, onRestartEngine() {} });
    assert.deepEqual(template.map((m) => m.label ?? m.role), ['File', 'Edit', 'View', 'Engine', 'help']);
    const mac = buildMenuTemplate({ productName: 'AudioSAE Lab', isMac: true, onAbout() {}, onRestartEngine() {} });
    assert.equal(mac[0]!.role, 'appMenu');
  });

  it('About and Restart Engine call their actions', () => {
    const calls: string[] = [];
    const template = buildMenuTemplate({
      productName: 'AudioSAE Lab',
      isMac: false,
      onAbout: () => calls.push('about'),
      onRestartEngine: () => calls.push('restart'),
    });
    const click = (label: string) =>
      (findItem(template, label)!.click as () => void)();
    click('About AudioSAE Lab');
    click('Restart Engine');
    assert.deepEqual(calls, ['about', 'restart']);
  });

  it('installs the built menu', () => {
    const { menu } = createFakeElectron();
    installApplicationMenu(menu, { productName: 'AudioSAE Lab', isMac: false, onAbout() {}, onRestartEngine() {} });
    assert.equal(menu.applicationMenu?.template.length, 5);
  });
});

describe('About dialog', () => {
  it('shows the app, Electron, Chrome, Node and V8 versions', async () => {
    const { dialog } = createFakeElectron();
    await showAboutDialog(dialog, {
      productName: 'AudioSAE Lab',
      appVersion: '0.1.0',
      versions: { electron: '45.5.0', chrome: '142.0', node: '22.20.0', v8: '14.2', uv: '1' },
    });
    assert.equal(dialog.shown.length, 1);
    assert.equal(dialog.shown[0]!.message, 'AudioSAE Lab');
    assert.equal(dialog.shown[0]!.detail, 'Version 0.1.0\nElectron 45.5.0\nChrome 142.0\nNode 22.20.0\nV8 14.2');
  });

  it('adds ONNX Runtime, better-sqlite3 and the data folder; reads the installed versions', () => {
    const libraries = installedLibraryVersions(join(import.meta.dirname, '..', '..', '..'), (path) => readFileSync(path, 'utf8'));
    const ort = (JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal(libraries['onnxruntime-node'], ort);
    assert.match(libraries['better-sqlite3'] ?? '', /^\d+\.\d+\.\d+/);
    const detail = aboutDetail({ productName: 'x', appVersion: '1', versions: { node: '20' }, libraries, dataDir: '/home/u/.config/AudioSAE Lab' });
    assert.equal(detail, `Version 1\nNode 20\nONNX Runtime ${ort}\nbetter-sqlite3 (SQLite) ${libraries['better-sqlite3']}\nData: /home/u/.config/AudioSAE Lab`);
    assert.deepEqual(installedLibraryVersions('/nowhere', () => { throw new Error('ENOENT'); }), { 'onnxruntime-node': undefined, 'better-sqlite3': undefined });
  });

  it('leaves out versions it does not know', () => {
    assert.equal(aboutDetail({ productName: 'x', appVersion: '1', versions: { node: '20' } }), 'Version 1\nNode 20');
  });
});
