/**
 * Matching an SAE's decoder rows to a reference dictionary (planted atoms, another seed's SAE).
 * `countMatchedAbove` is exact: the largest one-to-one matching among pairs whose cosine exceeds
 * the threshold (Kuhn's augmenting paths), so no greedy-order artefact can over- or under-count.
 */
export function cosineMatrix(a: Float32Array, aRows: number, b: Float32Array, bRows: number, width: number): Float64Array {
  const norms = (m: Float32Array, rows: number) =>
    Float64Array.from({ length: rows }, (_, r) => {
      let s = 0;
      for (let c = 0; c < width; c++) s += m[r * width + c]! ** 2;
      return Math.sqrt(s) || 1;
    });
  const na = norms(a, aRows);
  const nb = norms(b, bRows);
  const out = new Float64Array(aRows * bRows);
  for (let i = 0; i < aRows; i++) {
    for (let j = 0; j < bRows; j++) {
      let s = 0;
      for (let c = 0; c < width; c++) s += a[i * width + c]! * b[j * width + c]!;
      out[i * bRows + j] = s / (na[i]! * nb[j]!);
    }
  }
  return out;
}

/** Size of a maximum one-to-one matching of rows of A to rows of B with cosine > threshold. */
export function countMatchedAbove(cosines: Float64Array, aRows: number, bRows: number, threshold: number): number {
  const candidates = Array.from({ length: aRows }, (_, i) => {
    const list: number[] = [];
    for (let j = 0; j < bRows; j++) if (cosines[i * bRows + j]! > threshold) list.push(j);
    return list;
  });
  const owner = new Int32Array(bRows).fill(-1);
  let matched = 0;
  for (let i = 0; i < aRows; i++) {
    const seen = new Uint8Array(bRows);
    if (augment(i, seen)) matched++;
  }
  return matched;

  function augment(i: number, seen: Uint8Array): boolean {
    for (const j of candidates[i]!) {
      if (seen[j] === 1) continue;
      seen[j] = 1;
      if (owner[j] === -1 || augment(owner[j]!, seen)) {
        owner[j] = i;
        return true;
      }
    }
    return false;
  }
}
