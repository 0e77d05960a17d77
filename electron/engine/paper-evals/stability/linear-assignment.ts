/**
 * Optimal one-to-one assignment on a dense matrix (the linear sum assignment problem): shortest
 * augmenting paths with dual variables (Jonker-Volgenant; the rectangular form of Crouse 2016,
 * as in SciPy's linear_sum_assignment). O(n^3) worst case; a row-reduction start assigns most
 * rows of a near-permutation matrix for free, and on square matrices JV's augmenting row
 * reduction settles most of the rest cheaply, so only a few rows run Dijkstra.
 *
 * Rectangular matrices: the smaller side is matched fully (every row when rows <= columns, else
 * every column), the rest of the larger side stays unmatched.
 */
import { AppError } from '../../../common/errors.js';

export interface AssignmentOptions {
  /** Maximise the total (similarities) instead of minimising it (costs). */
  maximize?: boolean;
}

export interface Assignment {
  /** Column of each row, -1 for a row left unmatched (only when rows > columns). */
  rowToColumn: Int32Array;
  /** Row of each column, -1 for a column left unmatched. */
  columnToRow: Int32Array;
  /** Sum of the matrix entries of the matched pairs. */
  total: number;
}

/** `matrix` is row-major [rows, columns]; entries must be finite. */
export function linearAssignment(matrix: Float32Array | Float64Array, rows: number, columns: number, options: AssignmentOptions = {}): Assignment {
  if (matrix.length !== rows * columns) throw new AppError('bad_input', `Assignment matrix holds ${matrix.length} values, expected ${rows} x ${columns}.`);
  const transposed = rows > columns;
  // Solve with n <= m: the n side is matched fully; strides read the transpose without copying.
  const n = transposed ? columns : rows;
  const m = transposed ? rows : columns;
  const rowStride = transposed ? 1 : columns;
  const columnStride = transposed ? columns : 1;
  const sign = options.maximize ? -1 : 1;
  const cost = (i: number, j: number) => sign * matrix[i * rowStride + j * columnStride]!;

  const u = new Float64Array(n);
  const v = new Float64Array(m);
  const columnOfRow = new Int32Array(n).fill(-1);
  const rowOfColumn = new Int32Array(m).fill(-1);

  // Row reduction: u_i = min_j c_ij keeps every reduced cost >= 0 with v = 0; a row whose
  // cheapest column is still free takes it (a tight pair).
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let bestColumn = -1;
    for (let j = 0; j < m; j++) {
      const c = cost(i, j);
      if (!Number.isFinite(c)) throw new AppError('bad_input', `Assignment matrix entry (${transposed ? j : i}, ${transposed ? i : j}) is not finite.`);
      if (c < best) {
        best = c;
        bestColumn = j;
      }
    }
    u[i] = best;
    if (rowOfColumn[bestColumn] === -1) {
      rowOfColumn[bestColumn] = i;
      columnOfRow[i] = bestColumn;
    }
  }

  // Augmenting row reduction leaves v unconstrained in sign, which only the square problem allows.
  if (n === m) {
    const costs = { matrix, rowStride, columnStride, sign };
    for (let pass = 0; pass < 2; pass++) augmentingRowReduction(costs, n, v, columnOfRow, rowOfColumn);
    for (let i = 0; i < n; i++) {
      let best = Infinity;
      for (let j = 0; j < m; j++) {
        const reduced = sign * matrix[i * rowStride + j * columnStride]! - v[j]!;
        if (reduced < best) best = reduced;
      }
      u[i] = best;
    }
  }

  const shortest = new Float64Array(m);
  const path = new Int32Array(m);
  const remaining = new Int32Array(m);
  const visitedColumns = new Int32Array(m);
  const visitedRows = new Int32Array(n);
  for (let start = 0; start < n; start++) {
    if (columnOfRow[start] !== -1) continue;
    shortest.fill(Infinity);
    for (let j = 0; j < m; j++) remaining[j] = m - 1 - j;
    let remainingCount = m;
    let visitedColumnCount = 0;
    let visitedRowCount = 0;
    let minVal = 0;
    let sink = -1;
    let i = start;
    while (sink === -1) {
      visitedRows[visitedRowCount++] = i;
      const offset = minVal - u[i]!;
      const rowBase = i * rowStride;
      let lowest = Infinity;
      let lowestAt = -1;
      for (let it = 0; it < remainingCount; it++) {
        const j = remaining[it]!;
        const reduced = offset + sign * matrix[rowBase + j * columnStride]! - v[j]!;
        if (reduced < shortest[j]!) {
          path[j] = i;
          shortest[j] = reduced;
        }
        const s = shortest[j]!;
        if (s < lowest || (s === lowest && rowOfColumn[j] === -1)) {
          lowest = s;
          lowestAt = it;
        }
      }
      minVal = lowest;
      const j = remaining[lowestAt]!;
      visitedColumns[visitedColumnCount++] = j;
      if (rowOfColumn[j] === -1) sink = j;
      else i = rowOfColumn[j]!;
      remaining[lowestAt] = remaining[--remainingCount]!;
    }
    u[start]! += minVal;
    for (let r = 1; r < visitedRowCount; r++) {
      const row = visitedRows[r]!;
      u[row]! += minVal - shortest[columnOfRow[row]!]!;
    }
    for (let c = 0; c < visitedColumnCount; c++) {
      const column = visitedColumns[c]!;
      v[column]! -= minVal - shortest[column]!;
    }
    for (let j = sink; ; ) {
      const row = path[j]!;
      rowOfColumn[j] = row;
      const previous = columnOfRow[row]!;
      columnOfRow[row] = j;
      if (row === start) break;
      j = previous;
    }
  }

  let total = 0;
  for (let i = 0; i < n; i++) total += sign * cost(i, columnOfRow[i]!);
  return transposed
    ? { rowToColumn: rowOfColumn, columnToRow: columnOfRow, total }
    : { rowToColumn: columnOfRow, columnToRow: rowOfColumn, total };
}

interface Costs {
  matrix: Float32Array | Float64Array;
  rowStride: number;
  columnStride: number;
  sign: number;
}

/**
 * Jonker-Volgenant's augmenting row reduction (square matrices): each free row takes the column
 * of its smallest reduced cost c_ij - v_j, lowering that column's v_j until its second-smallest
 * ties, and evicts the column's previous row, which is retried. Every assigned row stays on a
 * column of minimal reduced cost, so u_i = min_j (c_ij - v_j) afterwards gives feasible, tight
 * duals for the shortest-augmenting-path phase. Cheap rounds that settle most rows at random.
 */
function augmentingRowReduction({ matrix, rowStride, columnStride, sign }: Costs, n: number, v: Float64Array, columnOfRow: Int32Array, rowOfColumn: Int32Array): void {
  const free: number[] = [];
  for (let i = 0; i < n; i++) if (columnOfRow[i] === -1) free.push(i);
  const freeCount = free.length;
  let current = 0;
  let nextFree = 0;
  let rounds = 0;
  while (current < freeCount) {
    rounds++;
    const row = free[current++]!;
    const rowBase = row * rowStride;
    let j1 = 0;
    let v1 = sign * matrix[rowBase]! - v[0]!;
    let j2 = -1;
    let v2 = Infinity;
    for (let j = 1; j < n; j++) {
      const c = sign * matrix[rowBase + j * columnStride]! - v[j]!;
      if (c < v2) {
        if (c >= v1) {
          v2 = c;
          j2 = j;
        } else {
          v2 = v1;
          v1 = c;
          j2 = j1;
          j1 = j;
        }
      }
    }
    let evicted = rowOfColumn[j1]!;
    const lowered = v[j1]! - (v2 - v1);
    const lowers = j2 >= 0 && lowered < v[j1]!;
    // Evicted rows are retried at once when v fell, else on the next call; the bound on rounds
    // stops cycling between tied columns (as in the original).
    if (rounds < current * n) {
      if (lowers) v[j1] = lowered;
      else if (evicted >= 0 && j2 >= 0) {
        j1 = j2;
        evicted = rowOfColumn[j2]!;
      }
      if (evicted >= 0) {
        columnOfRow[evicted] = -1;
        if (lowers) free[--current] = evicted;
        else free[nextFree++] = evicted;
      }
    } else if (evicted >= 0) {
      columnOfRow[evicted] = -1;
      free[nextFree++] = evicted;
    }
    columnOfRow[row] = j1;
    rowOfColumn[j1] = row;
  }
}
