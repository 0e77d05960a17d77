import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enrichment, suggestedLabel } from '../../../../electron/engine/features/enrichment.js';

const base = { counts: new Map([['class=dog', 10], ['class=rain', 30], ['class=speech', 60], ['fold=1', 50], ['fold=2', 50]]), totalClips: 100 };

test('a label carried by most top clips and rare in the dataset is suggested, with its counts and ratio', () => {
  const top = [...Array.from({ length: 17 }, () => ({ class: ['dog'], fold: ['1'] })), ...Array.from({ length: 3 }, () => ({ class: ['speech'], fold: ['2'] }))];
  const rows = enrichment(top, base);
  const dog = rows.find((r) => r.label === 'class=dog');
  assert.deepEqual(dog, { label: 'class=dog', count: 17, of: 20, baseRate: 0.1, ratio: (17 / 20) / 0.1 }, 'dog row computed by hand');
  assert.equal(rows[0]!.label, 'class=dog', 'dog is the most enriched');
  assert.equal(suggestedLabel(rows), 'class=dog');
  assert.ok(rows.find((r) => r.label === 'fold=1')!.ratio < 1.8, 'fold=1 is common in the dataset');
});

test('nothing is suggested when the top clips look like the dataset', () => {
  const top = [...Array.from({ length: 6 }, () => ({ class: ['speech'] })), ...Array.from({ length: 3 }, () => ({ class: ['rain'] })), { class: ['dog'] }];
  assert.equal(suggestedLabel(enrichment(top, base)), null);
  assert.deepEqual(enrichment([], base), [], 'no clips, no rows');
});
