import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONTENT_SECURITY_POLICY as COMMON_CSP } from '../../../electron/common/csp.js';
import {
  CONTENT_SECURITY_POLICY,
  installPermissionHandlers,
  shouldGrantPermissionCheck,
  shouldGrantPermissionRequest,
} from '../../../electron/main/security.js';
import { FakeSession } from './fake-electron.js';

const APP_PAGE = 'app://renderer/index.html';

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values];
    }),
  );
}

describe('CONTENT_SECURITY_POLICY', () => {
  it('is the common policy, re-exported', () => {
    assert.equal(CONTENT_SECURITY_POLICY, COMMON_CSP);
  });

  it('allows no eval and no inline code', () => {
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-eval/);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline/);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /\*/);
  });

  it('denies by default and allows only the app itself for code, styles and connections', () => {
    const d = directives(CONTENT_SECURITY_POLICY);
    assert.deepEqual(d.get('default-src'), ["'none'"]);
    assert.deepEqual(d.get('script-src'), ["'self'"]);
    assert.deepEqual(d.get('style-src'), ["'self'"]);
    assert.deepEqual(d.get('connect-src'), ["'self'"]);
    assert.deepEqual(d.get('media-src'), ["'self'", 'blob:']);
    assert.deepEqual(d.get('worker-src'), ["'self'", 'blob:']);
    assert.deepEqual(d.get('img-src'), ["'self'", 'data:', 'blob:']);
    assert.deepEqual(d.get('base-uri'), ["'none'"]);
    assert.deepEqual(d.get('form-action'), ["'none'"]);
    assert.deepEqual(d.get('frame-ancestors'), ["'none'"]);
  });
});

describe('permission requests', () => {
  it('grants audio-only media to the app origin', () => {
    assert.equal(shouldGrantPermissionRequest('media', { requestingUrl: APP_PAGE, mediaTypes: ['audio'] }), true);
    assert.equal(
      shouldGrantPermissionRequest('media', { requestingUrl: APP_PAGE, securityOrigin: 'app://renderer/', mediaTypes: ['audio'] }),
      true,
    );
  });

  it('denies video, audio+video and media with no type', () => {
    assert.equal(shouldGrantPermissionRequest('media', { requestingUrl: APP_PAGE, mediaTypes: ['video'] }), false);
    assert.equal(shouldGrantPermissionRequest('media', { requestingUrl: APP_PAGE, mediaTypes: ['audio', 'video'] }), false);
    assert.equal(shouldGrantPermissionRequest('media', { requestingUrl: APP_PAGE, mediaTypes: [] }), false);
    assert.equal(shouldGrantPermissionRequest('media', { requestingUrl: APP_PAGE }), false);
  });

  it('denies audio to other origins', () => {
    for (const url of ['https://evil.example/', 'app://other/index.html', 'file:///tmp/x.html', 'http://127.0.0.1:5173/']) {
      assert.equal(shouldGrantPermissionRequest('media', { requestingUrl: url, mediaTypes: ['audio'] }), false, url);
    }
    assert.equal(
      shouldGrantPermissionRequest('media', { requestingUrl: APP_PAGE, securityOrigin: 'https://evil.example', mediaTypes: ['audio'] }),
      false,
    );
    assert.equal(shouldGrantPermissionRequest('media', { mediaTypes: ['audio'] }), false);
  });

  it('denies every other permission, even to the app', () => {
    for (const permission of ['notifications', 'geolocation', 'display-capture', 'clipboard-read', 'openExternal', 'midi', 'hid', 'fullscreen']) {
      assert.equal(shouldGrantPermissionRequest(permission, { requestingUrl: APP_PAGE, mediaTypes: ['audio'] }), false, permission);
    }
  });
});

describe('permission checks', () => {
  it('passes audio media for the app origin only', () => {
    assert.equal(shouldGrantPermissionCheck('media', 'app://renderer', { mediaType: 'audio' }), true);
    assert.equal(shouldGrantPermissionCheck('media', 'app://renderer', { mediaType: 'video' }), false);
    assert.equal(shouldGrantPermissionCheck('media', 'app://renderer', { mediaType: 'unknown' }), false);
    assert.equal(shouldGrantPermissionCheck('media', 'https://evil.example', { mediaType: 'audio' }), false);
    assert.equal(
      shouldGrantPermissionCheck('media', 'app://renderer', { mediaType: 'audio', securityOrigin: 'https://evil.example' }),
      false,
    );
    assert.equal(shouldGrantPermissionCheck('notifications', 'app://renderer', {}), false);
  });
});

describe('installPermissionHandlers', () => {
  it('wires the policy into the session', async () => {
    const session = new FakeSession();
    installPermissionHandlers(session);

    assert.equal(await session.requestPermission('media', { requestingUrl: APP_PAGE, mediaTypes: ['audio'] }), true);
    assert.equal(await session.requestPermission('media', { requestingUrl: APP_PAGE, mediaTypes: ['video'] }), false);
    assert.equal(await session.requestPermission('notifications', { requestingUrl: APP_PAGE }), false);
    assert.equal(await session.requestPermission('geolocation', { requestingUrl: APP_PAGE }), false);
    assert.equal(await session.requestPermission('media', { requestingUrl: 'https://evil.example/', mediaTypes: ['audio'] }), false);

    assert.equal(session.checkPermission('media', 'app://renderer', { mediaType: 'audio' }), true);
    assert.equal(session.checkPermission('media', 'app://renderer', { mediaType: 'video' }), false);
    assert.equal(session.checkPermission('geolocation', 'app://renderer'), false);
    assert.equal(session.checkPermission('notifications', 'app://renderer'), false);

    assert.ok(session.deviceHandler);
    assert.equal(session.deviceHandler({ deviceType: 'usb', origin: 'app://renderer' }), false);
  });
});
