/**
 * One encoder pass, many steering strengths: the tapped encoder gives the original output and h
 * at the SAE's layer; the splice makes h'_a = h + W_dec((s_a - 1) z(h)) for each scale s_a; the
 * encoder's remaining blocks (encoder-tail.ts) run once on all h'_a as one batch. At the `final`
 * tap h'_a is the steered output itself. Then the original and every steered output are decoded
 * together as one batch (row 0 original, row i scale i - 1).
 */
import { join } from 'node:path';
import { AppError } from '../../common/errors.js';
import type { DecodeOptions, DecodedSequence, WhisperDecoder } from '../../../native-models/decoders/whisper-decoder.js';
import { TappedWhisperEncoder, type LayerTap } from '../../../native-models/encoders/tapped-whisper-encoder.js';
import { WHISPER_ENCODER_ONNX, type WhisperEncoderConfig } from '../../../native-models/encoders/whisper-encoder.js';
import { writeTappedModel } from '../../../native-models/onnx/layer-taps.js';
import { createSession, type ExecutionDevice, type Float32Tensor, type OnnxSession } from '../../../native-models/onnx/runtime.js';
import type { InferenceSelection } from '../../../native-models/sae/inference-graph.js';
import type { SaeWeights } from '../../../native-models/sae/sae-weights.js';
import { writeEncoderTail } from '../../../native-models/steering/encoder-tail.js';
import { createSaeSplice, type SaeSplice } from '../../../native-models/steering/sae-splice.js';

export interface SweepEncoderOptions {
  layer: LayerTap;
  sae: SaeWeights;
  selection: InferenceSelection;
  device?: ExecutionDevice;
  onWarning?: (message: string) => void;
}

export class SweepEncoder {
  readonly #encoder: TappedWhisperEncoder;
  readonly #splice: SaeSplice;
  readonly #tail: OnnxSession | undefined;

  private constructor(
    readonly layer: LayerTap,
    encoder: TappedWhisperEncoder,
    splice: SaeSplice,
    tail: OnnxSession | undefined,
  ) {
    this.#encoder = encoder;
    this.#splice = splice;
    this.#tail = tail;
  }

  static async load(snapshotDir: string, options: SweepEncoderOptions): Promise<SweepEncoder> {
    const sessionOptions = { device: options.device, onWarning: options.onWarning };
    const encoder = await TappedWhisperEncoder.load(snapshotDir, sessionOptions);
    const cleanup: Array<() => Promise<void>> = [() => encoder.dispose()];
    try {
      const tapTensor = encoder.outputName(options.layer);
      if (options.sae.dIn !== encoder.config.dModel) {
        throw new AppError('bad_input', `The SAE reads ${options.sae.dIn}-dimensional activations; this encoder's d_model is ${encoder.config.dModel}.`);
      }
      const splice = await createSaeSplice(options.sae, options.selection, sessionOptions);
      cleanup.push(() => splice.dispose());
      let tail: OnnxSession | undefined;
      if (tapTensor !== encoder.plan.final) {
        const { path } = writeTappedModel(join(snapshotDir, ...WHISPER_ENCODER_ONNX.split('/')));
        tail = await createSession(writeEncoderTail(path, tapTensor, encoder.plan.final), sessionOptions);
      }
      return new SweepEncoder(options.layer, encoder, splice, tail);
    } catch (error) {
      for (const dispose of cleanup.reverse()) await dispose();
      throw error;
    }
  }

  get config(): WhisperEncoderConfig {
    return this.#encoder.config;
  }

  get dSae(): number {
    return this.#splice.dSae;
  }

  /**
   * `features` [1, nMels, 3000] -> [1 + scales.length, 1500, d]: row 0 the original encoder
   * output, row i the output steered with scales[i - 1].
   */
  async encode(features: Float32Tensor, scales: readonly Float32Array[]): Promise<Float32Tensor> {
    if (features.dims[0] !== 1) throw new AppError('internal', 'The sweep encoder takes one window at a time.');
    const taps = await this.#encoder.encode(features, [this.layer, 'final']);
    const original = taps.get('final')!;
    const h = taps.get(this.layer)!;
    const [, frames, d] = original.dims as [number, number, number];
    const rowSize = frames * d;
    const spliced = new Float32Array(scales.length * rowSize);
    for (let i = 0; i < scales.length; i++) spliced.set((await this.#splice.run(h, scales[i]!)).spliced.data, i * rowSize);
    let steered: Float32Array = spliced;
    if (this.#tail !== undefined && scales.length > 0) {
      const out = await this.#tail.run({ [this.#tail.inputNames[0]!]: { dims: [scales.length, frames, d], data: spliced } });
      steered = out[this.#tail.outputNames[0]!]!.data;
    }
    const all = new Float32Array((1 + scales.length) * rowSize);
    all.set(original.data);
    all.set(steered, rowSize);
    return { dims: [1 + scales.length, frames, d], data: all };
  }

  async dispose(): Promise<void> {
    await this.#encoder.dispose();
    await this.#splice.dispose();
    await this.#tail?.dispose();
  }
}

/** Original and every scale's transcript of one window: one encoder pass, one batched decode. */
export async function transcribeSweep(encoder: SweepEncoder, decoder: WhisperDecoder, features: Float32Tensor, scales: readonly Float32Array[], options: DecodeOptions = {}): Promise<DecodedSequence[]> {
  const outputs = await encoder.encode(features, scales);
  return (await decoder.decode(outputs, options)).sequences;
}
