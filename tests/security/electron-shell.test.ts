/**
 * Security suite, Electron shell: what tests/unit/electron-main/ does not already pin down.
 * (Those tests check the exact webPreferences, the CSP directives, the permission policy
 * functions, a few navigation and window.open cases and the app:// protocol's escapes.)
 * Here, through the real composition root `runShell` on the fake electron module:
 * - a generated matrix of permission requests/checks: only audio media from app://renderer;
 * - a matrix of navigation, redirect and window.open targets: only app://renderer stays, only
 *   http(s) links go to the browser (never file:, javascript:, custom protocols);
 * - developer tools are off in packaged builds (window preferences and menu);
 * - a scan of electron/main and electron/preload: no insecure webPreferences anywhere, windows
 *   only built by main-window.ts, no other session, no weakening command-line switches;
 * - the CSP leaves frames, objects and plugins at default-src 'none'; the built renderer's
 *   index.html carries it, with no inline script or style, and its bundle needs no eval.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { CONTENT_SECURITY_POLICY } from '../../electron/common/csp.js';
import { type RunningShell, runShell } from '../../electron/main/app-shell.js';
import { secureWebPreferences } from '../../electron/main/main-window.js';
import { createFakeElectron, FakeWebContents, settle } from '../unit/electron-main/fake-electron.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const sandboxes: string[] = [];
const running: RunningShell[] = [];

async function boot(options: { isPackaged?: boolean; env?: Record<string, string> } = {}) {
  const sandbox = mkdtempSync(path.join(tmpdir(), 'audiosae-security-shell-'));
  sandboxes.push(sandbox);
  const appRoot = path.join(sandbox, 'app');
  mkdirSync(path.join(appRoot, 'dist', 'renderer'), { recursive: true });
  writeFileSync(path.join(appRoot, 'dist', 'renderer', 'index.html'), '<!doctype html>');
  const fake = createFakeElectron({ appPath: appRoot, userData: path.join(sandbox, 'user-data'), isPackaged: options.isPackaged });
  const started = runShell(fake.electron, {
    argv: ['/usr/bin/electron', '.'],
    env: { PATH: '/usr/bin', ...options.env },
    cwd: sandbox,
    platform: 'linux',
    versions: { node: '22.20.0', electron: '45.5.0' },
  });
  await fake.app.becomeReady();
  const shell = await started;
  assert.ok(shell);
  running.push(shell);
  return { fake, shell, appRoot };
}

after(async () => {
  for (const shell of running.splice(0)) {
    shell.dispose();
    await shell.engineLog.closed;
  }
  for (const dir of sandboxes) rmSync(dir, { recursive: true, force: true });
});

const PERMISSIONS = [
  'media', 'clipboard-read', 'clipboard-sanitized-write', 'display-capture', 'fullscreen', 'geolocation', 'idle-detection',
  'mediaKeySystem', 'midi', 'midiSysex', 'notifications', 'pointerLock', 'keyboardLock', 'openExternal', 'speaker-selection',
  'storage-access', 'top-level-storage-access', 'window-management', 'unknown', 'fileSystem', 'hid', 'serial', 'usb',
];
const APP_URLS = ['app://renderer/index.html', 'app://renderer/', 'APP://RENDERER/index.html#/steering'];
const FOREIGN_URLS = [
  'https://evil.example/', 'http://127.0.0.1:5173/', 'http://localhost/', 'file:///tmp/x.html', 'app://other/index.html',
  'app://renderer.evil.example/', 'app://evil.example/renderer/', 'app://renderer:8080/', 'app://user@renderer.evil/', 'data:text/html,hi',
  'blob:app://renderer/1234', 'about:blank', 'chrome://settings', 'devtools://devtools/bundled/inspector.html', 'null', '',
];
const MEDIA_TYPES: (readonly ('audio' | 'video')[] | undefined)[] = [['audio'], ['video'], ['audio', 'video'], [], undefined];

describe('security: Electron shell (through runShell)', () => {
  test('permission matrix: only audio capture, only for app://renderer, is granted', async () => {
    const { fake } = await boot();
    let requests = 0;
    let checks = 0;
    const granted: string[] = [];
    for (const permission of PERMISSIONS) {
      for (const url of [...APP_URLS, ...FOREIGN_URLS]) {
        for (const mediaTypes of MEDIA_TYPES) {
          for (const securityOrigin of [undefined, url, 'https://evil.example']) {
            requests++;
            const details = { requestingUrl: url, ...(securityOrigin !== undefined ? { securityOrigin } : {}), ...(mediaTypes ? { mediaTypes } : {}) };
            if (await fake.session.requestPermission(permission, details)) granted.push(`request ${permission} ${url} ${String(mediaTypes)} ${String(securityOrigin)}`);
          }
        }
        for (const mediaType of ['audio', 'video', 'unknown', undefined] as const) {
          checks++;
          if (fake.session.checkPermission(permission, url, mediaType ? { mediaType } : {})) granted.push(`check ${permission} ${url} ${String(mediaType)}`);
        }
      }
    }
    const unexpected = granted.filter((g) => {
      const [kind, permission, url, media, origin] = g.split(' ');
      if (permission !== 'media' || !APP_URLS.includes(url!)) return true;
      if (kind === 'request') return media !== 'audio' || (origin !== 'undefined' && !APP_URLS.includes(origin!));
      return media !== 'audio';
    });
    assert.deepEqual(unexpected, [], 'grants beyond audio for the app origin');
    // And the one that must work does: the microphone for the app page.
    assert.equal(await fake.session.requestPermission('media', { requestingUrl: APP_URLS[0], mediaTypes: ['audio'] }), true);
    assert.equal(fake.session.checkPermission('media', 'app://renderer', { mediaType: 'audio' }), true);
    for (const deviceType of ['hid', 'serial', 'usb', 'bluetooth']) {
      assert.equal(fake.session.deviceHandler?.({ deviceType, origin: 'app://renderer' }), false, deviceType);
    }
    console.log(
      `security: ${requests} permission requests + ${checks} permission checks tried, ${granted.length} granted ` +
        `(all audio-only media for app://renderer), 0 other`,
    );
  });

  test('navigation matrix: only app://renderer is reachable; only http(s) links go to the browser', async () => {
    const { fake } = await boot();
    const main = fake.windows[0]!.webContents;
    const other = new FakeWebContents(); // e.g. a devtools or future window: guarded too
    fake.app.emit('web-contents-created', {}, other);
    const external = ['https://arxiv.org/abs/2602.05027', 'http://example.org/'];
    const neverExternal = [
      'file:///etc/passwd', 'javascript:alert(1)', 'ms-msdt:/id PCWDiagnostic', 'search-ms:query=x', 'smb://evil/share',
      'vscode://file/etc/passwd', 'data:text/html,<script>1</script>', 'app://renderer/index.html', 'mailto:a@b.c', 'ftp://evil/',
      'not a url',
    ];
    let tried = 0;
    for (const contents of [main, other]) {
      for (const url of FOREIGN_URLS.concat(external, neverExternal)) {
        if (APP_URLS.includes(url) || url === 'app://renderer/index.html') continue;
        for (const event of ['will-navigate', 'will-redirect'] as const) {
          tried++;
          assert.equal(contents.tryNavigate(url, event), true, `${event} ${url} prevented`);
        }
        tried++;
        assert.deepEqual(contents.windowOpenHandler!({ url }), { action: 'deny' }, `window.open ${url}`);
      }
      for (const url of APP_URLS) {
        assert.equal(contents.tryNavigate(url), false, `${url} allowed`);
        assert.deepEqual(contents.windowOpenHandler!({ url }), { action: 'deny' }, `window.open ${url} (no second window, even of the app)`);
      }
      assert.equal(contents.tryAttachWebview(), true, '<webview> prevented');
    }
    await settle();
    const opened = fake.shell.opened;
    assert.ok(opened.every((url) => ['http:', 'https:'].includes(new URL(url).protocol)), `opened in the browser: ${opened.join(', ')}`);
    for (const url of external) assert.ok(opened.includes(url), `${url} opened in the browser`);
    console.log(`security: ${tried} navigations, redirects and window.open calls to foreign targets blocked, 0 allowed; ${opened.length} http(s) links handed to the browser, 0 other schemes`);
  });

  test('developer tools are off in a packaged build (unless AUDIOSAE_DEVTOOLS=1), on in development', async () => {
    const hasDevToolsItem = (fake: ReturnType<typeof createFakeElectron>) =>
      JSON.stringify(fake.menu.applicationMenu?.template).includes('toggleDevTools');
    const packaged = await boot({ isPackaged: true });
    const preload = path.join(packaged.appRoot, 'dist', 'electron', 'preload', 'preload.cjs');
    assert.equal(packaged.fake.windows[0]!.options.webPreferences?.devTools, false);
    assert.deepEqual(packaged.fake.windows[0]!.options.webPreferences, secureWebPreferences(preload, { devTools: false }));
    assert.equal(hasDevToolsItem(packaged.fake), false, 'no Toggle Developer Tools in the menu');

    const support = await boot({ isPackaged: true, env: { AUDIOSAE_DEVTOOLS: '1' } });
    assert.notEqual(support.fake.windows[0]!.options.webPreferences?.devTools, false);
    assert.equal(hasDevToolsItem(support.fake), true);

    const development = await boot({ isPackaged: false });
    assert.notEqual(development.fake.windows[0]!.options.webPreferences?.devTools, false);
    assert.equal(hasDevToolsItem(development.fake), true);
  });
});

describe('security: Electron sources and the built renderer', () => {
  const sources = ['electron/main', 'electron/preload'].flatMap((dir) =>
    readdirSync(path.join(ROOT, dir))
      .filter((f) => /\.(c|m)?ts$/.test(f))
      .map((f) => ({ file: `${dir}/${f}`, text: readFileSync(path.join(ROOT, dir, f), 'utf8') })),
  );

  test('no insecure webPreferences, other sessions or weakening switches anywhere in electron/main and electron/preload', () => {
    const forbidden: [RegExp, string][] = [
      [/nodeIntegration(InWorker|InSubFrames)?\s*:\s*true/, 'nodeIntegration on'],
      [/contextIsolation\s*:\s*false/, 'contextIsolation off'],
      [/sandbox\s*:\s*false/, 'sandbox off'],
      [/webSecurity\s*:\s*false/, 'webSecurity off'],
      [/allowRunningInsecureContent\s*:\s*true/, 'insecure content allowed'],
      [/webviewTag\s*:\s*true/, '<webview> enabled'],
      [/experimentalFeatures\s*:\s*true|enableBlinkFeatures/, 'experimental Blink features'],
      [/fromPartition|partition\s*:/, 'another session (the permission policy is on the default session)'],
      [/appendSwitch\(\s*['"](disable-web-security|ignore-certificate-errors|no-sandbox|disable-site-isolation-trials|allow-running-insecure-content)/, 'weakening switch'],
      [/openDevTools\s*\(/, 'devtools opened by code'],
      [/setPermission(Request|Check)Handler\(\s*null/, 'permission handler removed'],
      [/\beval\s*\(|new Function\s*\(/, 'eval'],
      [/contextBridge\.exposeInMainWorld\(/, 'an API exposed to the page (the preload only forwards the port)'],
    ];
    const found: string[] = [];
    for (const { file, text } of sources) {
      for (const [pattern, what] of forbidden) if (pattern.test(text)) found.push(`${file}: ${what}`);
    }
    assert.deepEqual(found, []);
    const windowBuilders = sources.filter(({ text }) => /new\s+(electron\.)?BrowserWindow\s*\(/.test(text)).map((s) => s.file);
    assert.deepEqual(windowBuilders, ['electron/main/main-window.ts'], 'windows are built in main-window.ts only');
    const preferences = sources.filter(({ text }) => /webPreferences\s*:/.test(text)).map((s) => s.file);
    assert.deepEqual(preferences, ['electron/main/main-window.ts'], 'webPreferences are set in main-window.ts only');
    console.log(`security: ${sources.length} Electron main/preload sources scanned for ${forbidden.length} insecure patterns, 0 found`);
  });

  test("the CSP leaves frames, objects and plugins at default-src 'none' and allows no unsafe- source anywhere", () => {
    const directives = new Map(
      CONTENT_SECURITY_POLICY.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name!, values];
      }),
    );
    for (const name of ['frame-src', 'child-src', 'object-src', 'manifest-src', 'prefetch-src', 'script-src-attr', 'style-src-attr', 'script-src-elem']) {
      assert.equal(directives.has(name), false, `${name} would override default-src 'none'`);
    }
    for (const [name, values] of directives) {
      for (const value of values) {
        assert.doesNotMatch(value, /^'unsafe-|^'wasm-unsafe-eval'$|^\*|^https?:|^wss?:|^filesystem:/, `${name} ${value}`);
      }
    }
  });

  const builtIndex = path.join(ROOT, 'dist', 'renderer', 'index.html');
  test('the built renderer carries the CSP, has no inline script or style, and its bundle needs no eval', { skip: !existsSync(builtIndex) && 'renderer not built (npm run build)' }, () => {
    const html = readFileSync(builtIndex, 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
    assert.ok(meta, 'a CSP meta tag');
    const metaPolicy = CONTENT_SECURITY_POLICY.split(';')
      .map((d) => d.trim())
      .filter((d) => !/^(frame-ancestors|report-uri|sandbox)\b/.test(d))
      .join('; ');
    assert.equal(meta[1], metaPolicy, 'the meta CSP is the app CSP (less what a meta tag cannot carry)');
    for (const script of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      assert.match(script[1]!, /\bsrc=/, 'every script is a file');
      assert.equal(script[2]!.trim(), '', 'no inline script body');
    }
    assert.doesNotMatch(html, /<style\b|\sstyle=|\son[a-z]+=/i, 'no inline style or event handler attribute');
    const bundles: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.js')) bundles.push(full);
      }
    };
    walk(path.dirname(builtIndex));
    const evals = bundles.filter((file) => /(^|[^\w$.])eval\s*\(|new\s+Function\s*\(/.test(readFileSync(file, 'utf8')));
    assert.deepEqual(evals, [], 'bundles that call eval or new Function (the CSP has no unsafe-eval)');
    console.log(`security: built renderer: CSP meta present, 0 inline scripts/styles, ${bundles.length} JS bundles with 0 eval / new Function`);
  });
});
