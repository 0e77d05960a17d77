import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeWire, encodeWire, isWireMessage, type WireMessage } from '../../../electron/common/wire.js';

test('binary payloads survive the JSON codec byte for byte', () => {
  const bytes = new Uint8Array(100_003);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
  const message: WireMessage = { t: 'res', id: 4, ok: true, result: { clipId: 1, bytes, nested: [bytes.subarray(0, 3)] } };
  const decoded = decodeWire(encodeWire(message)) as Extract<WireMessage, { t: 'res'; ok: true }>;
  const result = decoded.result as { bytes: Uint8Array; nested: Uint8Array[] };
  assert.ok(result.bytes instanceof Uint8Array);
  assert.deepEqual(result.bytes, bytes);
  assert.deepEqual(result.nested[0], bytes.slice(0, 3));
});

test('objects that merely contain a $bytes key among others stay objects', () => {
  const message: WireMessage = { t: 'evt', event: { type: 'log', level: 'info', message: '$bytes', at: 'x' } };
  assert.deepEqual(decodeWire(encodeWire(message)), message);
  const tricky = decodeWire('{"t":"res","id":1,"ok":true,"result":{"$bytes":"AAE=","other":1}}');
  assert.deepEqual((tricky as { result: unknown }).result, { $bytes: 'AAE=', other: 1 });
});

test('isWireMessage rejects foreign data', () => {
  assert.equal(isWireMessage({ t: 'req', id: 1, method: 'x', params: {} }), true);
  assert.equal(isWireMessage({ t: 'hello' }), false);
  assert.equal(isWireMessage(null), false);
  assert.equal(isWireMessage('req'), false);
});
