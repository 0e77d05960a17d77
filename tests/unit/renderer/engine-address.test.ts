import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engineAddress } from '../../../renderer/src/lib/transport/engine-address.js';

describe('engineAddress', () => {
  it('builds the RPC socket URL from the page address and its token', () => {
    assert.deepEqual(engineAddress({ protocol: 'http:', host: '127.0.0.1:4173', search: '?token=a+b/c' }), {
      transport: 'websocket',
      url: 'ws://127.0.0.1:4173/rpc?token=a%20b%2Fc',
      hasToken: true,
    });
    assert.deepEqual(engineAddress({ protocol: 'https:', host: 'gpu-box:8443', search: '?x=1&token=t' }), {
      transport: 'websocket',
      url: 'wss://gpu-box:8443/rpc?token=t',
      hasToken: true,
    });
  });

  it('still tries /rpc without a token (the server cookie may authorize it)', () => {
    assert.deepEqual(engineAddress({ protocol: 'http:', host: '127.0.0.1:1', search: '' }), {
      transport: 'websocket',
      url: 'ws://127.0.0.1:1/rpc',
      hasToken: false,
    });
  });

  it('is Electron on app://', () => {
    assert.deepEqual(engineAddress({ protocol: 'app:', host: 'renderer', search: '' }), { transport: 'electron' });
  });
});
