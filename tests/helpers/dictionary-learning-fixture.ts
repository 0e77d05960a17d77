/** dictionary_learning checkpoints for tests: random weights in its layout, its forward pass transcribed, and an ae.pt + config.json folder written by the stdlib-Python torch.save writer. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRandom } from '../../native-models/common/seeded-random.js';
import { writeTorchCheckpoint, type TensorSpec } from './torch-checkpoint-writer.js';

export const DL_D_IN = 8;
const dIn = DL_D_IN;
export const DL_D_SAE = 32;
const dSae = DL_D_SAE;
export const DL_K = 4;
const k = DL_K;

export interface DlWeights {
  encoderWeight: Float32Array; // [dSae, dIn]
  encoderBias: Float32Array;
  decoderWeight: Float32Array; // [dIn, dSae]
  bDec: Float32Array;
  threshold: number;
}

export function randomDl(seed: number, threshold: number): DlWeights {
  const r = new SeededRandom(seed);
  const fill = (n: number, s: number) => Float32Array.from({ length: n }, () => Math.fround(r.normal() * s));
  return { encoderWeight: fill(dSae * dIn, 0.5), encoderBias: fill(dSae, 0.1), decoderWeight: fill(dIn * dSae, 0.3), bDec: fill(dIn, 0.2), threshold };
}

/** dictionary_learning's forward, transcribed: f = relu(encoder(x - b_dec)); select; x̂ = decoder(f) + b_dec. */
export function dictionaryLearningForward(w: DlWeights, x: Float32Array, dictClass: 'BatchTopKSAE' | 'AutoEncoderTopK'): Float64Array {
  const rows = x.length / dIn;
  const out = new Float64Array(rows * dIn);
  for (let b = 0; b < rows; b++) {
    const f = new Float64Array(dSae);
    for (let i = 0; i < dSae; i++) {
      let s = w.encoderBias[i]!;
      for (let j = 0; j < dIn; j++) s += w.encoderWeight[i * dIn + j]! * (x[b * dIn + j]! - w.bDec[j]!);
      f[i] = Math.max(0, s);
    }
    if (dictClass === 'BatchTopKSAE') {
      for (let i = 0; i < dSae; i++) if (!(f[i]! > w.threshold)) f[i] = 0;
    } else {
      const kth = Array.from(f).sort((p, q) => q - p)[k - 1]!;
      for (let i = 0; i < dSae; i++) if (f[i]! < kth) f[i] = 0;
    }
    for (let j = 0; j < dIn; j++) {
      let s = w.bDec[j]!;
      for (let i = 0; i < dSae; i++) s += w.decoderWeight[j * dSae + i]! * f[i]!;
      out[b * dIn + j] = s;
    }
  }
  return out;
}

export function writeDictionaryLearningFolder(folder: string, w: DlWeights, dictClass: string, options: { layer?: number; half?: boolean } = {}): void {
  mkdirSync(folder, { recursive: true });
  const dtype = options.half ? 'float16' : 'float32';
  const tensors: TensorSpec[] = [
    { name: 'k', dtype: 'int32', shape: [], values: [k] },
    { name: 'threshold', dtype: 'float32', shape: [], values: [w.threshold] },
    // dictionary_learning initialises the decoder as the encoder's transpose (a strided view until saved).
    { name: 'decoder.weight', dtype, shape: [dIn, dSae], values: w.decoderWeight, layout: 'transposed' },
    { name: 'encoder.weight', dtype, shape: [dSae, dIn], values: w.encoderWeight },
    { name: 'encoder.bias', dtype, shape: [dSae], values: w.encoderBias, layout: 'offset' },
    { name: 'b_dec', dtype, shape: [dIn], values: w.bDec },
  ];
  writeTorchCheckpoint(join(folder, 'ae.pt'), tensors);
  const trainer = { trainer_class: 'BatchTopKTrainer', dict_class: dictClass, activation_dim: dIn, dict_size: dSae, k, layer: options.layer ?? 3, lm_name: 'openai/whisper-small', seed: 7 };
  writeFileSync(join(folder, 'config.json'), JSON.stringify({ trainer, buffer: { d_submodule: dIn } }));
}

