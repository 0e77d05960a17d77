import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AppError } from '../../../electron/common/errors.js';
import { WhisperEncoder, readWhisperEncoderConfig } from '../../../native-models/encoders/whisper-encoder.js';
import { startFixtureHub, type FixtureHub } from '../../../native-models/fixtures/fixture-hub-server.js';
import { TINY_WHISPER_REPO, generateFixtureRepos } from '../../../native-models/fixtures/generate-fixtures.js';
import { TINY_WHISPER_FIXTURE, buildWhisperEncoderFixture } from '../../../native-models/fixtures/whisper-encoder-fixture.js';
import { WhisperLogMel } from '../../../native-models/frontends/whisper-log-mel.js';
import { downloadRepoFiles, fetchRepoInfo } from '../../../native-models/hub/index.js';
import { createSession } from '../../../native-models/onnx/runtime.js';

let root: string;
let cacheDir: string;
let hub: FixtureHub;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'fixture-repos-'));
  cacheDir = mkdtempSync(join(tmpdir(), 'hf-cache-'));
  await generateFixtureRepos(root);
  hub = await startFixtureHub({ root });
});
after(async () => {
  await hub.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

function isAppError(code: string, pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

test('hub download -> log-mel -> encoder, end to end on the fixture', async () => {
  const options = { endpoint: hub.url, cacheDir };
  const { files } = await fetchRepoInfo(TINY_WHISPER_REPO, 'main', options);
  const { snapshotDir } = await downloadRepoFiles(TINY_WHISPER_REPO, files, options);

  const encoder = await WhisperEncoder.load(snapshotDir);
  const frontend = await WhisperLogMel.create({ nMels: 80 });
  try {
    assert.deepEqual(encoder.config, { nMels: 80, dModel: 64, layers: 2, heads: 4, maxSourcePositions: 1500 });
    const speechLike = Float32Array.from({ length: 3 * 16000 }, (_, n) => 0.3 * Math.sin((2 * Math.PI * 220 * n) / 16000) * Math.sin((2 * Math.PI * 3 * n) / 16000));
    const features = await frontend.compute(speechLike);
    const hidden = await encoder.encode(features);
    assert.deepEqual(hidden.dims, [1, 1500, 64]);
    assert.ok(hidden.data.every(Number.isFinite), 'all outputs are finite');
    const again = await encoder.encode(features);
    assert.deepEqual(again.data, hidden.data, 'encoding is deterministic');

    // The downloaded model is the generated one: same output as a session on the generator's bytes.
    const direct = await createSession(buildWhisperEncoderFixture(TINY_WHISPER_FIXTURE).onnx);
    const expected = (await direct.run({ input_features: features }))['last_hidden_state']!;
    await direct.dispose();
    assert.deepEqual(hidden.data, expected.data);

    await assert.rejects(encoder.encode({ dims: [1, 128, 3000], data: new Float32Array(128 * 3000) }), isAppError('bad_input', /\[batch, 80, 3000\]/));
  } finally {
    await encoder.dispose();
    await frontend.dispose();
  }
});

test('a repo that is not a Whisper model, or not ONNX, gives a clear error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'not-whisper-'));
  try {
    const snapshot = join(dir, 'models--someone--bert-tiny', 'snapshots', 'a'.repeat(40));
    mkdirSync(join(snapshot, 'onnx'), { recursive: true });
    writeFileSync(join(snapshot, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: 128 }));
    assert.throws(() => readWhisperEncoderConfig(snapshot), isAppError('bad_input', /someone\/bert-tiny is not a Whisper encoder: model_type "bert"/));
    await assert.rejects(WhisperEncoder.load(snapshot), isAppError('bad_input', /is not a Whisper encoder/));

    const fixture = buildWhisperEncoderFixture(TINY_WHISPER_FIXTURE);
    writeFileSync(join(snapshot, 'config.json'), JSON.stringify(fixture.config));
    await assert.rejects(WhisperEncoder.load(snapshot), isAppError('not_found', /has no onnx\/encoder_model\.onnx/));
    writeFileSync(join(snapshot, 'onnx', 'encoder_model.onnx'), '<!doctype html><title>Sign in</title>');
    await assert.rejects(WhisperEncoder.load(snapshot), isAppError('bad_input', /encoder_model\.onnx .*is not an ONNX model/));

    writeFileSync(join(snapshot, 'config.json'), JSON.stringify({ model_type: 'whisper', d_model: 64 }));
    assert.throws(() => readWhisperEncoderConfig(snapshot), isAppError('bad_input', /lacks valid Whisper encoder fields \(encoder_layers/));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
