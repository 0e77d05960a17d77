/**
 * The feature page's keyboard map: which key does what, and when a key is left to a text field.
 * Pure; the page listens on window and dispatches the action this returns.
 */

export type FeatureKeyAction =
  | { type: 'next' }
  | { type: 'previous' }
  | { type: 'play'; index: number }
  | { type: 'replay' }
  | { type: 'playClip' }
  | { type: 'focusLabel' }
  | { type: 'unclearAndNext' }
  | { type: 'acceptSuggestion' }
  | { type: 'cycleConfidence' }
  | { type: 'context'; delta: 1 | -1 }
  | { type: 'leaveField' }
  | { type: 'back' }
  | { type: 'help' };

/** What the handler needs to know about a keydown (a structural slice of KeyboardEvent). */
export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** The event's target is a text field (input, textarea, select, contenteditable). */
  inField: boolean;
  /** The field is a single-line label input, where Enter commits and leaves. */
  inLabelField?: boolean;
}

/** Shortcuts as the help overlay lists them. */
export const FEATURE_SHORTCUTS: readonly { keys: string; what: string }[] = [
  { keys: 'j  ↓', what: 'next feature (table order)' },
  { keys: 'k  ↑', what: 'previous feature' },
  { keys: '1 – 9', what: 'play example n around its peak' },
  { keys: 'r  Space', what: 'replay the last played' },
  { keys: 'w', what: 'play the whole clip of the last played example' },
  { keys: '[  ]', what: 'shorter / longer context window' },
  { keys: 'l  Enter', what: 'edit the label' },
  { keys: 'a', what: 'accept the suggested label' },
  { keys: 'c', what: 'cycle confidence (low → medium → high → none)' },
  { keys: 'u', what: 'mark unclear and go to the next feature' },
  { keys: 'Enter (in label)', what: 'save and leave the field' },
  { keys: 'Esc', what: 'leave a field · close help · back to the table' },
  { keys: '?', what: 'this help' },
];

/** The action for a key, or null when the key is not a shortcut here (let it through). */
export function featureKeyAction(input: KeyInput): FeatureKeyAction | null {
  const { key } = input;
  if (input.ctrlKey || input.metaKey || input.altKey) return null;
  if (input.inField) {
    if (key === 'Escape') return { type: 'leaveField' };
    if (key === 'Enter' && input.inLabelField) return { type: 'leaveField' };
    return null;
  }
  if (/^[1-9]$/.test(key)) return { type: 'play', index: Number(key) - 1 };
  switch (key) {
    case 'j':
    case 'ArrowDown':
      return { type: 'next' };
    case 'k':
    case 'ArrowUp':
      return { type: 'previous' };
    case 'r':
    case ' ':
      return { type: 'replay' };
    case 'w':
      return { type: 'playClip' };
    case 'l':
    case 'Enter':
      return { type: 'focusLabel' };
    case 'u':
      return { type: 'unclearAndNext' };
    case 'a':
      return { type: 'acceptSuggestion' };
    case 'c':
      return { type: 'cycleConfidence' };
    case '[':
      return { type: 'context', delta: -1 };
    case ']':
      return { type: 'context', delta: 1 };
    case 'Escape':
      return { type: 'back' };
    case '?':
      return { type: 'help' };
    default:
      return null;
  }
}

/** Whether an element takes typing (so plain letters must not be shortcuts). Structural, no DOM types. */
export function isTextField(target: { tagName?: string; isContentEditable?: boolean; type?: string } | null): boolean {
  if (!target || !target.tagName) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target.type ?? 'text').toLowerCase();
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'file', 'color'].includes(type);
}
