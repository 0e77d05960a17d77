import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { CONTENT_SECURITY_POLICY } from '../../../electron/common/csp.js';
import { ENGINE_PORT_IPC_CHANNEL } from '../../../electron/common/shell-protocol.js';
import { type RunningShell, runShell, type ShellProcessInfo } from '../../../electron/main/app-shell.js';
import { secureWebPreferences } from '../../../electron/main/main-window.js';
import { createFakeElectron, type FakeElectronOptions, FakeWebContents, settle } from './fake-electron.js';

let sandbox: string;
let appRoot: string;
let userData: string;
const running: RunningShell[] = [];

beforeEach(() => {
  sandbox = mkdtempSync(path.join(tmpdir(), 'audiosae-shell-'));
  appRoot = path.join(sandbox, 'app');
  userData = path.join(sandbox, 'user-data');
  mkdirSync(path.join(appRoot, 'dist', 'renderer'), { recursive: true });
  writeFileSync(path.join(appRoot, 'dist', 'renderer', 'index.html'), '<!doctype html>');
});

afterEach(async () => {
  for (const shell of running.splice(0)) {
    shell.dispose();
    await shell.engineLog.closed;
  }
  rmSync(sandbox, { recursive: true, force: true });
});

function processInfo(overrides: Partial<ShellProcessInfo> = {}): ShellProcessInfo {
  return {
    argv: ['/usr/bin/electron', '.'],
    env: { PATH: '/usr/bin' },
    cwd: sandbox,
    platform: 'linux',
    versions: { node: '22.20.0', electron: '45.5.0', chrome: '142.0', v8: '14.2' },
    ...overrides,
  };
}

async function boot(proc: Partial<ShellProcessInfo> = {}, options: FakeElectronOptions = {}) {
  const fake = createFakeElectron({ appPath: appRoot, userData, ...options });
  const started = runShell(fake.electron, processInfo(proc));
  const beforeReady = { privileged: [...fake.protocol.privileged], sandbox: fake.app.sandboxEnabled, windows: fake.windows.length };
  await fake.app.becomeReady();
  const shell = await started;
  if (shell) running.push(shell);
  return { fake, shell, beforeReady };
}

describe('runShell', () => {
  it('before ready: enables the sandbox and registers the app scheme as privileged', async () => {
    const { beforeReady } = await boot();
    assert.equal(beforeReady.sandbox, true);
    assert.deepEqual(beforeReady.privileged.map((s) => s.scheme), ['app']);
    assert.equal(beforeReady.windows, 0);
  });

  it('quits at once when another instance holds the lock', async () => {
    const { fake, shell } = await boot({}, { gotSingleInstanceLock: false });
    assert.equal(shell, undefined);
    assert.equal(fake.app.quitCalls, 1);
    assert.equal(fake.windows.length, 0);
    assert.equal(fake.forks.length, 0);
  });

  it('exits with 1 when it cannot start', async () => {
    writeFileSync(userData, 'a file where the userData folder should be');
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const { fake, shell } = await boot();
      assert.equal(shell, undefined);
      assert.equal(fake.app.exitCode, 1);
      assert.equal(errors.length, 1);
    } finally {
      console.error = original;
    }
  });

  it('once ready: secure window on app://renderer, engine forked from dist/, permissions and menu set', async () => {
    const { fake, shell } = await boot();
    assert.ok(shell);
    const window = fake.windows[0]!;
    assert.deepEqual(
      window.options.webPreferences,
      secureWebPreferences(path.join(appRoot, 'dist', 'electron', 'preload', 'preload.cjs')),
    );
    assert.deepEqual(window.loadedUrls, ['app://renderer/index.html']);

    assert.equal(fake.forks.length, 1);
    assert.equal(fake.forks[0]!.modulePath, path.join(appRoot, 'dist', 'electron', 'engine', 'utility-entry.js'));
    assert.equal(fake.forks[0]!.options.env?.AUDIOSAE_DATA_DIR, userData);
    assert.equal(shell.dataDir, userData);

    assert.ok(fake.session.requestHandler && fake.session.checkHandler);
    assert.equal(await fake.session.requestPermission('notifications', { requestingUrl: 'app://renderer/index.html' }), false);
    assert.ok(fake.menu.applicationMenu);
    assert.equal(shell.engineLog.file, path.join(userData, 'logs', 'engine.log'));
  });

  it('serves the renderer folder over app:// with the CSP', async () => {
    const { fake } = await boot();
    const response = await fake.protocol.fetch('app://renderer/index.html');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    assert.equal((await fake.protocol.fetch('app://renderer/../../package.json')).status, 404);
  });

  it('brokers a port between the loaded page and the ready engine', async () => {
    const { fake } = await boot();
    const contents = fake.windows[0]!.webContents;
    contents.finishLoad();
    fake.forks[0]!.ready();
    assert.equal(fake.forks[0]!.connects.length, 1);
    assert.equal(contents.posted.filter((p) => p.channel === ENGINE_PORT_IPC_CHANNEL).length, 1);
  });

  it('honours --data-dir', async () => {
    const { fake, shell } = await boot({ argv: ['/usr/bin/electron', '.', '--data-dir', 'lab'] });
    assert.equal(shell!.dataDir, path.join(sandbox, 'lab'));
    assert.equal(fake.forks[0]!.options.env?.AUDIOSAE_DATA_DIR, path.join(sandbox, 'lab'));
  });

  it('guards every web contents created, not only the main window', async () => {
    const { fake } = await boot();
    const other = new FakeWebContents();
    fake.app.emit('web-contents-created', {}, other);
    assert.equal(other.tryNavigate('https://evil.example/'), true);
    assert.deepEqual(other.windowOpenHandler!({ url: 'https://evil.example/' }), { action: 'deny' });
  });

  it('a second instance focuses the existing window', async () => {
    const { fake } = await boot();
    fake.windows[0]!.minimized = true;
    fake.app.emit('second-instance');
    assert.equal(fake.windows.length, 1);
    assert.equal(fake.windows[0]!.minimized, false);
    assert.equal(fake.windows[0]!.focused, true);
  });

  it('quits when the last window closes (not on macOS)', async () => {
    const linux = await boot();
    linux.fake.windows[0]!.close();
    linux.fake.app.emit('window-all-closed');
    assert.equal(linux.fake.app.quitCalls, 1);

    const mac = await boot({ platform: 'darwin' });
    mac.fake.windows[0]!.close();
    mac.fake.app.emit('window-all-closed');
    assert.equal(mac.fake.app.quitCalls, 0);
    mac.fake.app.emit('activate');
    assert.equal(mac.fake.windows.length, 2, 'activate reopens a window');
  });

  it('stops the engine before quitting, without restarting it', async () => {
    const { fake } = await boot();
    fake.forks[0]!.ready();
    fake.app.quit();
    assert.equal(fake.app.quitted, false, 'the first quit waits for the engine');
    await settle();
    assert.equal(fake.forks[0]!.killCalls, 1);
    assert.equal(fake.app.quitted, true);
    assert.equal(fake.forks.length, 1);
  });

  it('Help > About shows the versions; Engine > Restart Engine restarts it', async () => {
    const { fake } = await boot();
    const template = fake.menu.applicationMenu!.template;
    const submenu = (label: string) => template.find((m) => (m.label ?? m.role) === label)!.submenu as { label?: string; click?: () => void }[];
    submenu('help')[0]!.click!();
    await settle();
    assert.match(String(fake.dialog.shown[0]?.detail), /Electron 45\.5\.0/);

    fake.forks[0]!.ready();
    submenu('Engine')[0]!.click!();
    await settle();
    assert.equal(fake.forks.length, 2);
  });
});
