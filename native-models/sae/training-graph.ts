/**
 * One SAE training step as an ONNX graph: forward, loss, gradients written out by hand (ONNX
 * Runtime for Node has no autograd), the decoder-gradient projection, Adam and the decoder-row
 * renormalisation. The same graph runs on the CPU (MLAS) or CUDA.
 *
 * Forward:  pre = (x - b_dec) W_enc + b_enc;  z = pre · mask;  x̂ = z W_dec + b_dec
 *   mask = pre > 0 and pre >= the k-th largest of its row (TopK) or the (k·B)-th largest of the
 *   whole batch (BatchTopK). Writing the selection as a mask keeps one formula for both and makes
 *   z, dpre and the gradients plain GEMMs.
 * Loss:     mse = Σ‖x̂ - x‖² / B (SAELens' sum over features, mean over tokens)
 *   + aux-k (Gao et al. 2024): the auxK largest dead latents reconstruct the (constant) residual
 *     r = x - x̂; aux = c · Σ‖ê - r‖² / Σ‖r - mean(r)‖².
 * Backward: dx̂ = 2e/B;  dW_dec = zᵀ dx̂;  dz = dx̂ W_decᵀ;  dpre = dz · mask;  dW_enc = (x - b_dec)ᵀ dpre;
 *   db_enc = Σ_b dpre;  db_dec = Σ_b dx̂ - W_enc db_enc.
 *
 * TopK uses the sparse form by default (`sparseTopKCodes`): no dense [B, dSae] code or dpre tensor,
 * the decode and dz from the k gathered decoder rows, and both weight gradients as scatter-adds of
 * outer products. ORT's kernel profile on the 2-core dev machine (B=4096, d=768, D=6144, k=64,
 * loaded by other work): encoder GEMM ~390 ms, gathering the k rows ([B,k,d], 805 MB) ~350 ms,
 * building each [B,k,d] outer product ~100 ms and scattering it ~120 ms, TopK ~100 ms, the two
 * batched MatMuls ~65 ms each. Everything past the encoder is memory traffic over B·k·d values,
 * which ORT's stock kernels cannot fuse; this is why a CPU step stays well above 2x the encoder
 * GEMM (see tests/bench/sae-train.bench.ts). BatchTopK keeps the dense form: its flattened TopK
 * over B·D values is the largest single cost and its rows have no fixed number of active latents.
 */
import { GraphBuilder, intAttr } from '../onnx/graph-builder.js';

export interface TrainingGraphOptions {
  dIn: number;
  dSae: number;
  k: number;
  selection: 'row_topk' | 'batch_topk';
  /** 0 leaves the aux-k loss out of the graph (used while no latent is dead). */
  auxK: number;
  auxCoefficient: number;
  adamBeta1: number;
  adamBeta2: number;
  adamEpsilon: number;
  /**
   * TopK only: 'sparse' decodes from the k gathered decoder rows (batched MatMul) and scatters the
   * k code gradients, instead of materialising a dense masked z for two extra GEMMs. Default sparse.
   */
  decode?: 'sparse' | 'dense';
  /** Outputs loss and raw gradients and leaves the optimizer out (finite-difference tests). */
  gradientsOnly?: boolean;
}

export const PARAMETER_NAMES = ['W_enc', 'b_enc', 'W_dec', 'b_dec'] as const;
export type ParameterName = (typeof PARAMETER_NAMES)[number];

/** Metrics every step graph outputs: float32 scalars, and `fired` [dSae] (tokens each latent fired on; L0 = Σ fired / B). */
export const METRIC_OUTPUTS = ['mse', 'aux_loss', 'squared_error', 'total_variance', 'min_active', 'fired'] as const;

const HUGE = 1e30;

export function buildTrainingGraph(options: TrainingGraphOptions): Uint8Array {
  const { dIn, dSae, k } = options;
  const g = new GraphBuilder('sae_train_step');
  const x = g.input('x', ['batch', dIn]);
  const wEnc = g.input('W_enc', [dIn, dSae]);
  const bEnc = g.input('b_enc', [dSae]);
  const wDec = g.input('W_dec', [dSae, dIn]);
  const bDec = g.input('b_dec', [dIn]);
  const useAux = options.auxK > 0;
  const dead = useAux ? g.input('dead', [dSae]) : '';

  const axis0 = g.int64s('axes_0', [0]);
  const zero = lazyConstant(g, 'zero', 0);
  const batch = g.op('Gather', [g.op('Shape', [x]), g.int64s('index_0', [0], [])], { axis: 0 });
  const batchFloat = g.op('Cast', [batch], { to: intAttr(1) });

  // Forward.
  const xc = g.op('Sub', [x, bDec], {}, '/encode/center');
  const pre = g.op('Add', [g.op('MatMul', [xc, wEnc], {}, '/encode/MatMul'), bEnc], {}, '/encode/pre');
  const tinyPositive = lazyConstant(g, 'tiny_positive', 1.1754944e-38);
  const sparse = options.selection === 'row_topk' && (options.decode ?? 'sparse') === 'sparse';
  const codes = sparse ? sparseTopKCodes(g, pre, wDec, k, dSae, dIn) : denseMaskedCodes(g, pre, wDec, k, options.selection, batch, tinyPositive);
  const xHat = g.op('Add', [codes.decode, bDec], {}, '/decode/x_hat');
  const error = g.op('Sub', [xHat, x]);
  const squaredError = g.op('ReduceSum', [g.op('Mul', [error, error])], { keepdims: 0 });
  const mse = g.op('Div', [squaredError, batchFloat]);
  const centered = g.op('Sub', [x, g.op('ReduceMean', [x], { axes: [0], keepdims: 1 })]);
  const totalVariance = g.op('ReduceSum', [g.op('Mul', [centered, centered])], { keepdims: 0 });
  const dXHat = g.op('Mul', [error, g.op('Div', [g.floats('two', [2], []), batchFloat])]);

  // Backward: the aux-k loss contributes a dense dpre (masked to dead latents) and a decoder gradient.
  let dPreAux: string | undefined;
  let gradWDecAux: string | undefined;
  let auxLoss: string | undefined;

  if (useAux) {
    const deadBool = g.op('Cast', [dead], { to: intAttr(9) });
    const residual = g.op('Neg', [error]);
    const deadPre = g.op('Where', [deadBool, pre, g.floats('minus_huge', [-HUGE], [])]);
    const auxKept = selectionThreshold(g, deadPre, Math.min(options.auxK, dSae), 'row_topk', batch, 'aux_select');
    const auxMask = g.op('Mul', [dead, g.op('Cast', [g.op('GreaterOrEqual', [pre, g.op('Max', [auxKept, tinyPositive()])])], { to: intAttr(1) })]);
    const zAux = g.op('Mul', [pre, auxMask]);
    const auxDiff = g.op('Sub', [g.op('MatMul', [zAux, wDec], {}, '/aux/decode'), residual]);
    const residualCentered = g.op('Sub', [residual, g.op('ReduceMean', [residual], { axes: [0], keepdims: 1 })]);
    const residualVariance = g.op('Add', [g.op('ReduceSum', [g.op('Mul', [residualCentered, residualCentered])], { keepdims: 0 }), g.floats('tiny', [1e-12], [])]);
    const coefficient = g.floats('aux_coefficient', [options.auxCoefficient], []);
    auxLoss = g.op('Div', [g.op('Mul', [coefficient, g.op('ReduceSum', [g.op('Mul', [auxDiff, auxDiff])], { keepdims: 0 })]), residualVariance]);
    const dAux = g.op('Mul', [auxDiff, g.op('Div', [g.op('Mul', [g.floats('two_aux', [2], []), coefficient]), residualVariance])]);
    dPreAux = g.op('Mul', [g.op('Gemm', [dAux, wDec], { transB: 1 }, '/grad/aux_dz'), auxMask]);
    gradWDecAux = g.op('Gemm', [zAux, dAux], { transA: 1 }, '/grad/aux_W_dec');
  }

  const backward = codes.backward(dXHat, xc, dPreAux);
  const gradWEnc = backward.gradWEnc;
  const gradBEnc = backward.gradBEnc;
  const gradWDec = gradWDecAux === undefined ? backward.gradWDec : g.op('Add', [backward.gradWDec, gradWDecAux]);
  const gradBDec = g.op('Sub', [g.op('ReduceSum', [dXHat, axis0], { keepdims: 0 }), g.op('MatMul', [wEnc, gradBEnc])]);

  const fired = codes.fired;
  const metrics: Record<(typeof METRIC_OUTPUTS)[number], string> = {
    mse,
    aux_loss: auxLoss ?? zero(),
    squared_error: squaredError,
    total_variance: totalVariance,
    fired,
    // BatchTopK's smallest kept activation is its batch threshold; TopK needs none.
    min_active: codes.minActive ?? zero(),
  };
  for (const [name, tensor] of Object.entries(metrics)) namedOutput(g, tensor, name);

  const gradients: Record<ParameterName, string> = { W_enc: gradWEnc, b_enc: gradBEnc, W_dec: gradWDec, b_dec: gradBDec };
  if (options.gradientsOnly === true) {
    namedOutput(g, auxLoss === undefined ? mse : g.op('Add', [mse, auxLoss]), 'loss');
    for (const name of PARAMETER_NAMES) namedOutput(g, gradients[name], `grad_${name}`);
    return g.toBytes();
  }

  const axis1 = g.int64s('axes_1', [1]);
  // Unit-norm decoder rows: drop the gradient component parallel to each row.
  gradients.W_dec = g.op('Sub', [gradWDec, g.op('Mul', [g.op('ReduceSum', [g.op('Mul', [gradWDec, wDec]), axis1], { keepdims: 1 }), wDec])], {}, '/grad/W_dec_orthogonal');

  const lr = g.input('lr', []);
  const correction1 = g.input('bias_correction1', []);
  const correction2 = g.input('bias_correction2', []);
  const beta1 = g.floats('beta1', [options.adamBeta1], []);
  const oneMinusBeta1 = g.floats('one_minus_beta1', [1 - options.adamBeta1], []);
  const beta2 = g.floats('beta2', [options.adamBeta2], []);
  const oneMinusBeta2 = g.floats('one_minus_beta2', [1 - options.adamBeta2], []);
  const epsilon = g.floats('epsilon', [options.adamEpsilon], []);
  const parameters: Record<ParameterName, string> = { W_enc: wEnc, b_enc: bEnc, W_dec: wDec, b_dec: bDec };
  const shapes: Record<ParameterName, number[]> = { W_enc: [dIn, dSae], b_enc: [dSae], W_dec: [dSae, dIn], b_dec: [dIn] };
  for (const name of PARAMETER_NAMES) {
    const m = g.input(`m_${name}`, shapes[name]);
    const v = g.input(`v_${name}`, shapes[name]);
    const gradient = gradients[name];
    const mNext = g.op('Add', [g.op('Mul', [m, beta1]), g.op('Mul', [gradient, oneMinusBeta1])], {}, `/adam/${name}/m`);
    const vNext = g.op('Add', [g.op('Mul', [v, beta2]), g.op('Mul', [g.op('Mul', [gradient, gradient]), oneMinusBeta2])], {}, `/adam/${name}/v`);
    const denominator = g.op('Add', [g.op('Sqrt', [g.op('Div', [vNext, correction2])]), epsilon]);
    const update = g.op('Mul', [g.op('Div', [g.op('Div', [mNext, correction1]), denominator]), lr]);
    let next = g.op('Sub', [parameters[name], update], {}, `/adam/${name}/next`);
    if (name === 'W_dec') {
      const norm = g.op('Sqrt', [g.op('ReduceSum', [g.op('Mul', [next, next]), axis1], { keepdims: 1 })]);
      next = g.op('Div', [next, norm], {}, '/adam/W_dec/unit_norm');
    }
    namedOutput(g, next, `next_${name}`);
    namedOutput(g, mNext, `next_m_${name}`);
    namedOutput(g, vNext, `next_v_${name}`);
  }
  return g.toBytes();
}

/**
 * The smallest kept value: the k-th largest per row ([B,1]) or the (k·B)-th largest of the whole
 * batch (a scalar). TopK unsorted plus ReduceMin is cheaper than a sorted TopK.
 */
export function selectionThreshold(g: GraphBuilder, pre: string, k: number, selection: 'row_topk' | 'batch_topk', batch: string, prefix: string): string {
  if (selection === 'row_topk') {
    const [values] = g.node('TopK', [pre, g.int64s(`${prefix}_k`, [k])], 2, { axis: -1, largest: 1, sorted: 0 }, { name: `/${prefix}/TopK` });
    return g.op('ReduceMin', [values!], { axes: [-1], keepdims: 1 });
  }
  const flat = g.op('Reshape', [pre, g.int64s(`${prefix}_flat_shape`, [-1])]);
  const count = g.op('Mul', [g.op('Unsqueeze', [batch, g.int64s(`${prefix}_unsqueeze_axis`, [0])]), g.int64s(`${prefix}_k`, [k])]);
  const [values] = g.node('TopK', [flat, count], 2, { axis: -1, largest: 1, sorted: 0 }, { name: `/${prefix}/BatchTopK` });
  return g.op('ReduceMin', [values!], { keepdims: 0 });
}

interface Codes {
  /** z W_dec without the bias, [B, dIn]. */
  decode: string;
  /** Tokens each latent fired on in this batch, [dSae]. */
  fired: string;
  /** BatchTopK: the batch threshold (smallest kept activation). */
  minActive?: string;
  /**
   * Gradients of W_enc, b_enc and W_dec from dx̂ (and the centred input xc); `extraDPre` is a dense
   * [B, dSae] dpre added to the code's own (the aux-k loss's).
   */
  backward(dXHat: string, xc: string, extraDPre: string | undefined): { gradWEnc: string; gradBEnc: string; gradWDec: string };
}

/** z = pre · mask as a dense [B, dSae] tensor; decode and gradients are GEMMs. */
function denseMaskedCodes(g: GraphBuilder, pre: string, wDec: string, k: number, selection: 'row_topk' | 'batch_topk', batch: string, tinyPositive: () => string): Codes {
  const kept = selectionThreshold(g, pre, k, selection, batch, 'select');
  // pre > 0 and pre >= kept in one pass: pre >= max(kept, smallest normal float).
  const mask = g.op('Cast', [g.op('GreaterOrEqual', [pre, g.op('Max', [kept, tinyPositive()])])], { to: intAttr(1) });
  const z = g.op('Mul', [pre, mask], {}, '/encode/z');
  return {
    decode: g.op('MatMul', [z, wDec], {}, '/decode/MatMul'),
    fired: g.op('ReduceSum', [mask, g.int64s('fired_axes', [0])], { keepdims: 0 }),
    // BatchTopK's smallest kept activation is its batch threshold; TopK needs none.
    ...(selection === 'batch_topk' ? { minActive: g.op('Max', [kept, g.floats('zero_min_active', [0], [])]) } : {}),
    backward: (dXHat, xc, extraDPre) => {
      const own = g.op('Mul', [g.op('Gemm', [dXHat, wDec], { transB: 1 }, '/grad/dz'), mask]);
      const dPre = extraDPre === undefined ? own : g.op('Add', [own, extraDPre]);
      return {
        gradWEnc: g.op('Gemm', [xc, dPre], { transA: 1 }, '/grad/W_enc'),
        gradBEnc: g.op('ReduceSum', [dPre, g.int64s('grad_b_enc_axes', [0])], { keepdims: 0 }),
        gradWDec: g.op('Gemm', [z, dXHat], { transA: 1 }, '/grad/W_dec'),
      };
    },
  };
}

/**
 * TopK with the k active latents kept as (values, indices) [B, k]: x̂ = z_k · W_dec[idx] (Gather +
 * batched MatMul), dz_k = W_dec[idx] · dx̂. The weight gradients are scatter-adds of the B·k outer
 * products into [dSae, dIn] (dW_dec[j] = Σ z_bj dx̂_b, dW_encᵀ[j] = Σ dpre_bj xc_b): on the 2-core
 * dev machine (B=4096, d=768, D=6144, k=64) ~150 ms each against ~260 ms for scattering z into
 * [B, D] and a dense GEMM. No dense [B, D] code tensor exists in this path.
 */
function sparseTopKCodes(g: GraphBuilder, pre: string, wDec: string, k: number, dSae: number, dIn: number): Codes {
  const [values, indices] = g.node('TopK', [pre, g.int64s('select_k', [k])], 2, { axis: -1, largest: 1, sorted: 0 }, { name: '/select/TopK' });
  const active = g.op('Cast', [g.op('Greater', [values!, g.floats('zero_sparse', [0], [])])], { to: intAttr(1) });
  const zK = g.op('Mul', [values!, active], {}, '/encode/z_k');
  const rows = g.op('Gather', [wDec, indices!], { axis: 0 }, '/decode/gather_rows'); // [B, k, dIn]
  const decode = g.op('Squeeze', [g.op('MatMul', [g.op('Unsqueeze', [zK, g.int64s('axis_1a', [1])]), rows], {}, '/decode/MatMul'), g.int64s('axis_1b', [1])]);
  const flatIndices = g.op('Unsqueeze', [g.op('Reshape', [indices!, g.int64s('flat_indices', [-1])]), g.int64s('axis_1c', [1])]); // [B·k, 1]
  const firedZeros = g.op('ConstantOfShape', [g.int64s('d_sae_shape', [dSae])]);
  const fired = g.op('ScatterND', [firedZeros, flatIndices, g.op('Reshape', [active, g.int64s('flat_active', [-1])])], { reduction: 'add' });
  const weightShape = g.int64s('d_sae_by_d_in', [dSae, dIn]);
  const outerRows = g.int64s('outer_rows', [-1, dIn]);
  /** Σ over the batch of coefficient[b, j] · vector[b] into row idx[b, j] of a [dSae, dIn] matrix. */
  const scatterOuter = (coefficients: string, vectors: string, name: string): string => {
    const outer = g.op('Mul', [g.op('Unsqueeze', [coefficients, g.int64s(`${name}_axis_2`, [2])]), g.op('Unsqueeze', [vectors, g.int64s(`${name}_axis_1`, [1])])]);
    return g.op('ScatterND', [g.op('ConstantOfShape', [weightShape]), flatIndices, g.op('Reshape', [outer, outerRows])], { reduction: 'add' }, `/grad/${name}`);
  };
  return {
    decode,
    fired,
    backward: (dXHat, xc, extraDPre) => {
      const dzK = g.op('Squeeze', [g.op('MatMul', [rows, g.op('Unsqueeze', [dXHat, g.int64s('axis_2a', [2])])], {}, '/grad/dz_k'), g.int64s('axis_2b', [2])]);
      const dPreK = g.op('Mul', [dzK, active], {}, '/grad/dpre_k');
      let gradWEnc = g.op('Transpose', [scatterOuter(dPreK, xc, 'W_enc_sparse')], { perm: [1, 0] });
      let gradBEnc = g.op('ScatterND', [firedZeros, flatIndices, g.op('Reshape', [dPreK, g.int64s('flat_dpre', [-1])])], { reduction: 'add' }, '/grad/b_enc_sparse');
      if (extraDPre !== undefined) {
        gradWEnc = g.op('Add', [gradWEnc, g.op('Gemm', [xc, extraDPre], { transA: 1 }, '/grad/W_enc_extra')]);
        gradBEnc = g.op('Add', [gradBEnc, g.op('ReduceSum', [extraDPre, g.int64s('extra_b_enc_axes', [0])], { keepdims: 0 })]);
      }
      return { gradWEnc, gradBEnc, gradWDec: scatterOuter(zK, dXHat, 'W_dec_sparse') };
    },
  };
}

/** A float scalar constant added on first use (ORT warns about unused initializers). */
function lazyConstant(g: GraphBuilder, name: string, value: number): () => string {
  return () => (g.has(name) ? name : g.floats(name, [value], []));
}

function namedOutput(g: GraphBuilder, tensor: string, name: string): void {
  g.node('Identity', [tensor], [name], {}, { name: `/out/${name}` });
  g.output(name);
}
