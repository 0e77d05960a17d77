import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FeatureLabel } from '../../../electron/common/contract.js';
import { draftOf, mergeSaved, patchFor } from '../../../renderer/src/lib/labels-draft.js';

const saved = (fields: Partial<FeatureLabel>): FeatureLabel => ({
  saeId: 1,
  feature: 7,
  label: '',
  notes: '',
  confidence: null,
  tags: [],
  unclear: false,
  author: 'ana',
  revision: 1,
  updatedAt: '2026-01-01T00:00:00Z',
  ...fields,
});

describe('label draft merge (two windows)', () => {
  it("takes another window's label but keeps a note being typed here", () => {
    const draft = { ...draftOf(null), notes: 'only on pure t' };
    const changes = mergeSaved(draft, saved({ label: 'steady tone', notes: '' }), (field) => field === 'notes');
    assert.deepEqual(changes, { label: 'steady tone' }, 'label taken, the dirty note untouched');
  });

  it('takes every differing field when nothing is being edited', () => {
    const changes = mergeSaved(draftOf(null), saved({ label: 'dog', notes: 'n', confidence: 'high', tags: ['a'], unclear: true }), () => false);
    assert.deepEqual(changes, { label: 'dog', notes: 'n', confidence: 'high', tagsText: 'a', unclear: true });
  });

  it('does not rewrite tags typed with other spacing', () => {
    const draft = { ...draftOf(null), tagsText: 'tonal,onset' };
    assert.deepEqual(mergeSaved(draft, saved({ tags: ['tonal', 'onset'] }), () => false), {}, 'same tags, no change under the cursor');
  });

  it('maps each field to its labels.set patch', () => {
    const draft = { label: 'x', notes: 'y', confidence: 'low' as const, tagsText: ' a, b ,a', unclear: true };
    assert.deepEqual(patchFor(draft, 'tagsText'), { tags: ['a', 'b'] });
    assert.deepEqual(patchFor(draft, 'confidence'), { confidence: 'low' });
    assert.deepEqual(patchFor(draft, 'unclear'), { unclear: true });
    assert.deepEqual(patchFor(draft, 'label'), { label: 'x' });
  });
});
