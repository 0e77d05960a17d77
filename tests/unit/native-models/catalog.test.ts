import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../../../electron/common/errors.js';
import { BUILTIN_CATALOG, catalogEntry, catalogEntryForRepo, modelCatalog, parseModelCatalog } from '../../../native-models/catalog.js';

test('the built-in catalog validates and lists the paper models', () => {
  const ids = modelCatalog().map((e) => e.id);
  for (const id of ['whisper-tiny', 'whisper-base', 'whisper-small', 'whisper-medium', 'whisper-large-v3', 'hubert-base', 'hubert-large', 'wav2vec2-base', 'wavlm-base-plus']) {
    assert.ok(ids.includes(id), `catalog has ${id}`);
  }
  const small = catalogEntry('whisper-small');
  assert.deepEqual([small.layers, small.width, small.nMels, small.frameRateHz], [12, 768, 80, 50], 'whisper-small is 12 x 768, 80 mels, 50 Hz');
  assert.equal(catalogEntry('whisper-large-v3').nMels, 128, 'large-v3 uses 128 mels');
  assert.equal(catalogEntry('hubert-large').norm, 'pre', 'HuBERT large is stable-layer-norm (pre-LN)');
  assert.equal(catalogEntry('hubert-base').frontend, 'waveform', 'HuBERT takes waveforms');
  assert.equal(catalogEntryForRepo('ONNX-community/whisper-small')?.id, 'whisper-small', 'repo lookup ignores case');
});

test('invalid catalogs are refused with the failing field named', () => {
  const bad = structuredClone(BUILTIN_CATALOG) as Record<string, unknown>[];
  bad[0]!['width'] = 385;
  assert.throws(() => parseModelCatalog(bad, 'test.json'), (e: unknown) => e instanceof AppError && e.code === 'bad_input' && /test\.json.*divisible/.test(e.message), 'width/heads');
  const duplicate = [BUILTIN_CATALOG[0], BUILTIN_CATALOG[0]];
  assert.throws(() => parseModelCatalog(duplicate), /twice/, 'duplicate ids');
  const noMels = structuredClone(BUILTIN_CATALOG) as Record<string, unknown>[];
  delete noMels[0]!['nMels'];
  assert.throws(() => parseModelCatalog(noMels), /nMels/, 'whisper needs nMels');
  assert.throws(() => catalogEntry('gpt-5'), /No model "gpt-5"/, 'unknown id');
});
