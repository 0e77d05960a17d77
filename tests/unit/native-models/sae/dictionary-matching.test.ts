import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cosineMatrix, countMatchedAbove } from '../../../../native-models/sae/dictionary-matching.js';

describe('dictionary matching', () => {
  it('finds the largest one-to-one matching where a greedy pass would stop short', () => {
    // Atom 0 is close to rows 0 and 1, atom 1 only to row 0: greedy (atom 0 takes row 0) matches 1.
    const cosines = Float64Array.from([0.99, 0.95, 0.97, 0.1]);
    assert.equal(countMatchedAbove(cosines, 2, 2, 0.9), 2);
    assert.equal(countMatchedAbove(cosines, 2, 2, 0.98), 1);
  });

  it('computes cosines independent of row norms', () => {
    const a = Float32Array.from([2, 0, 0, 3]);
    const b = Float32Array.from([0, 5, 1, 1]);
    const c = cosineMatrix(a, 2, b, 2, 2);
    assert.deepEqual(Array.from(c, (v) => Number(v.toFixed(6))), [0, Number(Math.SQRT1_2.toFixed(6)), 1, Number(Math.SQRT1_2.toFixed(6))]);
  });
});
