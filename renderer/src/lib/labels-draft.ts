/**
 * The label form's draft and how a saved version (this window's or another's) merges into it:
 * fields with an unacknowledged local edit keep it, the rest take the saved value. Pure.
 */
import type { FeatureLabel, LabelConfidence } from '../../../electron/common/contract.js';
import type { LabelPatch } from './features-api.js';
import { parseTags } from './features-view.js';

export interface LabelDraft {
  label: string;
  notes: string;
  confidence: LabelConfidence | null;
  tagsText: string;
  unclear: boolean;
}

export type DraftField = keyof LabelDraft;

export const EMPTY_DRAFT: LabelDraft = { label: '', notes: '', confidence: null, tagsText: '', unclear: false };

/** Which labels.set patch field each draft field saves as. */
export const PATCH_FIELD: Record<DraftField, keyof LabelPatch> = {
  label: 'label',
  notes: 'notes',
  confidence: 'confidence',
  tagsText: 'tags',
  unclear: 'unclear',
};

export function draftOf(label: FeatureLabel | null): LabelDraft {
  if (!label) return { ...EMPTY_DRAFT };
  return { label: label.label, notes: label.notes, confidence: label.confidence, tagsText: label.tags.join(', '), unclear: label.unclear };
}

/** The patch that saves one draft field. */
export function patchFor(draft: LabelDraft, field: DraftField): LabelPatch {
  switch (field) {
    case 'tagsText':
      return { tags: parseTags(draft.tagsText) };
    case 'label':
      return { label: draft.label };
    case 'notes':
      return { notes: draft.notes };
    case 'confidence':
      return { confidence: draft.confidence };
    case 'unclear':
      return { unclear: draft.unclear };
  }
}

/**
 * The draft fields to change for a saved version: every field whose value differs, except those
 * `isDirty` says are being edited here. Tags typed as "a,b" equal saved ["a", "b"] (no rewrite
 * under the cursor).
 */
export function mergeSaved(draft: LabelDraft, saved: FeatureLabel, isDirty: (field: keyof LabelPatch) => boolean): Partial<LabelDraft> {
  const incoming = draftOf(saved);
  const changes: Partial<LabelDraft> = {};
  for (const field of Object.keys(PATCH_FIELD) as DraftField[]) {
    if (isDirty(PATCH_FIELD[field])) continue;
    if (field === 'tagsText' && parseTags(draft.tagsText).join(', ') === incoming.tagsText) continue;
    if (draft[field] !== incoming[field]) (changes as Record<DraftField, unknown>)[field] = incoming[field];
  }
  return changes;
}
