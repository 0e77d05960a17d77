/**
 * A Whisper encoder whose graph was rewritten (layer-taps.ts) so that one forward pass returns
 * every layer's residual stream: input_features [B, nMels, 3000] -> layer N [B, 1500, dModel].
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../electron/common/errors.js';
import { writeTappedModel, type LayerTapPlan } from '../onnx/layer-taps.js';
import { createSession, type ExecutionDevice, type Float32Tensor, type OnnxSession } from '../onnx/runtime.js';
import { WHISPER_ENCODER_ONNX, readWhisperEncoderConfig, type WhisperEncoderConfig } from './whisper-encoder.js';

/** A layer number (0 = input to block 1) or the encoder output after its final LayerNorm. */
export type LayerTap = number | 'final';

const INPUT_FRAMES = 3000;

export class TappedWhisperEncoder {
  static readonly FRAME_RATE_HZ = 50;
  static readonly WINDOW_SEC = 30;
  readonly #session: OnnxSession;

  private constructor(
    readonly config: WhisperEncoderConfig,
    readonly plan: LayerTapPlan,
    session: OnnxSession,
  ) {
    this.#session = session;
  }

  /** Writes (or reuses) `encoder_model.taps.onnx` next to the snapshot's encoder and opens it. */
  static async load(snapshotDir: string, options: { device?: ExecutionDevice; onWarning?: (message: string) => void; intraOpThreads?: number } = {}): Promise<TappedWhisperEncoder> {
    const config = readWhisperEncoderConfig(snapshotDir);
    const onnxPath = join(snapshotDir, ...WHISPER_ENCODER_ONNX.split('/'));
    if (!existsSync(onnxPath)) throw new AppError('not_found', `${snapshotDir} has no ${WHISPER_ENCODER_ONNX}; download the model first.`);
    const { path, plan } = writeTappedModel(onnxPath);
    if (plan.layers.length !== config.layers + 1) {
      throw new AppError('bad_input', `${onnxPath}: found ${plan.layers.length - 1} transformer blocks, but config.json says encoder_layers = ${config.layers}.`);
    }
    const session = await createSession(path, { device: options.device, onWarning: options.onWarning, intraOpThreads: options.intraOpThreads });
    return new TappedWhisperEncoder(config, plan, session);
  }

  get device(): ExecutionDevice {
    return this.#session.device;
  }

  /** Every tap this model has: 0..layers, then 'final'. */
  get taps(): LayerTap[] {
    return [...this.plan.layers.keys(), 'final'];
  }

  outputName(tap: LayerTap): string {
    if (tap === 'final') return this.plan.final;
    const name = this.plan.layers[tap];
    if (name === undefined) throw new AppError('bad_input', `Layer ${tap} does not exist: this encoder has layers 0..${this.plan.layers.length - 1}.`);
    return name;
  }

  /** Runs the encoder once and returns the requested taps, each [B, 1500, dModel]. */
  async encode(features: Float32Tensor, taps: readonly LayerTap[]): Promise<Map<LayerTap, Float32Tensor>> {
    const [batch, nMels, frames] = features.dims;
    if (features.dims.length !== 3 || nMels !== this.config.nMels || frames !== INPUT_FRAMES || !batch) {
      throw new AppError('bad_input', `Whisper encoder input must be [batch, ${this.config.nMels}, ${INPUT_FRAMES}]; got [${features.dims.join(', ')}].`);
    }
    const names = [...new Set(taps.map((t) => this.outputName(t)))];
    const outputs = await this.#session.run({ input_features: features }, names);
    return new Map(taps.map((t) => [t, outputs[this.outputName(t)]!]));
  }

  async dispose(): Promise<void> {
    await this.#session.dispose();
  }
}
