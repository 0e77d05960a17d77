/**
 * Cosine similarity of every pair of decoder directions of two SAEs (rows of W_dec, [dSae, dIn]):
 * rows are normalised here, then one ONNX Gemm (A · Bᵀ) per block of A's rows. At 6144 x 768 x
 * 6144 this is ~29 GFLOP: seconds on ONNX Runtime's CPU kernels, minutes in a plain JS loop.
 */
import { AppError } from '../../../common/errors.js';
import { GraphBuilder, intAttr } from '../../../../native-models/onnx/graph-builder.js';
import { createSession, type ExecutionDevice } from '../../../../native-models/onnx/runtime.js';

export interface SimilarityMatrix {
  /** Row-major [rows, columns]. */
  values: Float32Array;
  rows: number;
  columns: number;
}

const BLOCK_ROWS = 1024;

export function unitRows(matrix: Float32Array, rows: number, width: number): Float32Array {
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < width; c++) sum += matrix[r * width + c]! ** 2;
    const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let c = 0; c < width; c++) out[r * width + c] = matrix[r * width + c]! * scale;
  }
  return out;
}

function buildGraph(width: number, columns: number): Uint8Array {
  const g = new GraphBuilder('decoder_cosines');
  const a = g.input('a', ['rows', width]);
  const b = g.input('b', [columns, width]);
  g.node('Gemm', [a, b], ['cosines'], { transB: intAttr(1) });
  g.output('cosines');
  return g.toBytes();
}

/** Cosines of rows of A [aRows, width] against rows of B [bRows, width]; zero rows give 0. */
export async function decoderCosines(a: Float32Array, aRows: number, b: Float32Array, bRows: number, width: number, device?: ExecutionDevice): Promise<SimilarityMatrix> {
  if (a.length !== aRows * width || b.length !== bRows * width) {
    throw new AppError('bad_input', `Decoder matrices do not match their shapes (${aRows} x ${width} and ${bRows} x ${width}).`);
  }
  const unitA = unitRows(a, aRows, width);
  const unitB = unitRows(b, bRows, width);
  const values = new Float32Array(aRows * bRows);
  const session = await createSession(buildGraph(width, bRows), { device });
  try {
    for (let start = 0; start < aRows; start += BLOCK_ROWS) {
      const end = Math.min(aRows, start + BLOCK_ROWS);
      const out = await session.run({ a: { dims: [end - start, width], data: unitA.subarray(start * width, end * width) }, b: { dims: [bRows, width], data: unitB } });
      values.set(out['cosines']!.data, start * bRows);
    }
  } finally {
    await session.dispose();
  }
  return { values, rows: aRows, columns: bRows };
}
