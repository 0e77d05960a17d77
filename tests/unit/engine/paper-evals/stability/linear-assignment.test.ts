import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linearAssignment } from '../../../../../electron/engine/paper-evals/stability/linear-assignment.js';
import { SeededRandom } from '../../../../../native-models/common/seeded-random.js';

/** Best total over every injective map of the smaller side into the larger (exhaustive). */
function bruteForceBest(matrix: Float64Array, rows: number, columns: number, maximize: boolean): number {
  const small = Math.min(rows, columns);
  const large = Math.max(rows, columns);
  const at = (s: number, l: number) => (rows <= columns ? matrix[s * columns + l]! : matrix[l * columns + s]!);
  let best = maximize ? -Infinity : Infinity;
  const used = new Uint8Array(large);
  const walk = (s: number, total: number) => {
    if (s === small) {
      best = maximize ? Math.max(best, total) : Math.min(best, total);
      return;
    }
    for (let l = 0; l < large; l++) {
      if (used[l]) continue;
      used[l] = 1;
      walk(s + 1, total + at(s, l));
      used[l] = 0;
    }
  };
  walk(0, 0);
  return best;
}

function checkOneToOne(rowToColumn: Int32Array, columnToRow: Int32Array, rows: number, columns: number): void {
  let matched = 0;
  for (let i = 0; i < rows; i++) {
    const j = rowToColumn[i]!;
    if (j === -1) continue;
    matched++;
    assert.equal(columnToRow[j], i);
  }
  assert.equal(matched, Math.min(rows, columns));
}

describe('linearAssignment', () => {
  it('matches brute force on random square and rectangular matrices, minimising and maximising', () => {
    const random = new SeededRandom(11);
    for (let trial = 0; trial < 300; trial++) {
      const rows = 1 + Math.floor(random.uniform() * 7);
      const columns = 1 + Math.floor(random.uniform() * 7);
      // Coarse integer entries provoke ties; the others are continuous.
      const integer = trial % 3 === 0;
      const matrix = Float64Array.from({ length: rows * columns }, () => (integer ? Math.floor(random.uniform() * 4) : random.normal()));
      for (const maximize of [false, true]) {
        const result = linearAssignment(matrix, rows, columns, { maximize });
        checkOneToOne(result.rowToColumn, result.columnToRow, rows, columns);
        let total = 0;
        for (let i = 0; i < rows; i++) if (result.rowToColumn[i] !== -1) total += matrix[i * columns + result.rowToColumn[i]!]!;
        assert.ok(Math.abs(total - result.total) < 1e-9);
        assert.ok(Math.abs(total - bruteForceBest(matrix, rows, columns, maximize)) < 1e-9, `trial ${trial} ${rows}x${columns} maximize=${maximize}`);
      }
    }
  });

  it('square (augmenting row reduction) agrees with the rectangular path on larger matrices with ties', () => {
    const random = new SeededRandom(17);
    for (let trial = 0; trial < 40; trial++) {
      const n = 20 + Math.floor(random.uniform() * 60);
      const square = Float64Array.from({ length: n * n }, () => (trial % 2 === 0 ? Math.floor(random.uniform() * 5) : random.normal()));
      // One extra, prohibitively expensive column: the rectangular solver must leave it unused.
      const padded = new Float64Array(n * (n + 1));
      for (let i = 0; i < n; i++) {
        padded.set(square.subarray(i * n, (i + 1) * n), i * (n + 1));
        padded[i * (n + 1) + n] = 1e6;
      }
      const a = linearAssignment(square, n, n);
      const b = linearAssignment(padded, n, n + 1);
      assert.ok(Math.abs(a.total - b.total) < 1e-9, `trial ${trial} n ${n}: ${a.total} vs ${b.total}`);
      assert.equal(b.columnToRow[n], -1);
    }
  });

  it('recovers a planted permutation from a noisy similarity matrix', () => {
    const random = new SeededRandom(3);
    const n = 300;
    const permutation = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random.uniform() * (i + 1));
      [permutation[i], permutation[j]] = [permutation[j]!, permutation[i]!];
    }
    const matrix = new Float32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) matrix[i * n + j] = 0.3 * random.normal() + (permutation[i] === j ? 2 : 0);
    const { rowToColumn } = linearAssignment(matrix, n, n, { maximize: true });
    assert.deepEqual(Array.from(rowToColumn), Array.from(permutation));
  });

  it('refuses a matrix of the wrong size or with non-finite entries', () => {
    assert.throws(() => linearAssignment(new Float64Array(5), 2, 3), /expected 2 x 3/);
    assert.throws(() => linearAssignment(Float64Array.from([0, NaN, 1, 2]), 2, 2), /not finite/);
  });
});
