import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { moveIndex, pagesForRange, pagesToEvict, scrollToReveal, virtualWindow } from '../../../renderer/src/lib/virtual-window.js';

describe('virtualWindow', () => {
  it('renders only the visible rows plus overscan at the top of a 100k list', () => {
    const w = virtualWindow({ scrollTop: 0, viewportHeight: 336, rowHeight: 28, total: 100_000, overscan: 10 });
    assert.equal(w.first, 0);
    // 12 visible + 1 partial + 10 overscan below
    assert.equal(w.last, 23);
    assert.equal(w.padTop, 0);
    assert.equal(w.totalHeight, 2_800_000);
    assert.equal(w.padBottom, (100_000 - 23) * 28);
  });

  it('keeps the DOM small anywhere in the list, and spacers + rows add up to the full height', () => {
    for (const scrollTop of [0, 1, 27, 28, 5_000, 1_399_986, 2_799_664, 10_000_000]) {
      const w = virtualWindow({ scrollTop, viewportHeight: 336, rowHeight: 28, total: 100_000, overscan: 10 });
      assert.ok(w.last - w.first <= 34, `rows in DOM at ${scrollTop}: ${w.last - w.first}`);
      assert.equal(w.padTop + (w.last - w.first) * 28 + w.padBottom, w.totalHeight);
      const firstVisible = Math.floor(Math.min(scrollTop, w.totalHeight - 336) / 28);
      assert.ok(w.first <= firstVisible && w.last >= Math.min(100_000, firstVisible + 12), `window covers the view at ${scrollTop}`);
    }
  });

  it('clamps a scroll position past the end (the list shrank under a filter)', () => {
    const w = virtualWindow({ scrollTop: 1_000_000, viewportHeight: 280, rowHeight: 28, total: 30, overscan: 5 });
    assert.equal(w.last, 30);
    assert.equal(w.first, 15);
  });

  it('shows every row of a short list and nothing of an empty one', () => {
    assert.deepEqual(virtualWindow({ scrollTop: 0, viewportHeight: 500, rowHeight: 28, total: 5 }), {
      first: 0,
      last: 5,
      padTop: 0,
      padBottom: 0,
      totalHeight: 140,
    });
    const empty = virtualWindow({ scrollTop: 40, viewportHeight: 500, rowHeight: 28, total: 0 });
    assert.equal(empty.last - empty.first, 0);
  });
});

describe('pagesForRange', () => {
  it('names the server pages a row range falls in', () => {
    assert.deepEqual(pagesForRange(0, 23, 200), [0]);
    assert.deepEqual(pagesForRange(190, 215, 200), [0, 1]);
    assert.deepEqual(pagesForRange(99_990, 100_000, 200), [499]);
    assert.deepEqual(pagesForRange(10, 10, 200), []);
  });
});

describe('scrollToReveal', () => {
  it('scrolls only when the row would leave the viewport', () => {
    assert.equal(scrollToReveal(5, 0, 280, 28), null);
    assert.equal(scrollToReveal(10, 0, 280, 28), 28); // row 10 ends at 308 > 280
    assert.equal(scrollToReveal(3, 200, 280, 28), 84);
  });
});

describe('moveIndex', () => {
  it('moves and clamps the selection; starts at the first or last row', () => {
    assert.equal(moveIndex(null, 1, 10), 0);
    assert.equal(moveIndex(null, -1, 10), 9);
    assert.equal(moveIndex(4, 1, 10), 5);
    assert.equal(moveIndex(9, 1, 10), 9);
    assert.equal(moveIndex(2, -20, 10), 0);
    assert.equal(moveIndex(0, 1, 0), -1);
  });
});

describe('pagesToEvict', () => {
  it('drops the pages farthest from view beyond the limit, never the ones in view', () => {
    assert.deepEqual(pagesToEvict([0, 1, 2], [1], 5), []);
    const evicted = pagesToEvict([0, 1, 2, 3, 50, 51], [50, 51], 4);
    assert.deepEqual(evicted.sort((a, b) => a - b), [0, 1]);
  });
});
