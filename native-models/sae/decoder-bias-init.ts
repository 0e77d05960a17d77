/**
 * b_dec is initialised from the data (Bricken et al. 2023, Gao et al. 2024): the geometric median
 * of a sample of activations (robust to the outlier tokens audio encoders produce), or the mean.
 */
export function meanOfRows(rows: Float32Array, dIn: number): Float32Array {
  const count = rows.length / dIn;
  const sum = new Float64Array(dIn);
  for (let r = 0; r < count; r++) for (let j = 0; j < dIn; j++) sum[j]! += rows[r * dIn + j]!;
  return Float32Array.from(sum, (s) => s / count);
}

/** Weiszfeld's iteration from the mean; stops when the point moves less than `tolerance` (relative). */
export function geometricMedian(rows: Float32Array, dIn: number, maxIterations = 100, tolerance = 1e-6): Float32Array {
  const count = rows.length / dIn;
  let point = Float64Array.from(meanOfRows(rows, dIn));
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const next = new Float64Array(dIn);
    let weightSum = 0;
    for (let r = 0; r < count; r++) {
      let distance = 0;
      for (let j = 0; j < dIn; j++) distance += (rows[r * dIn + j]! - point[j]!) ** 2;
      const weight = 1 / Math.max(Math.sqrt(distance), 1e-12);
      weightSum += weight;
      for (let j = 0; j < dIn; j++) next[j]! += weight * rows[r * dIn + j]!;
    }
    let moved = 0;
    let size = 0;
    for (let j = 0; j < dIn; j++) {
      next[j]! /= weightSum;
      moved += (next[j]! - point[j]!) ** 2;
      size += next[j]! ** 2;
    }
    point = next;
    if (Math.sqrt(moved) <= tolerance * Math.max(Math.sqrt(size), 1e-12)) break;
  }
  return Float32Array.from(point);
}
