import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../../../../electron/common/errors.js';
import { parseWhisperGenerationConfig, whisperPrompt } from '../../../../native-models/decoders/whisper-generation-config.js';
import { WhisperTokenizer } from '../../../../native-models/decoders/whisper-tokenizer.js';
import { buildWhisperTokenizerFixture, byteToUnicode } from '../../../../native-models/fixtures/whisper-tokenizer-fixture.js';

const fixture = buildWhisperTokenizerFixture();
const tokenizer = new WhisperTokenizer(fixture.tokenizerJson);
const unicode = byteToUnicode();
/** Ids of the byte tokens that spell `text` in UTF-8 (no merges). */
const byteIds = (text: string) => [...Buffer.from(text, 'utf8')].map((b) => tokenizer.tokenId(unicode[b]!));

test('GPT-2 byte mapping: printable bytes are themselves, space is Ġ, newline Ċ', () => {
  assert.equal(unicode[0x41], 'A');
  assert.equal(unicode[0x20], 'Ġ');
  assert.equal(unicode[0x0a], 'Ċ');
  assert.equal(new Set(unicode).size, 256, 'a bijection');
  assert.equal(tokenizer.tokenId('!'), 0, "GPT-2's vocab starts with '!'");
});

test('decodes merged tokens, byte tokens and multi-byte UTF-8', () => {
  const hello = tokenizer.tokenId('Ġhello');
  const world = tokenizer.tokenId('Ġworld');
  assert.equal(tokenizer.decode([hello, world]), ' hello world');
  assert.equal(tokenizer.decode([hello, ...byteIds(', café ♪')]), ' hello, café ♪');
  // A character split across tokens is joined before UTF-8 decoding; a lone continuation byte is U+FFFD.
  assert.equal(tokenizer.decode(byteIds('é').slice(1)), '\uFFFD');
});

test('special tokens and timestamps are skipped unless asked for', () => {
  const { ids } = fixture;
  const sequence = [ids.startOfTranscript, ids.languages['en']!, ids.transcribe, ids.noTimestamps, ids.firstTimestamp, tokenizer.tokenId('Ġthe'), ids.endOfText];
  assert.equal(tokenizer.decode(sequence), ' the');
  assert.equal(tokenizer.decode(sequence, { skipSpecial: false }), '<|startoftranscript|><|en|><|transcribe|><|notimestamps|><|0.00|> the<|endoftext|>');
  assert.ok(tokenizer.isSpecial(ids.endOfText) && !tokenizer.isSpecial(ids.firstTimestamp) && tokenizer.isTimestamp(ids.firstTimestamp));
  assert.equal(tokenizer.vocabSize, fixture.vocabSize);
  assert.equal(tokenizer.token(tokenizer.vocabSize - 1), '<|30.00|>');
});

test('the prompt is <|startoftranscript|><|lang|><|task|><|notimestamps|>', () => {
  const config = parseWhisperGenerationConfig(fixture.generationConfig);
  const { ids } = fixture;
  assert.deepEqual(whisperPrompt(config), [ids.startOfTranscript, ids.languages['en']!, ids.transcribe, ids.noTimestamps]);
  assert.deepEqual(whisperPrompt(config, { language: 'de', task: 'translate' }), [ids.startOfTranscript, ids.languages['de']!, ids.translate, ids.noTimestamps]);
  assert.deepEqual(
    whisperPrompt(config).map((id) => tokenizer.token(id)),
    ['<|startoftranscript|>', '<|en|>', '<|transcribe|>', '<|notimestamps|>'],
    'ids in generation_config.json agree with tokenizer.json',
  );
  const english = parseWhisperGenerationConfig({ ...fixture.generationConfig, is_multilingual: false });
  assert.deepEqual(whisperPrompt(english), [ids.startOfTranscript, ids.noTimestamps], 'English-only models take no language or task');
  assert.throws(() => whisperPrompt(english, { language: 'fr' }), (e: unknown) => e instanceof AppError && /English-only/.test(e.message));
});

test('malformed tokenizer files are refused', () => {
  assert.throws(() => new WhisperTokenizer({ model: { type: 'Unigram', vocab: [] } }), (e: unknown) => e instanceof AppError && e.code === 'bad_input');
  assert.throws(() => tokenizer.decode([fixture.vocabSize + 5]), (e: unknown) => e instanceof AppError && /not in the vocabulary/.test(e.message));
  assert.throws(() => parseWhisperGenerationConfig({ eos_token_id: 1 }), (e: unknown) => e instanceof AppError && /decoder_start_token_id/.test(e.message));
});
