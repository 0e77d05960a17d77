/**
 * CUDA path check for a GPU machine (not part of `npm test`):
 *
 *   ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node   # once, installs the CUDA add-on
 *   node --import tsx tests/gpu/check-cuda.ts [--full]
 *
 * Builds the Whisper fixture encoder (tiny, or whisper-small-shaped with --full), taps every layer,
 * runs it on CUDA and on the CPU, and checks that the taps agree (max abs diff <= 1e-3) and that
 * the session really ran on CUDA (no silent CPU fallback). Prints JSON lines; exits 1 on failure.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SeededRandom } from '../../native-models/common/seeded-random.js';
import { TINY_WHISPER_FIXTURE, WHISPER_SMALL_FIXTURE, buildWhisperEncoderFixture } from '../../native-models/fixtures/whisper-encoder-fixture.js';
import { writeTappedModel } from '../../native-models/onnx/layer-taps.js';
import { availableDevices, createSession, probeDevices, type ExecutionDevice } from '../../native-models/onnx/runtime.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const { values } = parseArgs({ options: { full: { type: 'boolean', default: false } } });
const spec = values.full ? WHISPER_SMALL_FIXTURE : TINY_WHISPER_FIXTURE;
const emit = (record: Record<string, unknown>) => console.log(JSON.stringify({ check: 'cuda', ...record }));

emit({ step: 'devices', available: availableDevices(), working: await probeDevices() });
const dir = makeTempDir('check-cuda-');
let failed = false;
try {
  const modelPath = join(dir.path, 'encoder_model.onnx');
  writeFileSync(modelPath, buildWhisperEncoderFixture(spec).onnx);
  const { path, plan } = writeTappedModel(modelPath);
  const rng = new SeededRandom(1);
  const features = { dims: [1, spec.nMels, 3000], data: Float32Array.from({ length: spec.nMels * 3000 }, () => rng.uniform() * 2.5 - 1) };
  const outputs = [...plan.layers, plan.final];

  const run = async (device: ExecutionDevice) => {
    const warnings: string[] = [];
    const session = await createSession(path, { device, onWarning: (m) => warnings.push(m) });
    try {
      await session.run({ input_features: features }, outputs); // warm-up
      const t0 = performance.now();
      const result = await session.run({ input_features: features }, outputs);
      return { device: session.device, ms: performance.now() - t0, result, warnings };
    } finally {
      await session.dispose();
    }
  };
  const cuda = await run('cuda');
  emit({ step: 'cuda_session', device: cuda.device, ms: Math.round(cuda.ms), fallback: cuda.warnings });
  if (cuda.device !== 'cuda') {
    failed = true;
    emit({ step: 'result', ok: false, reason: `fell back to ${cuda.device}: ${cuda.warnings.join('; ')}` });
  } else {
    const cpu = await run('cpu');
    let maxDiff = 0;
    for (const name of outputs) {
      const a = cuda.result[name]!.data;
      const b = cpu.result[name]!.data;
      for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    }
    failed = !(maxDiff <= 1e-3);
    emit({ step: 'result', ok: !failed, taps: outputs.length, cuda_ms: Math.round(cuda.ms), cpu_ms: Math.round(cpu.ms), max_abs_diff: maxDiff });
  }
} finally {
  dir.cleanup();
}
process.exitCode = failed ? 1 : 0;
