import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AppError } from '../../../../electron/common/errors.js';
import { SeededRandom } from '../../../../native-models/common/seeded-random.js';
import { WhisperDecoder, argmax } from '../../../../native-models/decoders/whisper-decoder.js';
import { WhisperEncoder } from '../../../../native-models/encoders/whisper-encoder.js';
import { startFixtureHub, type FixtureHub } from '../../../../native-models/fixtures/fixture-hub-server.js';
import { TINY_WHISPER_REPO, generateFixtureRepos } from '../../../../native-models/fixtures/generate-fixtures.js';
import { buildWhisperDecoderFixture } from '../../../../native-models/fixtures/whisper-decoder-fixture.js';
import { TINY_WHISPER_FIXTURE } from '../../../../native-models/fixtures/whisper-encoder-fixture.js';
import { WhisperLogMel } from '../../../../native-models/frontends/whisper-log-mel.js';
import { downloadRepoFiles, fetchRepoInfo } from '../../../../native-models/hub/index.js';
import { createSession, type Float32Tensor, type InputTensor } from '../../../../native-models/onnx/runtime.js';
import { whisperDecoderReference } from './whisper-decoder-reference.js';

const FRAMES = 1500;
const D = TINY_WHISPER_FIXTURE.dModel;
const HEADS = TINY_WHISPER_FIXTURE.heads;
const fixture = buildWhisperDecoderFixture(TINY_WHISPER_FIXTURE);
const { ids } = fixture.tokenizer;
const PROMPT = [ids.startOfTranscript, ids.languages['en']!, ids.transcribe, ids.noTimestamps];

let root: string;
let cacheDir: string;
let hub: FixtureHub;
let snapshotDir: string;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'fixture-repos-'));
  cacheDir = mkdtempSync(join(tmpdir(), 'hf-cache-'));
  await generateFixtureRepos(root, { whisperDecoder: true });
  hub = await startFixtureHub({ root });
  const options = { endpoint: hub.url, cacheDir };
  const { files } = await fetchRepoInfo(TINY_WHISPER_REPO, 'main', options);
  ({ snapshotDir } = await downloadRepoFiles(TINY_WHISPER_REPO, files, options));
});
after(async () => {
  await hub.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

function encoderStates(seed: number, batch = 1): Float32Tensor {
  const rng = new SeededRandom(seed);
  // O(1) values like a LayerNorm output.
  return { dims: [batch, FRAMES, D], data: rng.normals(batch * FRAMES * D, 1) };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

function emptyPast(batch: number): Record<string, Float32Tensor> {
  const feeds: Record<string, Float32Tensor> = {};
  for (let i = 0; i < TINY_WHISPER_FIXTURE.layers; i++) {
    for (const name of ['decoder.key', 'decoder.value', 'encoder.key', 'encoder.value']) {
      feeds[`past_key_values.${i}.${name}`] = { dims: [batch, HEADS, 0, D / HEADS], data: new Float32Array(0) };
    }
  }
  return feeds;
}

test('the decoder fixture matches a plain-TS forward pass, with and without the cache', async () => {
  const session = await createSession(fixture.onnx);
  try {
    const encoder = encoderStates(3);
    const first = await session.run({
      input_ids: { dims: [1, PROMPT.length], data: BigInt64Array.from(PROMPT, BigInt) },
      encoder_hidden_states: encoder,
      use_cache_branch: { dims: [1], data: Uint8Array.of(0) },
      ...emptyPast(1),
    });
    const vocab = fixture.tokenizer.vocabSize;
    assert.deepEqual(first['logits']!.dims, [1, PROMPT.length, vocab]);
    const expected = whisperDecoderReference(fixture.weights, PROMPT, encoder.data, FRAMES);
    const firstDiff = maxAbsDiff(first['logits']!.data, expected);
    assert.ok(firstDiff < 1e-4, `prompt logits differ from the reference by ${firstDiff}`);
    assert.deepEqual(first['present.0.decoder.key']!.dims, [1, HEADS, PROMPT.length, D / HEADS]);
    assert.deepEqual(first['present.1.encoder.value']!.dims, [1, HEADS, FRAMES, D / HEADS]);

    // One more token through the cache equals the last row of a full recompute. The cache branch
    // must use the cached cross-attention keys and values, not encoder_hidden_states: feed zeros.
    const nextToken = ids.space + 3;
    const feeds: Record<string, InputTensor> = {
      input_ids: { dims: [1, 1], data: BigInt64Array.of(BigInt(nextToken)) },
      encoder_hidden_states: { dims: encoder.dims, data: new Float32Array(encoder.data.length) },
      use_cache_branch: { dims: [1], data: Uint8Array.of(1) },
    };
    for (const name of Object.keys(emptyPast(1))) feeds[name] = first[name.replace('past_key_values.', 'present.')]!;
    const second = await session.run(feeds);
    const full = whisperDecoderReference(fixture.weights, [...PROMPT, nextToken], encoder.data, FRAMES);
    const secondDiff = maxAbsDiff(second['logits']!.data, full.subarray(PROMPT.length * vocab));
    assert.ok(secondDiff < 1e-4, `cached-step logits differ from the reference by ${secondDiff}`);
    assert.deepEqual(second['present.0.encoder.key']!.data, first['present.0.encoder.key']!.data, 'the cross-attention cache passes through');
    // Logits of this size make the 1e-4 tolerance meaningful.
    assert.ok(Math.max(...expected.map(Math.abs)) > 0.5, 'logits are not all near zero');
  } finally {
    await session.dispose();
  }
});

test('greedy decoding from precomputed encoder outputs is deterministic and matches a reference greedy loop', async () => {
  const decoder = await WhisperDecoder.load(snapshotDir);
  try {
    const encoder = encoderStates(5);
    const maxNewTokens = 6;
    const result = await decoder.decode(encoder, { maxNewTokens });
    const again = await decoder.decode(encoder, { maxNewTokens });
    assert.deepEqual(again.sequences, result.sequences, 'the same tokens and text every time');

    // Reference: recompute the whole sequence each step, same suppression rules.
    const suppressed = new Set<number>([...(fixture.generationConfig['suppress_tokens'] as number[]), ...decoder.tokenizer.addedIds]);
    suppressed.delete(ids.endOfText);
    const tokens = [...PROMPT];
    const vocab = fixture.tokenizer.vocabSize;
    const expectedTokens: number[] = [];
    for (let step = 0; step < maxNewTokens; step++) {
      const all = whisperDecoderReference(fixture.weights, tokens, encoder.data, FRAMES);
      const row = Float32Array.from(all.subarray((tokens.length - 1) * vocab));
      if (step === 0) {
        const diff = maxAbsDiff(result.firstLogits.data, row);
        assert.ok(diff < 1e-4, `first-token logits differ from the reference by ${diff}`);
        for (const id of fixture.generationConfig['begin_suppress_tokens'] as number[]) row[id] = -Infinity;
      }
      for (const id of suppressed) row[id] = -Infinity;
      const token = argmax(row);
      if (token === ids.endOfText) break;
      expectedTokens.push(token);
      tokens.push(token);
    }
    const [sequence] = result.sequences;
    assert.deepEqual(sequence!.tokens, expectedTokens, 'the same greedy tokens as the reference');
    assert.equal(sequence!.text, decoder.tokenizer.decode(expectedTokens));
    assert.ok(sequence!.tokens.every((t) => !decoder.tokenizer.isSpecial(t) && !decoder.tokenizer.isTimestamp(t)), 'no special tokens in the text');
    assert.ok(sequence!.tokens.length === maxNewTokens || sequence!.finished, 'stops at maxNewTokens or eos');
  } finally {
    await decoder.dispose();
  }
});

test('one batched decode of two encoder outputs equals two single decodes', async () => {
  const decoder = await WhisperDecoder.load(snapshotDir);
  try {
    const a = encoderStates(11);
    const b = encoderStates(12);
    const both: Float32Tensor = { dims: [2, FRAMES, D], data: new Float32Array([...a.data, ...b.data]) };
    const pair = await decoder.decode(both, { maxNewTokens: 5 });
    const single = [await decoder.decode(a, { maxNewTokens: 5 }), await decoder.decode(b, { maxNewTokens: 5 })];
    assert.deepEqual(pair.sequences, single.map((r) => r.sequences[0]));
    assert.ok(maxAbsDiff(pair.firstLogits.data.subarray(0, fixture.tokenizer.vocabSize), single[0]!.firstLogits.data) < 1e-5, 'row 1 logits');
  } finally {
    await decoder.dispose();
  }
});

test('hub download -> log-mel -> encoder -> decoder: the whole transcribe path on the fixture', async () => {
  const encoder = await WhisperEncoder.load(snapshotDir);
  const decoder = await WhisperDecoder.load(snapshotDir);
  const frontend = await WhisperLogMel.create({ nMels: 80 });
  try {
    const tone = Float32Array.from({ length: 2 * 16000 }, (_, n) => 0.3 * Math.sin((2 * Math.PI * 330 * n) / 16000));
    const hidden = await encoder.encode(await frontend.compute(tone));
    const { sequences, steps } = await decoder.decode(hidden, { maxNewTokens: 8 });
    assert.equal(typeof sequences[0]!.text, 'string');
    assert.ok(steps >= 1 && steps <= 8, `${steps} decoder steps`);
    assert.equal(sequences[0]!.text, decoder.tokenizer.decode(sequences[0]!.tokens));
  } finally {
    await Promise.all([encoder.dispose(), decoder.dispose(), frontend.dispose()]);
  }
});

test('the decoder option adds files and keeps the encoder bytes', async () => {
  const plainRoot = mkdtempSync(join(tmpdir(), 'fixture-repos-plain-'));
  try {
    await generateFixtureRepos(plainRoot);
    const repo = (base: string) => join(base, ...TINY_WHISPER_REPO.split('/'));
    assert.deepEqual(readdirSync(join(repo(plainRoot), 'onnx')), ['encoder_model.onnx'], 'no decoder by default');
    assert.deepEqual(readFileSync(join(repo(root), 'onnx', 'encoder_model.onnx')), readFileSync(join(repo(plainRoot), 'onnx', 'encoder_model.onnx')));
    assert.deepEqual(readFileSync(join(repo(root), 'preprocessor_config.json')), readFileSync(join(repo(plainRoot), 'preprocessor_config.json')));
    assert.deepEqual(readdirSync(repo(root)).sort(), ['config.json', 'generation_config.json', 'onnx', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json']);
    const config = JSON.parse(readFileSync(join(repo(root), 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(config['vocab_size'], fixture.tokenizer.vocabSize);
    assert.equal(config['decoder_start_token_id'], ids.startOfTranscript);
    assert.equal(config['d_model'], D);
  } finally {
    rmSync(plainRoot, { recursive: true, force: true });
  }
});

test('bad inputs are refused with clear errors', async () => {
  const decoder = await WhisperDecoder.load(snapshotDir);
  try {
    await assert.rejects(decoder.decode({ dims: [1, FRAMES, D + 1], data: new Float32Array(FRAMES * (D + 1)) }), (e: unknown) => e instanceof AppError && /encoder outputs \[batch, frames, 64\]/.test(e.message));
    await assert.rejects(decoder.decode(encoderStates(1), { maxNewTokens: 445 }), (e: unknown) => e instanceof AppError && /1\.\.444/.test(e.message));
    await assert.rejects(decoder.decode(encoderStates(1), { language: 'xx' }), (e: unknown) => e instanceof AppError && /Language 'xx'.*en, de, es, fr/.test(e.message));
  } finally {
    await decoder.dispose();
  }
  await assert.rejects(WhisperDecoder.load(root), (e: unknown) => e instanceof AppError && e.code === 'not_found');
});
