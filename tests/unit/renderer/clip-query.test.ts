import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ariaSort,
  clipListParams,
  decodeLabelFilter,
  EMPTY_QUERY,
  encodeLabelFilter,
  ftsQuery,
  labelChips,
  nextSort,
  parseSeconds,
  queryKey,
} from '../../../renderer/src/lib/clip-query.js';

describe('label filter encoding (the clip-filter-label select value)', () => {
  it('round-trips key=value, splitting at the first =', () => {
    assert.equal(encodeLabelFilter({ key: 'class', value: 'dog' }), 'class=dog');
    assert.deepEqual(decodeLabelFilter('class=dog'), { key: 'class', value: 'dog' });
    assert.deepEqual(decodeLabelFilter('text=a=b'), { key: 'text', value: 'a=b' });
    assert.equal(decodeLabelFilter(''), null);
    assert.equal(encodeLabelFilter(null), '');
  });
});

describe('clipListParams', () => {
  it('sends only the filters that are set', () => {
    assert.deepEqual(clipListParams(3, EMPTY_QUERY, 400, 200), { datasetId: 3, offset: 400, limit: 200, sort: 'path' });
    assert.deepEqual(
      clipListParams(
        3,
        { sort: '-duration', label: { key: 'class', value: 'dog' }, minDurationSec: 1, maxDurationSec: 5, text: ' hello  world ' },
        0,
        200,
      ),
      {
        datasetId: 3,
        offset: 0,
        limit: 200,
        sort: '-duration',
        label: { key: 'class', value: 'dog' },
        minDurationSec: 1,
        maxDurationSec: 5,
        text: '"hello" "world"',
      },
    );
  });

  it('makes free text safe FTS5 (quotes dropped, each word literal)', () => {
    assert.equal(ftsQuery('don\'t AND "x" a-b'), '"don\'t" "AND" "x" "a-b"');
    assert.equal(ftsQuery('   '), '');
  });

  it('gives equal keys to queries that fetch the same rows', () => {
    assert.equal(queryKey(1, { ...EMPTY_QUERY, text: 'a  b' }), queryKey(1, { ...EMPTY_QUERY, text: ' a b' }));
    assert.notEqual(queryKey(1, EMPTY_QUERY), queryKey(2, EMPTY_QUERY));
  });
});

describe('sorting and small helpers', () => {
  it('toggles duration, sets the others', () => {
    assert.equal(nextSort('path', 'duration'), 'duration');
    assert.equal(nextSort('duration', 'duration'), '-duration');
    assert.equal(nextSort('-duration', 'duration'), 'duration');
    assert.equal(nextSort('-duration', 'path'), 'path');
    assert.equal(ariaSort('-duration', 'duration'), 'descending');
    assert.equal(ariaSort('path', 'duration'), 'none');
  });

  it('parses duration fields and label chips', () => {
    assert.equal(parseSeconds(' 2.5 '), 2.5);
    assert.equal(parseSeconds(''), null);
    assert.equal(parseSeconds('-1'), null);
    assert.equal(parseSeconds('abc'), null);
    assert.deepEqual(labelChips({ class: ['dog'], fold: ['1', '2'] }), ['class: dog', 'fold: 1', 'fold: 2']);
    assert.deepEqual(labelChips(undefined), []);
  });
});
