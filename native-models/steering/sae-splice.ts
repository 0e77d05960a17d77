/**
 * The SAE splice as an ONNX graph: h' = h + W_dec((s - 1) ⊙ z(h)), the SAE's error term kept, so
 * s = 1 returns h exactly ((s - 1) z is 0, and h + 0 = h in floating point). z is the SAE's
 * inference code, selected as in sae/inference-graph.ts (row TopK or per-latent threshold).
 * Also returns each latent's mean code over the rows (the live feature meter).
 */
import { AppError } from '../../electron/common/errors.js';
import { createSession, type ExecutionDevice, type Float32Tensor, type OnnxSession } from '../onnx/runtime.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
import { saeCodes, type InferenceSelection } from '../sae/inference-graph.js';
import type { SaeWeights } from '../sae/sae-weights.js';

export function buildSpliceGraph(dIn: number, dSae: number, selection: InferenceSelection): Uint8Array {
  const g = new GraphBuilder('sae_splice');
  const h = g.input('h', ['rows', dIn]);
  const scale = g.input('scale', [dSae]);
  const { codes, wDec } = saeCodes(g, h, dIn, dSae, selection);
  const change = g.op('Mul', [codes, g.op('Sub', [scale, g.floats('one', [1], [])])]);
  g.node('Add', [h, g.op('MatMul', [change, wDec])], ['spliced']);
  g.node('ReduceMean', [codes], ['mean_codes'], { axes: [0], keepdims: 0 });
  g.output('spliced');
  g.output('mean_codes');
  return g.toBytes();
}

export interface SpliceResult {
  /** h' with h's dims. */
  spliced: Float32Tensor;
  /** Mean code of each latent over all rows [dSae]. */
  meanCodes: Float32Array;
}

export interface SaeSplice {
  readonly dIn: number;
  readonly dSae: number;
  /** h [..., dIn] (any leading dims), scale [dSae]. */
  run(h: Float32Tensor, scale: Float32Array): Promise<SpliceResult>;
  dispose(): Promise<void>;
}

export async function createSaeSplice(weights: SaeWeights, selection: InferenceSelection, options: { device?: ExecutionDevice; intraOpThreads?: number } = {}): Promise<SaeSplice> {
  const { dIn, dSae } = weights;
  const session: OnnxSession = await createSession(buildSpliceGraph(dIn, dSae, selection), options);
  const feeds = {
    W_enc: { dims: [dIn, dSae], data: weights.W_enc },
    b_enc: { dims: [dSae], data: weights.b_enc },
    W_dec: { dims: [dSae, dIn], data: weights.W_dec },
    b_dec: { dims: [dIn], data: weights.b_dec },
    ...(selection.kind === 'threshold' ? { threshold: { dims: [dSae], data: weights.threshold } } : {}),
  };
  return {
    dIn,
    dSae,
    async run(h, scale) {
      if (h.dims[h.dims.length - 1] !== dIn || h.data.length % dIn !== 0) {
        throw new AppError('bad_input', `The SAE splice takes hidden states [..., ${dIn}]; got [${h.dims.join(', ')}].`);
      }
      if (scale.length !== dSae) throw new AppError('bad_input', `The steering scale has ${scale.length} values; this SAE has ${dSae} features.`);
      const out = await session.run({ ...feeds, h: { dims: [h.data.length / dIn, dIn], data: h.data }, scale: { dims: [dSae], data: scale } });
      return { spliced: { dims: h.dims, data: out['spliced']!.data }, meanCodes: out['mean_codes']!.data };
    },
    dispose: () => session.dispose(),
  };
}

/** s for "scale `features` by `factor`, leave the rest": the paper's steering is factor = -alpha. */
export function steeringScale(dSae: number, features: readonly number[], factor: number): Float32Array {
  const scale = new Float32Array(dSae).fill(1);
  for (const feature of features) {
    if (!Number.isInteger(feature) || feature < 0 || feature >= dSae) throw new AppError('bad_input', `Feature ${feature} does not exist: this SAE has features 0..${dSae - 1}.`);
    scale[feature] = factor;
  }
  return scale;
}
