import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { AppError } from '../../../electron/common/errors.js';
import { GraphBuilder } from '../../../native-models/onnx/graph-builder.js';
import { availableDevices, createSession, onnxRuntimeVersion, probeDevices } from '../../../native-models/onnx/runtime.js';

function addOneModel(): Uint8Array {
  const g = new GraphBuilder();
  g.input('x', ['n']);
  g.node('Add', ['x', g.floats('one', [1], [])], ['y']);
  g.output('y', ['n']);
  return g.toBytes();
}

/** Whether onnxruntime-node's CUDA add-on is installed (it is not on the CI machines). */
function cudaAddOnInstalled(): boolean {
  const binding = join(dirname(createRequire(import.meta.url).resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch);
  return existsSync(join(binding, process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so'));
}

test('reports the version and the devices that can load here', () => {
  assert.match(onnxRuntimeVersion(), /^1\.\d+\.\d+/);
  const devices = availableDevices();
  assert.equal(devices[0], 'cpu');
  assert.equal(devices.includes('cuda'), cudaAddOnInstalled(), 'cuda is offered exactly when its provider library is installed');
});

test('runs a model on the CPU and disposes twice safely', async () => {
  const session = await createSession(addOneModel(), { intraOpThreads: 1 });
  assert.equal(session.device, 'cpu');
  assert.deepEqual(session.inputNames, ['x']);
  assert.deepEqual(session.outputNames, ['y']);
  const { y } = await session.run({ x: { dims: [3], data: Float32Array.from([1, 2, 3]) } });
  assert.deepEqual(y, { dims: [3], data: Float32Array.from([2, 3, 4]) });
  await session.dispose();
  await session.dispose();
  await assert.rejects(session.run({ x: { dims: [1], data: new Float32Array(1) } }), /after dispose/);
});

test('cuda falls back to the CPU and says why', { skip: cudaAddOnInstalled() && 'the CUDA add-on is installed here' }, async () => {
  const warnings: string[] = [];
  const session = await createSession(addOneModel(), { device: 'cuda', onWarning: (m) => warnings.push(m) });
  try {
    assert.equal(session.device, 'cpu');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /cannot use cuda \(.*CUDA provider.*\); running .* on the CPU/);
    const { y } = await session.run({ x: { dims: [1], data: Float32Array.from([41]) } });
    assert.equal(y!.data[0], 42);
  } finally {
    await session.dispose();
  }
});

test('a file that is not an ONNX model gives a bad_input error naming it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ort-'));
  try {
    const path = join(dir, 'model.onnx');
    writeFileSync(path, 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n');
    await assert.rejects(createSession(path), (error: unknown) => {
      assert.ok(error instanceof AppError && error.code === 'bad_input', String(error));
      assert.match(error.message, /model\.onnx .*is not an ONNX model/);
      assert.ok(error.message.includes(path), 'the message names the full path');
      return true;
    });
    await assert.rejects(createSession(join(dir, 'missing.onnx')), (e: unknown) => e instanceof AppError && e.code === 'not_found');
    await assert.rejects(createSession(new Uint8Array([1, 2, 3])), (e: unknown) => e instanceof AppError && e.code === 'bad_input');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('probeDevices keeps only devices that start a session', async () => {
  const working = await probeDevices();
  assert.equal(working[0], 'cpu');
  assert.deepEqual(availableDevices(), working, 'devices that failed the probe are no longer offered');
});
