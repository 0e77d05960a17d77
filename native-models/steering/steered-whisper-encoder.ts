/**
 * A Whisper encoder with an SAE spliced in at one layer. One encoder pass (layer taps) gives the
 * original encoder output and the layer's hidden state h; the splice makes h', and the encoder's
 * remaining blocks (a tail model, encoder-tail.ts) run on h'. At the `final` tap h' is the steered
 * encoder output itself, so original and steered cost one encoder pass plus the splice.
 * Both outputs can then be decoded as one batch of two (`transcribeOriginalAndSteered`).
 */
import { join } from 'node:path';
import { AppError } from '../../electron/common/errors.js';
import type { DecodeOptions, DecodedSequence, WhisperDecoder } from '../decoders/whisper-decoder.js';
import { TappedWhisperEncoder, type LayerTap } from '../encoders/tapped-whisper-encoder.js';
import { WHISPER_ENCODER_ONNX, type WhisperEncoderConfig } from '../encoders/whisper-encoder.js';
import { writeTappedModel } from '../onnx/layer-taps.js';
import { createSession, type ExecutionDevice, type Float32Tensor, type OnnxSession } from '../onnx/runtime.js';
import type { InferenceSelection } from '../sae/inference-graph.js';
import type { SaeWeights } from '../sae/sae-weights.js';
import { writeEncoderTail } from './encoder-tail.js';
import { createSaeSplice, type SaeSplice } from './sae-splice.js';

export interface SteeredEncoding {
  /** The unspliced encoder output [B, 1500, d]. */
  original: Float32Tensor;
  /** The encoder output with h' at the splice layer [B, 1500, d]. */
  steered: Float32Tensor;
  /** h at the splice layer. */
  layerOriginal: Float32Tensor;
  /** h' = h + W_dec((s - 1) z(h)). */
  layerSteered: Float32Tensor;
  /** Mean code per SAE feature over the window [dSae]. */
  meanCodes: Float32Array;
}

export interface SteeredWhisperEncoderOptions {
  layer: LayerTap;
  sae: SaeWeights;
  selection: InferenceSelection;
  device?: ExecutionDevice;
  intraOpThreads?: number;
  onWarning?: (message: string) => void;
}

export class SteeredWhisperEncoder {
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

  static async load(snapshotDir: string, options: SteeredWhisperEncoderOptions): Promise<SteeredWhisperEncoder> {
    const sessionOptions = { device: options.device, intraOpThreads: options.intraOpThreads, onWarning: options.onWarning };
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
      if (options.layer !== 'final' && tapTensor !== encoder.plan.final) {
        const { path } = writeTappedModel(join(snapshotDir, ...WHISPER_ENCODER_ONNX.split('/')));
        tail = await createSession(writeEncoderTail(path, tapTensor, encoder.plan.final), sessionOptions);
      }
      return new SteeredWhisperEncoder(options.layer, encoder, splice, tail);
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

  /** One encoder pass; `scale` [dSae] is s (all ones reproduces the original). */
  async encode(features: Float32Tensor, scale: Float32Array): Promise<SteeredEncoding> {
    const taps = await this.#encoder.encode(features, [this.layer, 'final']);
    const original = taps.get('final')!;
    const layerOriginal = taps.get(this.layer)!;
    const { spliced: layerSteered, meanCodes } = await this.#splice.run(layerOriginal, scale);
    let steered = layerSteered;
    if (this.#tail !== undefined) {
      const inputName = this.#tail.inputNames[0]!;
      const outputs = await this.#tail.run({ [inputName]: layerSteered });
      steered = outputs[this.#tail.outputNames[0]!]!;
    }
    return { original, steered, layerOriginal, layerSteered, meanCodes };
  }

  /**
   * One encoder pass, many steering strengths: `features` [1, nMels, frames] -> [1 + scales.length,
   * T, d], row 0 the original encoder output and row i the output steered with scales[i - 1]. The
   * encoder's remaining blocks run once on all spliced h' as one batch.
   */
  async encodeSweep(features: Float32Tensor, scales: readonly Float32Array[]): Promise<Float32Tensor> {
    if (features.dims[0] !== 1) throw new AppError('internal', 'A steering sweep takes one window at a time.');
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

export interface OriginalAndSteered {
  original: DecodedSequence[];
  steered: DecodedSequence[];
  encoding: SteeredEncoding;
}

/** One encoder pass, then original and steered outputs decoded together as one batch. */
export async function transcribeOriginalAndSteered(
  encoder: SteeredWhisperEncoder,
  decoder: WhisperDecoder,
  features: Float32Tensor,
  scale: Float32Array,
  options: DecodeOptions = {},
): Promise<OriginalAndSteered> {
  const encoding = await encoder.encode(features, scale);
  const { original, steered } = encoding;
  const batch = original.dims[0]!;
  const both = new Float32Array(original.data.length + steered.data.length);
  both.set(original.data);
  both.set(steered.data, original.data.length);
  const { sequences } = await decoder.decode({ dims: [2 * batch, original.dims[1]!, original.dims[2]!], data: both }, options);
  return { original: sequences.slice(0, batch), steered: sequences.slice(batch), encoding };
}

/** Original and every scale's transcript of one window: one encoder pass, one batched decode (row 0 original). */
export async function transcribeSweep(encoder: SteeredWhisperEncoder, decoder: WhisperDecoder, features: Float32Tensor, scales: readonly Float32Array[], options: DecodeOptions = {}): Promise<DecodedSequence[]> {
  return (await decoder.decode(await encoder.encodeSweep(features, scales), options)).sequences;
}
