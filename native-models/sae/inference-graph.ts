/**
 * SAE inference as an ONNX graph: codes and reconstruction of a batch. Weights are graph inputs,
 * so one session serves any SAE of the same shape. Selection: the k largest per row (TopK) or a
 * per-latent threshold (BatchTopK's learned threshold, SAELens JumpReLU): z = pre · (pre > max(0, θ)).
 */
import { createSession, type ExecutionDevice, type OnnxSession } from '../onnx/runtime.js';
import { GraphBuilder, intAttr } from '../onnx/graph-builder.js';
import type { SaeWeights } from './sae-weights.js';
import { selectionThreshold } from './training-graph.js';

export type InferenceSelection = { kind: 'row_topk'; k: number } | { kind: 'threshold' };

/**
 * Declares the SAE weight inputs (W_enc, b_enc, W_dec, b_dec; `threshold` for threshold selection)
 * and computes the codes of `x` [rows, dIn]; the codes tensor is named `codesName` when given.
 * Shared by the inference graph and the steering splice.
 */
export function saeCodes(g: GraphBuilder, x: string, dIn: number, dSae: number, selection: InferenceSelection, codesName?: string): { codes: string; wDec: string; bDec: string } {
  const wEnc = g.input('W_enc', [dIn, dSae]);
  const bEnc = g.input('b_enc', [dSae]);
  const wDec = g.input('W_dec', [dSae, dIn]);
  const bDec = g.input('b_dec', [dIn]);
  const zero = g.floats('zero', [0], []);
  const pre = g.op('Add', [g.op('MatMul', [g.op('Sub', [x, bDec]), wEnc]), bEnc]);
  let mask: string;
  if (selection.kind === 'row_topk') {
    const rows = g.op('Gather', [g.op('Shape', [x]), g.int64s('index_0', [0], [])], { axis: 0 });
    mask = g.op('And', [g.op('Greater', [pre, zero]), g.op('GreaterOrEqual', [pre, selectionThreshold(g, pre, selection.k, 'row_topk', rows, 'select')])]);
  } else {
    const threshold = g.input('threshold', [dSae]);
    mask = g.op('Greater', [pre, g.op('Max', [threshold, zero])]);
  }
  const inputs = [pre, g.op('Cast', [mask], { to: intAttr(1) })];
  const codes = codesName === undefined ? g.op('Mul', inputs) : (g.node('Mul', inputs, [codesName]), codesName);
  return { codes, wDec, bDec };
}

export function buildInferenceGraph(dIn: number, dSae: number, selection: InferenceSelection): Uint8Array {
  const g = new GraphBuilder('sae_inference');
  const x = g.input('x', ['batch', dIn]);
  const { wDec, bDec } = saeCodes(g, x, dIn, dSae, selection, 'codes');
  g.node('Add', [g.op('MatMul', ['codes', wDec]), bDec], ['reconstruction']);
  g.output('codes');
  g.output('reconstruction');
  return g.toBytes();
}

export interface SaeEncoder {
  /** Codes [rows, dSae] and reconstruction [rows, dIn] of a row-major batch. */
  run(x: Float32Array): Promise<{ codes: Float32Array; reconstruction: Float32Array }>;
  dispose(): Promise<void>;
}

export async function createSaeEncoder(weights: SaeWeights, selection: InferenceSelection, device?: ExecutionDevice): Promise<SaeEncoder> {
  const { dIn, dSae } = weights;
  const session: OnnxSession = await createSession(buildInferenceGraph(dIn, dSae, selection), { device });
  const feeds = {
    W_enc: { dims: [dIn, dSae], data: weights.W_enc },
    b_enc: { dims: [dSae], data: weights.b_enc },
    W_dec: { dims: [dSae, dIn], data: weights.W_dec },
    b_dec: { dims: [dIn], data: weights.b_dec },
    ...(selection.kind === 'threshold' ? { threshold: { dims: [dSae], data: weights.threshold } } : {}),
  };
  return {
    async run(x) {
      const out = await session.run({ ...feeds, x: { dims: [x.length / dIn, dIn], data: x } });
      return { codes: out['codes']!.data, reconstruction: out['reconstruction']!.data };
    },
    dispose: () => session.dispose(),
  };
}

/** How an SAE trained (or imported) as `config` selects latents at inference. */
export function inferenceSelectionFor(inferenceSelection: 'row_topk' | 'threshold', k: number): InferenceSelection {
  return inferenceSelection === 'row_topk' ? { kind: 'row_topk', k } : { kind: 'threshold' };
}
