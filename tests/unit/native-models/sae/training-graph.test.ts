import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../../../../native-models/common/seeded-random.js';
import { createSession } from '../../../../native-models/onnx/runtime.js';
import { initialSaeWeights } from '../../../../native-models/sae/sae-weights.js';
import { buildTrainingGraph, PARAMETER_NAMES } from '../../../../native-models/sae/training-graph.js';
import { referenceDecode, referenceCodes, referenceLoss, referencePre, type ReferenceParams } from './reference-sae.js';

const dIn = 6;
const dSae = 12;
const k = 3;
const rows = 5;

function tinyCase(seed: number) {
  const random = new SeededRandom(seed);
  const weights = initialSaeWeights(dIn, dSae, seed);
  // Perturb away from the tied initialisation so every parameter's gradient is generic.
  for (const tensor of [weights.W_enc, weights.b_enc, weights.b_dec]) for (let i = 0; i < tensor.length; i++) tensor[i]! += 0.3 * random.normal();
  const x = random.normals(rows * dIn, 1);
  return { weights, x };
}

function toReference(weights: Record<(typeof PARAMETER_NAMES)[number], Float32Array>): ReferenceParams {
  return { W_enc: Float64Array.from(weights.W_enc), b_enc: Float64Array.from(weights.b_enc), W_dec: Float64Array.from(weights.W_dec), b_dec: Float64Array.from(weights.b_dec) };
}

const shapes = { W_enc: [dIn, dSae], b_enc: [dSae], W_dec: [dSae, dIn], b_dec: [dIn] } as const;

const variants = [
  { selection: 'row_topk', decode: 'sparse' },
  { selection: 'row_topk', decode: 'dense' },
  { selection: 'batch_topk', decode: 'dense' },
] as const;

for (const { selection, decode } of variants) {
  for (const withAux of [false, true]) {
    describe(`SAE training graph (${selection}, ${decode} decode${withAux ? ', aux-k loss' : ''})`, () => {
      it('gradients match central finite differences of a float64 reference', async () => {
        const { weights, x } = tinyCase(selection === 'row_topk' ? 11 : 12);
        const auxK = 4;
        const auxCoefficient = 0.5;
        const dead = Float64Array.from({ length: dSae }, (_, i) => (i % 2 === 0 ? 1 : 0));
        const session = await createSession(buildTrainingGraph({ dIn, dSae, k, selection, auxK: withAux ? auxK : 0, auxCoefficient, adamBeta1: 0.9, adamBeta2: 0.999, adamEpsilon: 1e-8, decode, gradientsOnly: true }));
        try {
          const feeds: Record<string, { dims: readonly number[]; data: Float32Array }> = { x: { dims: [rows, dIn], data: x } };
          for (const name of PARAMETER_NAMES) feeds[name] = { dims: shapes[name], data: weights[name] };
          if (withAux) feeds['dead'] = { dims: [dSae], data: Float32Array.from(dead) };
          const out = await session.run(feeds);

          const base = toReference(weights);
          const x64 = Float64Array.from(x);
          const xHat = referenceDecode(referenceCodes(referencePre(x64, base, dIn, dSae), rows, dSae, k, selection), base, dIn, dSae);
          const residual = x64.map((v, i) => v - xHat[i]!);
          const options = { dIn, dSae, k, selection, ...(withAux ? { dead, auxK, auxCoefficient, residual } : {}) };
          const loss = referenceLoss(x64, base, options);
          if (withAux) assert.ok(out['aux_loss']!.data[0]! > 0, 'the aux-k loss takes part');
          assert.ok(Math.abs(out['loss']!.data[0]! - loss) <= 1e-5 * Math.max(1, loss), `graph loss ${out['loss']!.data[0]} vs reference ${loss}`);

          const epsilon = 1e-5;
          for (const name of PARAMETER_NAMES) {
            const graphGradient = out[`grad_${name}`]!.data;
            const scale = Math.max(1e-3, ...Array.from(graphGradient, Math.abs));
            for (let i = 0; i < graphGradient.length; i++) {
              const plus = toReference(weights);
              const minus = toReference(weights);
              plus[name][i]! += epsilon;
              minus[name][i]! -= epsilon;
              const numeric = (referenceLoss(x64, plus, options) - referenceLoss(x64, minus, options)) / (2 * epsilon);
              assert.ok(Math.abs(numeric - graphGradient[i]!) <= 2e-4 * scale, `d loss / d ${name}[${i}]: graph ${graphGradient[i]}, finite difference ${numeric}`);
            }
          }
        } finally {
          await session.dispose();
        }
      });
    });
  }
}
