import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMainWindow, secureWebPreferences } from '../../../electron/main/main-window.js';
import { installNavigationGuards, isAllowedNavigation } from '../../../electron/main/navigation-guards.js';
import { createFakeElectron, type FakeElectronOptions, FakeWebContents, settle } from './fake-electron.js';

const PRELOAD = '/opt/audiosae/dist/electron/preload/preload.cjs';

async function readyFake(options: FakeElectronOptions = {}) {
  const fake = createFakeElectron(options);
  await fake.app.becomeReady();
  return fake;
}

describe('secureWebPreferences', () => {
  it('isolates, sandboxes and keeps Node out of the renderer', () => {
    assert.deepEqual(secureWebPreferences(PRELOAD), {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: PRELOAD,
    });
  });
});

describe('createMainWindow', () => {
  it('creates a hidden window with the secure preferences and loads app://renderer/index.html', async () => {
    const fake = await readyFake();
    const window = createMainWindow(fake.electron, { preloadPath: PRELOAD, title: 'AudioSAE Lab' });
    const created = fake.windows[0]!;
    assert.equal(window, created);
    assert.equal(created.options.show, false);
    assert.deepEqual(created.options.webPreferences, secureWebPreferences(PRELOAD));
    assert.deepEqual(created.loadedUrls, ['app://renderer/index.html']);
    assert.equal(created.shown, false);
    created.emit('ready-to-show');
    assert.equal(created.shown, true);
  });

  it('reports a failed load and still shows the window', async () => {
    const fake = await readyFake({ loadError: new Error('ERR_FILE_NOT_FOUND') });
    const errors: unknown[] = [];
    createMainWindow(fake.electron, { preloadPath: PRELOAD, title: 'x', onLoadError: (e) => errors.push(e) });
    await settle();
    assert.equal(errors.length, 1);
    assert.equal(fake.windows[0]!.shown, true);
  });

  it('denies new windows and opens web links in the browser', async () => {
    const fake = await readyFake();
    createMainWindow(fake.electron, { preloadPath: PRELOAD, title: 'x' });
    const contents = fake.windows[0]!.webContents;
    assert.deepEqual(contents.windowOpenHandler!({ url: 'https://arxiv.org/abs/2602.05027' }), { action: 'deny' });
    assert.deepEqual(contents.windowOpenHandler!({ url: 'app://renderer/index.html' }), { action: 'deny' });
    assert.deepEqual(contents.windowOpenHandler!({ url: 'file:///etc/passwd' }), { action: 'deny' });
    assert.deepEqual(contents.windowOpenHandler!({ url: 'javascript:alert(1)' }), { action: 'deny' });
    await settle();
    assert.deepEqual(fake.shell.opened, ['https://arxiv.org/abs/2602.05027']);
  });

  it('prevents navigation and redirects off the app origin, and <webview>', async () => {
    const fake = await readyFake();
    createMainWindow(fake.electron, { preloadPath: PRELOAD, title: 'x' });
    const contents = fake.windows[0]!.webContents;
    assert.equal(contents.tryNavigate('https://evil.example/'), true);
    assert.equal(contents.tryNavigate('file:///etc/passwd'), true);
    assert.equal(contents.tryNavigate('app://other/index.html'), true);
    assert.equal(contents.tryNavigate('https://evil.example/', 'will-redirect'), true);
    assert.equal(contents.tryNavigate('app://renderer/index.html#/features'), false);
    assert.equal(contents.tryNavigate('app://renderer/index.html', 'will-redirect'), false);
    assert.equal(contents.tryAttachWebview(), true);
  });
});

describe('installNavigationGuards', () => {
  it('is idempotent', () => {
    const contents = new FakeWebContents();
    installNavigationGuards(contents);
    installNavigationGuards(contents);
    assert.equal(contents.listenerCount('will-navigate'), 1);
    assert.equal(contents.listenerCount('will-redirect'), 1);
    assert.equal(contents.listenerCount('will-attach-webview'), 1);
  });

  it('drops web links when no opener is given', () => {
    const contents = new FakeWebContents();
    installNavigationGuards(contents);
    assert.deepEqual(contents.windowOpenHandler!({ url: 'https://example.org/' }), { action: 'deny' });
  });

  it('allows only the app origin', () => {
    assert.equal(isAllowedNavigation('app://renderer/x'), true);
    assert.equal(isAllowedNavigation('app://renderer.evil/x'), false);
    assert.equal(isAllowedNavigation('about:blank'), false);
  });
});
