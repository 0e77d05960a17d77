import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  float16ToFloat32,
  float32ToFloat16,
  readSafetensorsHeader,
  readSafetensorsTensor,
  writeSafetensors,
} from '../../../../native-models/formats/safetensors.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';

const dir = makeTempDir('safetensors-');
after(() => dir.cleanup());

const bytesOf = (a: Float32Array | Uint16Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

test('float16 conversion matches known bit patterns and rounds to nearest even', () => {
  const cases: Array<[number, number]> = [
    [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [65520, 0x7c00], [1e9, 0x7c00],
    [2 ** -14, 0x0400], [2 ** -24, 0x0001], [2 ** -26, 0x0000], [0.1, 0x2e66], [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02],
    [Infinity, 0x7c00], [-Infinity, 0xfc00],
  ];
  const halves = float32ToFloat16(Float32Array.from(cases, ([v]) => v));
  cases.forEach(([value, bits], i) => assert.equal(halves[i], bits, `${value} -> 0x${bits.toString(16)}`));
  assert.ok(Number.isNaN(float16ToFloat32(float32ToFloat16(Float32Array.of(NaN)))[0]), 'NaN survives');
  const all = Uint16Array.from({ length: 0x7c00 }, (_, i) => i);
  assert.deepEqual(float32ToFloat16(float16ToFloat32(all)), all, 'every finite positive half round-trips');
});

test('a written file has the spec layout and reads back (F32 and F16, row ranges)', async () => {
  const path = join(dir.path, 'a.safetensors');
  const a = Float32Array.from({ length: 6 * 4 }, (_, i) => i / 7 - 1);
  const b = float32ToFloat16(Float32Array.of(1, 2, 3));
  writeSafetensors(path, [
    { name: 'layer_0', dtype: 'F32', shape: [6, 4], bytes: bytesOf(a) },
    { name: 'layer_1', dtype: 'F16', shape: [3, 1], bytes: bytesOf(b) },
  ], { format: 'audiosae-activations' });
  assert.ok(!existsSync(`${path}.partial`), 'no partial file left');
  const raw = readFileSync(path);
  const headerLength = Number(raw.readBigUInt64LE(0));
  assert.equal(headerLength % 8, 0, 'header padded to 8 bytes');
  const header = JSON.parse(raw.subarray(8, 8 + headerLength).toString('utf8'));
  assert.deepEqual(header.layer_0, { dtype: 'F32', shape: [6, 4], data_offsets: [0, 96] }, 'offsets relative to the data');
  assert.deepEqual(header.layer_1.data_offsets, [96, 102], 'contiguous');
  assert.equal(raw.length, 8 + headerLength + 102, 'no trailing bytes');
  assert.deepEqual(readSafetensorsHeader(path).metadata, { format: 'audiosae-activations' }, 'metadata');
  assert.deepEqual((await readSafetensorsTensor(path, 'layer_0')).data, a, 'F32 round trip');
  const rows = await readSafetensorsTensor(path, 'layer_0', { start: 2, end: 4 });
  assert.deepEqual(rows.shape, [2, 4], 'row slice shape');
  assert.deepEqual(rows.data, a.subarray(8, 16), 'row slice data');
  assert.deepEqual((await readSafetensorsTensor(path, 'layer_1')).data, Float32Array.of(1, 2, 3), 'F16 widened');
});

test('corrupt files are refused', async () => {
  const path = join(dir.path, 'bad.safetensors');
  writeFileSync(path, Buffer.from([1, 2, 3]));
  assert.throws(() => readSafetensorsHeader(path), /not a valid safetensors file/, 'too short');
  const good = join(dir.path, 'good.safetensors');
  writeSafetensors(good, [{ name: 'x', dtype: 'F32', shape: [4], bytes: bytesOf(new Float32Array(4)) }]);
  writeFileSync(path, readFileSync(good).subarray(0, -4));
  await assert.rejects(readSafetensorsTensor(path, 'x'), /truncated/, 'truncated data');
  assert.throws(() => writeSafetensors(path, [{ name: 'x', dtype: 'F32', shape: [5], bytes: new Uint8Array(4) }]), /needs 20/, 'wrong byte count');
});
