import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONTENT_SECURITY_POLICY } from '../../../electron/common/csp.js';
import {
  APP_SCHEME_REGISTRATION,
  APP_START_URL,
  isAppOrigin,
  originOf,
  registerAppProtocolHandler,
  resolveRendererFile,
} from '../../../electron/main/app-protocol.js';
import { FakeProtocol } from './fake-electron.js';

let sandbox: string;
let root: string;
const protocol = new FakeProtocol();

before(() => {
  sandbox = mkdtempSync(path.join(tmpdir(), 'audiosae-protocol-'));
  root = path.join(sandbox, 'dist', 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>AudioSAE</title>');
  writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'assets', 'app.css'), 'body{}');
  writeFileSync(path.join(root, 'assets', 'weird name.js'), '1');
  writeFileSync(path.join(sandbox, 'secret.txt'), 'top secret');
  writeFileSync(path.join(sandbox, 'dist', 'renderer-evil.txt'), 'sibling secret');
  symlinkSync(path.join(sandbox, 'secret.txt'), path.join(root, 'assets', 'link-out.txt'));
  registerAppProtocolHandler(protocol, { rendererRoot: root });
});

after(() => rmSync(sandbox, { recursive: true, force: true }));

describe('app scheme', () => {
  it('is registered standard, secure, fetch-capable and streaming, without CSP bypass', () => {
    assert.deepEqual(APP_SCHEME_REGISTRATION, {
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
    });
    assert.equal(APP_START_URL, 'app://renderer/index.html');
  });

  it('computes the app origin by hand (Node says "null" for unknown schemes)', () => {
    assert.equal(originOf('app://renderer/index.html'), 'app://renderer');
    assert.equal(originOf('app://Renderer/'), 'app://renderer');
    assert.equal(originOf('not a url'), null);
    assert.equal(isAppOrigin('app://renderer'), true);
    assert.equal(isAppOrigin('app://renderer.evil.example/'), false);
    assert.equal(isAppOrigin('https://renderer/'), false);
    assert.equal(isAppOrigin(undefined), false);
  });
});

describe('resolveRendererFile', () => {
  it('maps app://renderer paths into the renderer folder', () => {
    assert.equal(resolveRendererFile(root, 'app://renderer/index.html'), path.join(root, 'index.html'));
    assert.equal(resolveRendererFile(root, 'app://renderer/'), path.join(root, 'index.html'));
    assert.equal(resolveRendererFile(root, 'app://renderer/assets/weird%20name.js'), path.join(root, 'assets', 'weird name.js'));
  });

  it('refuses other hosts, schemes and escapes', () => {
    assert.equal(resolveRendererFile(root, 'app://other/index.html'), null);
    assert.equal(resolveRendererFile(root, 'file:///etc/passwd'), null);
    assert.equal(resolveRendererFile(root, 'app://renderer/..%2f..%2fsecret.txt'), null);
    assert.equal(resolveRendererFile(root, 'app://renderer/assets/..%2f..%2f..%2fsecret.txt'), null);
    assert.equal(resolveRendererFile(root, 'app://renderer/..%2f..%2fdist%2frenderer-evil.txt'), null);
    assert.equal(resolveRendererFile(root, 'app://renderer/%E0%A4%A'), null);
    assert.equal(resolveRendererFile(root, 'app://renderer/index.html%00.js'), null);
  });
});

describe('app:// handler', () => {
  it('serves renderer files with the CSP and a content type', async () => {
    const response = await protocol.fetch('app://renderer/index.html');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(await response.text(), '<!doctype html><title>AudioSAE</title>');

    const js = await protocol.fetch('app://renderer/assets/app.js');
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(js.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    const css = await protocol.fetch('app://renderer/assets/app.css');
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
  });

  it('answers HEAD without a body', async () => {
    const response = await protocol.fetch('app://renderer/index.html', { method: 'HEAD' });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), '');
  });

  it('refuses .. escapes, encoded or not, with 404', async () => {
    for (const url of [
      'app://renderer/../../secret.txt',
      'app://renderer/%2e%2e/%2e%2e/secret.txt',
      'app://renderer/..%2f..%2fsecret.txt',
      'app://renderer/assets/..%2f..%2f..%2fsecret.txt',
      'app://renderer/..%5c..%5csecret.txt',
      'app://renderer/..%2frenderer-evil.txt',
    ]) {
      const response = await protocol.fetch(url);
      assert.equal(response.status, 404, url);
      assert.doesNotMatch(await response.text(), /secret/, url);
      assert.equal(response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY, url);
    }
  });

  it('refuses a symlink that leads out of the folder', async () => {
    const response = await protocol.fetch('app://renderer/assets/link-out.txt');
    assert.equal(response.status, 404);
  });

  it('answers 404 for missing files, folders and other hosts', async () => {
    assert.equal((await protocol.fetch('app://renderer/missing.js')).status, 404);
    assert.equal((await protocol.fetch('app://renderer/assets')).status, 404);
    assert.equal((await protocol.fetch('app://elsewhere/index.html')).status, 404);
  });

  it('refuses methods other than GET and HEAD', async () => {
    const response = await protocol.fetch('app://renderer/index.html', { method: 'POST', body: 'x' });
    assert.equal(response.status, 405);
  });
});
