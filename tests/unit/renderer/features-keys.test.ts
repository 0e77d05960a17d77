import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { featureKeyAction, isTextField } from '../../../renderer/src/lib/features-keys.js';

const key = (k: string, extra: Partial<Parameters<typeof featureKeyAction>[0]> = {}) => featureKeyAction({ key: k, inField: false, ...extra });

describe('featureKeyAction', () => {
  it('maps j/k and the arrows to next/previous feature', () => {
    assert.deepEqual(key('j'), { type: 'next' }, 'j is next');
    assert.deepEqual(key('ArrowDown'), { type: 'next' }, 'ArrowDown is next');
    assert.deepEqual(key('k'), { type: 'previous' }, 'k is previous');
    assert.deepEqual(key('ArrowUp'), { type: 'previous' }, 'ArrowUp is previous');
  });

  it('maps 1-9 to playing example 0-8, and not 0', () => {
    assert.deepEqual(key('1'), { type: 'play', index: 0 }, '1 plays the first example');
    assert.deepEqual(key('9'), { type: 'play', index: 8 }, '9 plays the ninth');
    assert.equal(key('0'), null, '0 is not a shortcut');
  });

  it('has replay, label, unclear, accept, confidence, context, help and back keys', () => {
    assert.deepEqual(key('r'), { type: 'replay' }, 'r replays');
    assert.deepEqual(key(' '), { type: 'replay' }, 'Space replays');
    assert.deepEqual(key('w'), { type: 'playClip' }, 'w plays the whole clip');
    assert.deepEqual(key('l'), { type: 'focusLabel' }, 'l focuses the label');
    assert.deepEqual(key('Enter'), { type: 'focusLabel' }, 'Enter focuses the label');
    assert.deepEqual(key('u'), { type: 'unclearAndNext' }, 'u marks unclear and moves on');
    assert.deepEqual(key('a'), { type: 'acceptSuggestion' }, 'a accepts the suggestion');
    assert.deepEqual(key('c'), { type: 'cycleConfidence' }, 'c cycles confidence');
    assert.deepEqual(key('['), { type: 'context', delta: -1 }, '[ shortens the context');
    assert.deepEqual(key(']'), { type: 'context', delta: 1 }, '] lengthens it');
    assert.deepEqual(key('?'), { type: 'help' }, '? opens help');
    assert.deepEqual(key('Escape'), { type: 'back' }, 'Escape outside a field goes back');
    assert.equal(key('x'), null, 'other letters pass through');
  });

  it('never fires while typing in a field, except Escape (and Enter in the label)', () => {
    for (const k of ['j', 'k', '1', 'r', ' ', 'l', 'u', 'a', 'c', '?', 'ArrowDown']) {
      assert.equal(key(k, { inField: true }), null, `${JSON.stringify(k)} types into the field`);
    }
    assert.deepEqual(key('Escape', { inField: true }), { type: 'leaveField' }, 'Escape leaves a field');
    assert.equal(key('Enter', { inField: true }), null, 'Enter in notes is a newline');
    assert.deepEqual(key('Enter', { inField: true, inLabelField: true }), { type: 'leaveField' }, 'Enter in the label commits and leaves');
  });

  it('leaves modified keys to the browser (Ctrl+R reloads, Cmd+K, Alt+1)', () => {
    assert.equal(key('r', { ctrlKey: true }), null, 'Ctrl+R');
    assert.equal(key('k', { metaKey: true }), null, 'Cmd+K');
    assert.equal(key('1', { altKey: true }), null, 'Alt+1');
  });
});

describe('isTextField', () => {
  it('counts text inputs, textareas, selects and contenteditable; not checkboxes or buttons', () => {
    assert.equal(isTextField({ tagName: 'INPUT', type: 'text' }), true, 'text input');
    assert.equal(isTextField({ tagName: 'input', type: 'search' }), true, 'search input');
    assert.equal(isTextField({ tagName: 'TEXTAREA' }), true, 'textarea');
    assert.equal(isTextField({ tagName: 'SELECT' }), true, 'select');
    assert.equal(isTextField({ tagName: 'DIV', isContentEditable: true }), true, 'contenteditable');
    assert.equal(isTextField({ tagName: 'INPUT', type: 'checkbox' }), false, 'checkbox');
    assert.equal(isTextField({ tagName: 'BUTTON' }), false, 'button');
    assert.equal(isTextField(null), false, 'no target');
  });
});
