/**
 * The torch.save reader against an independent writer (tests/helpers/write-torch-checkpoint.py,
 * stdlib Python laying the zip and pickle out as torch.save does): dtypes, strided and offset
 * views, scalars, non-tensor entries, and refusals.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readTorchStateDict } from '../../../../native-models/formats/torch-checkpoint.js';
import { unpickle } from '../../../../native-models/formats/pickle.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { pythonMissing, writeTorchCheckpoint } from '../../../helpers/torch-checkpoint-writer.js';

const skip = pythonMissing();
const values = (n: number, scale = 1) => Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 1.7 + 0.3) * scale));

describe('torch.save state_dict reader', { skip }, () => {
  const dir = makeTempDir('torch-ckpt-');
  after(() => dir.cleanup());

  test('reads float32 (contiguous, transposed view, offset view), float16 and int scalars exactly', async () => {
    const path = join(dir.path, 'ae.pt');
    const a = values(6 * 4);
    const b = values(5 * 3, 2);
    const c = values(7, 3);
    const half = Float32Array.from([0.5, -1.25, 3, 65504, 1e-5, 0]);
    writeTorchCheckpoint(path, [
      { name: 'a', dtype: 'float32', shape: [6, 4], values: a },
      { name: 'b', dtype: 'float32', shape: [5, 3], values: b, layout: 'transposed' },
      { name: 'c', dtype: 'float32', shape: [7], values: c, layout: 'offset' },
      { name: 'h', dtype: 'float16', shape: [2, 3], values: half },
      { name: 'k', dtype: 'int32', shape: [], values: [50] },
      { name: 'n', dtype: 'int64', shape: [2], values: [-3, 1_000_000] },
    ], { extra: { note: 'hello' } });
    const { tensors, other } = await readTorchStateDict(path);
    assert.deepEqual([...tensors.keys()], ['a', 'b', 'c', 'h', 'k', 'n'], 'every tensor, in order');
    assert.deepEqual(tensors.get('a'), { dtype: 'float32', shape: [6, 4], data: a }, 'contiguous float32');
    assert.deepEqual(tensors.get('b')!.data, b, 'a strided (transposed) view is gathered row-major');
    assert.deepEqual(tensors.get('c')!.data, c, 'a view with a storage offset');
    const h = tensors.get('h')!;
    assert.equal(h.dtype, 'float16');
    // 1e-5 is subnormal in fp16: its nearest half is 168 x 2^-24.
    assert.deepEqual(Array.from(h.data), [0.5, -1.25, 3, 65504, Math.fround(168 * 2 ** -24), 0], 'float16 widened exactly');
    assert.deepEqual(tensors.get('k'), { dtype: 'int32', shape: [], data: Float32Array.from([50]) }, 'a 0-d int tensor');
    assert.deepEqual(Array.from(tensors.get('n')!.data), [-3, 1_000_000], 'int64 values');
    assert.equal(other.get('note'), 'hello', 'non-tensor entries are returned apart');
  });

  test('refuses files that are not plain torch.save state_dicts, with the reason', async () => {
    const notZip = join(dir.path, 'old.pt');
    writeFileSync(notZip, Buffer.from([0x80, 0x02, 0x8a, 0x0a]));
    await assert.rejects(readTorchStateDict(notZip), /not a PyTorch zip checkpoint/, 'legacy/non-zip files');
    const truncated = join(dir.path, 'cut.pt');
    writeTorchCheckpoint(truncated, [{ name: 'a', dtype: 'float32', shape: [4], values: values(4) }]);
    const bytes = Buffer.from((await import('node:fs')).readFileSync(truncated));
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 40));
    await assert.rejects(readTorchStateDict(truncated), /not a readable PyTorch checkpoint|truncated|missing/, 'a cut-off zip');
  });
});

describe('pickle reader', () => {
  const opts = { source: 'x.pkl', findClass: () => { throw new Error('no globals expected'); }, persistentLoad: () => null };

  test('never runs an unknown global: os.system is refused by name', () => {
    // protocol 2: GLOBAL 'os\nsystem\n', then REDUCE of ('echo hi',)
    const evil = Buffer.concat([Buffer.from([0x80, 0x02]), Buffer.from('cos\nsystem\n'), Buffer.from([0x58, 7, 0, 0, 0]), Buffer.from('echo hi'), Buffer.from([0x85, 0x52, 0x2e])]);
    assert.throws(
      () => unpickle(evil, { ...opts, findClass: (m, n) => { throw new Error(`refused ${m}.${n}`); } }),
      /refused os\.system/,
      'the GLOBAL goes to findClass, which refuses it',
    );
  });

  test('reads dicts, lists, tuples, ints, floats, strings and memo references', () => {
    // {'a': [1, -2, 300, 70000], 'b': (1.5, 'x'), 'c': <memo ref to the list>}
    const bytes = Buffer.from(
      '8002' + '7d' + '7100' + '28' + '580100000061' + '5d' + '7101' + '28' + '4b01' + '4afeffffff' + '4d2c01' + '4a70110100' + '65' +
        '580100000062' + '47' + '3ff8000000000000' + '8c0178' + '86' + '580100000063' + '6801' + '75' + '2e',
      'hex',
    );
    const result = unpickle(bytes, opts) as Map<string, unknown>;
    assert.deepEqual(result.get('a'), [1, -2, 300, 70000]);
    assert.deepEqual(result.get('b'), [1.5, 'x']);
    assert.equal(result.get('c'), result.get('a'), 'BINGET returns the memoised object');
  });

  test('an unsupported opcode is refused with its byte position', () => {
    assert.throws(() => unpickle(Buffer.from('80026300', 'hex').subarray(0, 3), opts), /not a PyTorch state_dict this app can read/);
    assert.throws(() => unpickle(Buffer.from('8002ff', 'hex'), opts), /opcode 0xff is not supported \(byte 3\)/);
  });
});
