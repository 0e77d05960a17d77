/**
 * A straightforward float64 SAE forward pass and loss in plain JS, the reference the ONNX training
 * graph is checked against. Nothing here is optimised; every formula is the textbook one.
 */
export interface ReferenceParams {
  W_enc: Float64Array; // [dIn, dSae]
  b_enc: Float64Array;
  W_dec: Float64Array; // [dSae, dIn]
  b_dec: Float64Array;
}

export interface ReferenceOptions {
  dIn: number;
  dSae: number;
  k: number;
  selection: 'row_topk' | 'batch_topk';
  /** 1 = dead; omit for no aux loss. */
  dead?: Float64Array;
  auxK?: number;
  auxCoefficient?: number;
  /** The aux loss's target (x - x̂ at the unperturbed parameters: the residual is a constant). */
  residual?: Float64Array;
}

export function referencePre(x: Float64Array, p: ReferenceParams, dIn: number, dSae: number): Float64Array {
  const rows = x.length / dIn;
  const pre = new Float64Array(rows * dSae);
  for (let b = 0; b < rows; b++) {
    for (let i = 0; i < dSae; i++) {
      let sum = p.b_enc[i]!;
      for (let j = 0; j < dIn; j++) sum += (x[b * dIn + j]! - p.b_dec[j]!) * p.W_enc[j * dSae + i]!;
      pre[b * dSae + i] = sum;
    }
  }
  return pre;
}

function kthLargest(values: ArrayLike<number>, k: number): number {
  return Array.from(values).sort((a, b) => b - a)[k - 1]!;
}

export function referenceCodes(pre: Float64Array, rows: number, dSae: number, k: number, selection: 'row_topk' | 'batch_topk'): Float64Array {
  const z = new Float64Array(pre.length);
  const batchThreshold = selection === 'batch_topk' ? kthLargest(pre, k * rows) : 0;
  for (let b = 0; b < rows; b++) {
    const row = pre.subarray(b * dSae, (b + 1) * dSae);
    const threshold = selection === 'row_topk' ? kthLargest(row, k) : batchThreshold;
    for (let i = 0; i < dSae; i++) if (row[i]! > 0 && row[i]! >= threshold) z[b * dSae + i] = row[i]!;
  }
  return z;
}

export function referenceDecode(z: Float64Array, p: ReferenceParams, dIn: number, dSae: number, withBias = true): Float64Array {
  const rows = z.length / dSae;
  const out = new Float64Array(rows * dIn);
  for (let b = 0; b < rows; b++) {
    for (let j = 0; j < dIn; j++) {
      let sum = withBias ? p.b_dec[j]! : 0;
      for (let i = 0; i < dSae; i++) sum += z[b * dSae + i]! * p.W_dec[i * dIn + j]!;
      out[b * dIn + j] = sum;
    }
  }
  return out;
}

export function referenceLoss(x: Float64Array, p: ReferenceParams, o: ReferenceOptions): number {
  const rows = x.length / o.dIn;
  const pre = referencePre(x, p, o.dIn, o.dSae);
  const xHat = referenceDecode(referenceCodes(pre, rows, o.dSae, o.k, o.selection), p, o.dIn, o.dSae);
  let squared = 0;
  for (let i = 0; i < x.length; i++) squared += (xHat[i]! - x[i]!) ** 2;
  let loss = squared / rows;
  if (o.dead !== undefined && o.residual !== undefined) {
    const auxK = Math.min(o.auxK ?? 0, o.dSae);
    const zAux = new Float64Array(pre.length);
    for (let b = 0; b < rows; b++) {
      const deadPre = Array.from({ length: o.dSae }, (_, i) => (o.dead![i] === 1 ? pre[b * o.dSae + i]! : -1e30));
      const threshold = kthLargest(deadPre, auxK);
      for (let i = 0; i < o.dSae; i++) if (o.dead[i] === 1 && pre[b * o.dSae + i]! > 0 && pre[b * o.dSae + i]! >= threshold) zAux[b * o.dSae + i] = pre[b * o.dSae + i]!;
    }
    const eHat = referenceDecode(zAux, p, o.dIn, o.dSae, false);
    const r = o.residual;
    let diff = 0;
    for (let i = 0; i < r.length; i++) diff += (eHat[i]! - r[i]!) ** 2;
    loss += ((o.auxCoefficient ?? 0) * diff) / centeredSquares(r, o.dIn);
  }
  return loss;
}

/** Σ‖v - mean(v)‖² over rows of width `width`. */
export function centeredSquares(values: ArrayLike<number>, width: number): number {
  const rows = values.length / width;
  let total = 0;
  for (let j = 0; j < width; j++) {
    let mean = 0;
    for (let b = 0; b < rows; b++) mean += values[b * width + j]!;
    mean /= rows;
    for (let b = 0; b < rows; b++) total += (values[b * width + j]! - mean) ** 2;
  }
  return total;
}
