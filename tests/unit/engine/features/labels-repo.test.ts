import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { userInfo } from 'node:os';
import { AppError } from '../../../../electron/common/errors.js';
import { parseCsv, toCsv } from '../../../../electron/engine/features/csv.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { openFeatureFixture, type FeatureFixture } from './feature-store-fixture.js';

const tmp = makeTempDir();
let fx: FeatureFixture;
before(() => {
  fx = openFeatureFixture(tmp.path, { width: 32, dIn: 8, clips: 8, topN: 3, weights: false });
});
after(() => {
  fx.store.dispose();
  tmp.cleanup();
});

const NASTY = ['plain', 'a,b', 'say "hi"', 'line1\nline2', 'crlf\r\nend', '', ' spaced ', 'ünïcødé 🐕 犬', '"', ',', '\n'];

test('CSV quoting round-trips commas, quotes, newlines and unicode (RFC 4180)', () => {
  const rows = [NASTY, [...NASTY].reverse()];
  const text = toCsv(rows);
  assert.deepEqual(parseCsv(text), rows, 'parse(toCsv(rows)) is rows');
  assert.equal(toCsv([['a,b', 'say "hi"', 'x']]), '"a,b","say ""hi""",x\r\n', 'quoted and doubled as RFC 4180 says');
  assert.deepEqual(parseCsv('a,b\nc,d'), [['a', 'b'], ['c', 'd']], 'LF line ends and no final newline');
  assert.throws(() => parseCsv('"open'), /quoted field/, 'unterminated quote');
});

test('labels.set patches only the given fields, counts revisions, records author and time', () => {
  const first = fx.service.setLabel(fx.saeId, 4, { label: 'dog' });
  assert.equal(first.revision, 1, 'first revision');
  assert.equal(first.author, userInfo().username, 'author defaults to the OS user');
  assert.ok(Date.now() - Date.parse(first.updatedAt) < 60_000, 'ISO time of now');
  // Two windows edit different fields from the same starting point: both survive.
  fx.service.setLabel(fx.saeId, 4, { notes: 'window A notes' }, 'alice');
  const b = fx.service.setLabel(fx.saeId, 4, { tags: ['animal'], confidence: 'high' }, 'bob');
  assert.deepEqual({ label: b.label, notes: b.notes, tags: b.tags, confidence: b.confidence, revision: b.revision, author: b.author }, { label: 'dog', notes: 'window A notes', tags: ['animal'], confidence: 'high', revision: 3, author: 'bob' }, 'both patches kept');
  const same = fx.service.setLabel(fx.saeId, 4, { notes: 'window A notes' });
  assert.equal(same.revision, 3, 'a patch that changes nothing saves no version');
  assert.deepEqual(fx.service.labels.get(fx.saeId, 4), b, 'stored as returned');
  const changed = fx.events.filter((e) => e.type === 'labels.changed');
  assert.equal(changed.length, 4, 'an event per save (including the no-op acknowledgement)');
  assert.deepEqual(changed.at(-2), { type: 'labels.changed', label: b }, 'the event carries the saved label');
  assert.throws(() => fx.service.setLabel(fx.saeId, 32, { label: 'x' }), (e: unknown) => e instanceof AppError && /has 32 features/.test(e.message), 'feature out of range');
});

test('history lists every version newest first; undo restores the previous one as a new version', () => {
  fx.service.setLabel(fx.saeId, 7, { label: 'one' }, 'a');
  fx.service.setLabel(fx.saeId, 7, { label: 'two', unclear: true }, 'a');
  const history = fx.service.history(fx.saeId, 7);
  assert.deepEqual(history.map((h) => [h.label, h.unclear, h.revision]), [['two', true, 2], ['one', false, 1]], 'history');
  const undone = fx.service.undo(fx.saeId, 7);
  assert.deepEqual([undone.label, undone.unclear, undone.revision], ['one', false, 3], 'undo restores version 1 as version 3');
  assert.equal(fx.service.history(fx.saeId, 7).length, 3, 'undo is recorded');
  assert.equal(fx.service.list({ saeId: fx.saeId, offset: 0, limit: 10, sort: 'feature', filter: 'all', search: 'two' }).total, 0, 'FTS follows the undo');
  fx.service.setLabel(fx.saeId, 8, { label: 'only' });
  assert.equal(fx.service.undo(fx.saeId, 8).label, '', 'undoing the first version empties the label');
  assert.throws(() => fx.service.undo(fx.saeId, 9), (e: unknown) => e instanceof AppError && e.code === 'not_found', 'nothing to undo');
});

test('labels.search finds labels, notes and tags with a bracketed snippet, per SAE or all', () => {
  fx.service.setLabel(fx.saeId, 11, { label: 'distant thunder', notes: 'low rumble after lightning', tags: ['weather'] });
  const hits = fx.service.search('rumble', undefined, 10);
  assert.deepEqual(hits.map((h) => [h.saeId, h.feature, h.label]), [[fx.saeId, 11, 'distant thunder']], 'found by notes');
  assert.match(hits[0]!.snippet, /\[rumble\]/, 'snippet marks the match');
  assert.equal(fx.service.search('weath*', fx.saeId, 10)[0]?.feature, 11, 'tag prefix within the SAE');
  assert.deepEqual(fx.service.search('"', undefined, 10), [], 'a query of only syntax finds nothing without error');
});

test('CSV and JSON exports re-import identically; replace drops labels the file lacks; bad rows are reported', () => {
  fx.service.setLabel(fx.saeId, 20, { label: NASTY.join(' | '), notes: 'multi\nline, "quoted"', tags: ['a b', 'ü'], confidence: 'low', unclear: true }, 'o\'neil, "x"');
  for (const format of ['csv', 'json'] as const) {
    const exported = fx.service.exportLabels(fx.saeId, format);
    assert.equal(exported.count, fx.service.labels.all(fx.saeId).length, `${format}: count`);
    // Into a fresh SAE, then out again: identical apart from the SAE id and the revision (a count of this store's saves).
    fx.store.db.prepare("INSERT OR REPLACE INTO saes (id, run_id, model_id, layer, architecture, k, width, seed, status, config, train_key, created_at) VALUES (3, 1, 1, 6, 'topk', 32, 32, 0, 'complete', '{}', 'k3', 'now')").run();
    fx.store.db.prepare('DELETE FROM feature_labels WHERE sae_id = 3').run();
    const result = fx.service.importLabels({ saeId: 3, format, text: exported.text, mode: 'replace' });
    assert.deepEqual(result, { imported: exported.count, unchanged: 0, errors: [] }, `${format}: import result`);
    const again = fx.service.exportLabels(3, format);
    const normalise = (text: string): string => (format === 'csv' ? text.replace(/^(1|3),/gm, 'S,') : text.replace(/"(id|saeId)": (1|3)/g, '"$1": S').replace(/"revision": \d+/g, '"revision": R'));
    assert.equal(normalise(again.text), normalise(exported.text), `${format}: round trip identical`);
    assert.deepEqual(fx.service.importLabels({ saeId: 3, format, text: exported.text, mode: 'merge' }), { imported: 0, unchanged: exported.count, errors: [] }, `${format}: re-import changes nothing`);
  }
  fx.service.setLabel(3, 30, { label: 'not in the file' });
  const csv = 'feature,label,confidence,unclear\r\n4,dog,high,false\r\nx,bad,,\r\n99,too far,,\r\n5,cat,sure,\r\n6,ok,,maybe\r\n';
  const merged = fx.service.importLabels({ saeId: 3, format: 'csv', text: csv, mode: 'merge' });
  assert.equal(merged.errors.length, 4, `four bad rows: ${merged.errors.join(' / ')}`);
  assert.match(merged.errors.join('\n'), /Row 3: feature 'x'/, 'names the row');
  assert.match(merged.errors.join('\n'), /feature 99 does not exist/, 'range');
  assert.match(merged.errors.join('\n'), /confidence 'sure'/, 'confidence');
  assert.equal(fx.service.labels.get(3, 30)?.label, 'not in the file', 'merge keeps labels the file lacks');
  fx.service.importLabels({ saeId: 3, format: 'csv', text: csv, mode: 'replace' });
  assert.deepEqual(fx.service.labels.all(3).map((l) => l.feature), [4], 'replace keeps only the file\'s labels');
  assert.match(fx.service.importLabels({ saeId: 3, format: 'json', text: '{"x":1}', mode: 'merge' }).errors[0]!, /"labels" list/, 'wrong JSON shape');
});

test('the Neuronpedia export lists labelled features as explanations', () => {
  const exported = fx.service.exportLabels(fx.saeId, 'neuronpedia');
  const rows = JSON.parse(exported.text) as Record<string, unknown>[];
  const labelled = fx.service.labels.all(fx.saeId).filter((l) => l.label !== '');
  assert.equal(rows.length, labelled.length, 'one explanation per non-empty label');
  assert.deepEqual(
    { modelId: rows[0]!['modelId'], layer: rows[0]!['layer'], index: rows[0]!['index'], description: rows[0]!['description'] },
    { modelId: 'onnx-community/whisper-small', layer: '6-audiosae-topk-32', index: String(labelled[0]!.feature), description: labelled[0]!.label },
    'Neuronpedia fields',
  );
});
