import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DENSE_FEATURE_DENSITY, FEATURE_FILTERS, FEATURE_SORTS, type FeatureFilter, type FeatureSort } from '../../../../electron/common/contract.js';
import { AppError } from '../../../../electron/common/errors.js';
import { suggestedLabel } from '../../../../electron/engine/features/enrichment.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { openFeatureFixture, type FeatureFixture } from './feature-store-fixture.js';

const tmp = makeTempDir();
let fx: FeatureFixture;

const LABELS: Record<number, { label: string; notes?: string; tags?: string[]; unclear?: boolean }> = {
  0: { label: 'Dog bark', notes: 'sharp onsets' },
  1: { label: 'rain on a roof', tags: ['weather'] },
  2: { label: '', notes: 'maybe a dog?', unclear: true },
  5: { label: 'speech vowels', tags: ['speech', 'phoneme'] },
  10: { label: 'barking dogs far away' },
  12: { label: 'zebra', unclear: true },
};

before(() => {
  fx = openFeatureFixture(tmp.path, { width: 64, dIn: 8, clips: 24, topN: 5, weights: false });
  for (const [f, l] of Object.entries(LABELS)) fx.service.setLabel(fx.saeId, Number(f), l, 'tester');
});
after(() => {
  fx.store.dispose();
  tmp.cleanup();
});

/** The same query done in plain TS over the inserted rows. */
function expected(filter: FeatureFilter, sort: FeatureSort, words?: string[], range?: { min: number; max: number }): number[] {
  const label = (f: number): string => LABELS[f]?.label ?? '';
  let rows = fx.stats.filter((s) => {
    const l = LABELS[s.feature];
    if (filter === 'labelled' && label(s.feature) === '') return false;
    if (filter === 'unlabelled' && label(s.feature) !== '') return false;
    if (filter === 'unclear' && !l?.unclear) return false;
    if (filter === 'dead' && s.density !== 0) return false;
    if (filter === 'dense' && !(s.density > DENSE_FEATURE_DENSITY)) return false;
    if (range && !(s.density > 0 && Math.log10(s.density) >= range.min && Math.log10(s.density) < range.max)) return false;
    if (words) {
      if (!l) return false;
      const tokens = `${l.label} ${l.notes ?? ''} ${(l.tags ?? []).join(' ')}`.toLowerCase().split(/[^a-z0-9]+/);
      if (!words.every((w) => (w.endsWith('*') ? tokens.some((t) => t.startsWith(w.slice(0, -1))) : tokens.includes(w)))) return false;
    }
    return true;
  });
  const by = (key: (s: (typeof rows)[number]) => number, dir = 1) => (a: (typeof rows)[number], b: (typeof rows)[number]) => dir * (key(a) - key(b)) || a.feature - b.feature;
  if (sort === 'density') rows = rows.sort(by((s) => s.density));
  if (sort === '-density') rows = rows.sort(by((s) => s.density, -1));
  if (sort === 'max') rows = rows.sort(by((s) => s.maxActivation));
  if (sort === '-max') rows = rows.sort(by((s) => s.maxActivation, -1));
  if (sort === 'label') rows = rows.sort((a, b) => Number(label(a.feature) === '') - Number(label(b.feature) === '') || label(a.feature).toLowerCase().localeCompare(label(b.feature).toLowerCase()) || a.feature - b.feature);
  return rows.map((r) => r.feature);
}

test('every filter x sort matches a plain-TS filter of the same rows, and paging covers them exactly', () => {
  for (const filter of FEATURE_FILTERS) {
    for (const sort of FEATURE_SORTS) {
      const want = expected(filter, sort);
      const pages: number[] = [];
      for (let offset = 0; offset < want.length + 7; offset += 7) {
        const page = fx.service.list({ saeId: fx.saeId, offset, limit: 7, sort, filter });
        assert.equal(page.total, want.length, `${filter}/${sort}: total`);
        pages.push(...page.rows.map((r) => r.feature));
      }
      assert.deepEqual(pages, want, `${filter}/${sort}: rows in order across pages`);
    }
  }
  assert.ok(expected('dead', 'feature').length > 0 && expected('dense', 'feature').length > 0 && expected('unclear', 'feature').length === 2, 'the fixture exercises every filter');
});

test('search is FTS5 over label, notes and tags, with prefixes, combined with filters', () => {
  for (const [search, words] of [['dog', ['dog']], ['bark*', ['bark*']], ['speech', ['speech']], ['weather', ['weather']], ['DOG "sharp', ['dog', 'sharp']], ['nothing', ['nothing']]] as const) {
    const page = fx.service.list({ saeId: fx.saeId, offset: 0, limit: 100, sort: 'feature', filter: 'all', search });
    assert.deepEqual(page.rows.map((r) => r.feature), expected('all', 'feature', [...words]), `search ${search}`);
  }
  const unclearDogs = fx.service.list({ saeId: fx.saeId, offset: 0, limit: 100, sort: 'feature', filter: 'unclear', search: 'dog' });
  assert.deepEqual(unclearDogs.rows.map((r) => r.feature), [2], 'search within a filter');
  const operators = fx.service.list({ saeId: fx.saeId, offset: 0, limit: 100, sort: 'feature', filter: 'all', search: 'OR NOT ***' });
  assert.equal(operators.total, 0, 'FTS syntax in user text is not an error');
});

test('a histogram bin range selects features by log10(density)', () => {
  for (const range of [{ min: -3, max: -2.75 }, { min: -5, max: -1 }, { min: -1, max: 0 }]) {
    const page = fx.service.list({ saeId: fx.saeId, offset: 0, limit: 1000, sort: 'feature', filter: 'all', log10DensityRange: range });
    assert.deepEqual(page.rows.map((r) => r.feature), expected('all', 'feature', undefined, range), `range ${JSON.stringify(range)}`);
  }
});

test('rows carry stats, suggested label and the saved label', () => {
  const page = fx.service.list({ saeId: fx.saeId, offset: 0, limit: 1, sort: 'feature', filter: 'all' });
  const row = page.rows[0]!;
  assert.equal(row.density, fx.stats[0]!.density, 'density');
  assert.equal(row.suggestedLabel, fx.stats[0]!.suggestedLabel, 'suggested label');
  assert.equal(row.label?.label, 'Dog bark', 'label');
  assert.equal(row.label?.author, 'tester', 'author');
  assert.equal(fx.service.list({ saeId: fx.saeId, offset: 0, limit: 1, sort: 'feature', filter: 'all' }).rows[0]!.label?.revision, 1, 'first revision');
});

test('features.get joins examples with clips and computes enrichment from their labels', async () => {
  const detail = await fx.service.get(fx.saeId, 1, 0);
  assert.equal(detail.top.length, 5, 'top examples');
  assert.equal(detail.quantiles.length, 2, 'quantile examples');
  assert.deepEqual(detail.top.map((e) => e.rank), [0, 1, 2, 3, 4], 'top by rank');
  const clipRows = fx.store.db.prepare('SELECT id, relative_path AS p, labels FROM clips').all() as { id: number; p: string; labels: string }[];
  const byId = new Map(clipRows.map((c) => [c.id, c]));
  for (const e of detail.top) {
    assert.equal(e.relativePath, byId.get(e.clipId)!.p, 'clip path');
    assert.deepEqual(e.labels, JSON.parse(byId.get(e.clipId)!.labels), 'clip labels');
  }
  // Independent count of class labels among the top clips.
  const counts = new Map<string, number>();
  for (const e of detail.top) counts.set(`class=${e.labels['class']![0]}`, (counts.get(`class=${e.labels['class']![0]}`) ?? 0) + 1);
  for (const [label, n] of counts) {
    if (n < 2) continue;
    const row = detail.enrichment.find((r) => r.label === label);
    assert.ok(row, `${label} is in the enrichment`);
    assert.equal(row.count, n, `${label} count`);
    assert.equal(row.baseRate, 0.25, `${label} base rate (a quarter of the clips)`);
  }
  assert.equal(detail.frameRateHz, 50, 'frame rate of the analysed run');
  await assert.rejects(fx.service.get(fx.saeId, 64, 0), (e: unknown) => e instanceof AppError && e.code === 'not_found' && /has no feature 64/.test(e.message), 'feature out of range');
});

test('an SAE without analysis is refused with a pointer to Analyse', () => {
  fx.store.db.prepare("INSERT INTO saes (id, run_id, model_id, layer, architecture, k, width, seed, status, config, train_key, created_at) VALUES (2, 1, 1, 6, 'topk', 4, 16, 0, 'complete', '{}', 'k2', 'now')").run();
  assert.throws(() => fx.service.list({ saeId: 2, offset: 0, limit: 10, sort: 'feature', filter: 'all' }), (e: unknown) => e instanceof AppError && /saes\.analyze/.test(e.message) && /Analyse/.test(e.message), 'clear error');
});

test('a planted feature whose top clips are all one class gets that class in enrichment and as the suggestion', async () => {
  const rainClips = (fx.store.db.prepare("SELECT c.id FROM clips c JOIN clip_labels l ON l.clip_id = c.id WHERE l.key = 'class' AND l.value = 'rain' ORDER BY c.id").all() as { id: number }[]).map((r) => r.id);
  const planted = 9;
  fx.store.db.prepare("DELETE FROM sae_feature_examples WHERE sae_id = ? AND feature = ? AND kind = 'top'").run(fx.saeId, planted);
  const insert = fx.store.db.prepare("INSERT INTO sae_feature_examples (sae_id, feature, kind, rank, clip_id, frame, time_sec, value) VALUES (?, ?, 'top', ?, ?, 0, 0, ?)");
  rainClips.forEach((clipId, rank) => insert.run(fx.saeId, planted, rank, clipId, 5 - rank * 0.1));
  const detail = await fx.service.get(fx.saeId, planted, 0);
  assert.equal(detail.enrichment[0]?.label, 'class=rain', 'the planted class is the most enriched');
  assert.deepEqual([detail.enrichment[0]!.count, detail.enrichment[0]!.of, detail.enrichment[0]!.ratio], [rainClips.length, rainClips.length, 4], 'all top clips, 4x the base rate of a quarter');
  assert.equal(suggestedLabel(detail.enrichment), 'class=rain', 'suggested');
});
