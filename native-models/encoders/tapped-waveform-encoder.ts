/**
 * HuBERT / wav2vec2 / WavLM encoders from a Hub snapshot (Xenova layout: config.json,
 * preprocessor_config.json, onnx/model.onnx), with every layer tapped:
 * input_values [1, samples] (normalized per window when do_normalize) -> layer N [1, frames, hidden].
 * The conv feature extractor gives one frame per 320 samples (50 Hz) with a 400-sample receptive
 * field: frame f covers samples [320 f, 320 f + 400).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../electron/common/errors.js';
import { parseWaveformFrontendConfig, waveformInput, type WaveformFrontendConfig } from '../frontends/waveform-normalize.js';
import { writeTappedModel, type LayerTapPlan } from '../onnx/layer-taps.js';
import { createSession, type ExecutionDevice, type Float32Tensor, type OnnxSession } from '../onnx/runtime.js';

export const WAVEFORM_MODEL_TYPES = ['hubert', 'wav2vec2', 'wavlm'] as const;
export type WaveformModelType = (typeof WAVEFORM_MODEL_TYPES)[number];
export const WAVEFORM_ENCODER_ONNX = 'onnx/model.onnx';

export interface WaveformEncoderConfig {
  modelType: WaveformModelType;
  hidden: number;
  layers: number;
  convKernels: number[];
  convStrides: number[];
  /** do_stable_layer_norm: pre-LN blocks with a final LayerNorm. */
  stableLayerNorm: boolean;
  frontend: WaveformFrontendConfig;
}

const positiveInt = z.number().int().positive();
const configSchema = z.object({
  model_type: z.enum(WAVEFORM_MODEL_TYPES),
  hidden_size: positiveInt,
  num_hidden_layers: positiveInt,
  conv_kernel: z.array(positiveInt).min(1),
  conv_stride: z.array(positiveInt).min(1),
  do_stable_layer_norm: z.boolean().default(false),
});

function readJson(path: string, what: string): unknown {
  if (!existsSync(path)) throw new AppError('not_found', `${what} is missing (${path}); download the repo's config files first.`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new AppError('bad_input', `${what} is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
}

export function readWaveformEncoderConfig(snapshotDir: string): WaveformEncoderConfig {
  const raw = readJson(join(snapshotDir, 'config.json'), 'config.json');
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new AppError('bad_input', `${snapshotDir}: config.json is not a HuBERT / wav2vec2 / WavLM encoder config (${fields}).`);
  }
  const c = parsed.data;
  if (c.conv_kernel.length !== c.conv_stride.length) throw new AppError('bad_input', `${snapshotDir}: conv_kernel and conv_stride differ in length.`);
  const preprocessorPath = join(snapshotDir, 'preprocessor_config.json');
  const frontend = parseWaveformFrontendConfig(existsSync(preprocessorPath) ? readJson(preprocessorPath, 'preprocessor_config.json') : {});
  if (frontend.sampleRate !== 16000) throw new AppError('bad_input', `${snapshotDir}: sampling_rate ${frontend.sampleRate} is not supported (16000 only).`);
  return {
    modelType: c.model_type,
    hidden: c.hidden_size,
    layers: c.num_hidden_layers,
    convKernels: c.conv_kernel,
    convStrides: c.conv_stride,
    stableLayerNorm: c.do_stable_layer_norm,
    frontend,
  };
}

export class TappedWaveformEncoder {
  static readonly FRAME_RATE_HZ = 50;
  readonly #session: OnnxSession;

  private constructor(
    readonly config: WaveformEncoderConfig,
    readonly plan: LayerTapPlan,
    session: OnnxSession,
  ) {
    this.#session = session;
  }

  static async load(snapshotDir: string, options: { device?: ExecutionDevice; onWarning?: (message: string) => void } = {}): Promise<TappedWaveformEncoder> {
    const config = readWaveformEncoderConfig(snapshotDir);
    const onnxPath = join(snapshotDir, ...WAVEFORM_ENCODER_ONNX.split('/'));
    if (!existsSync(onnxPath)) throw new AppError('not_found', `${snapshotDir} has no ${WAVEFORM_ENCODER_ONNX}; download the model first.`);
    const { path, plan } = writeTappedModel(onnxPath);
    if (plan.layers.length !== config.layers + 1) {
      throw new AppError('bad_input', `${onnxPath}: found ${plan.layers.length - 1} transformer blocks, but config.json says num_hidden_layers = ${config.layers}.`);
    }
    const session = await createSession(path, options);
    return new TappedWaveformEncoder(config, plan, session);
  }

  get device(): ExecutionDevice {
    return this.#session.device;
  }

  /** Output frames for `samples` input samples (0 when shorter than the receptive field). */
  framesFor(samples: number): number {
    let length = samples;
    for (let i = 0; i < this.config.convKernels.length; i++) {
      length = Math.floor((length - this.config.convKernels[i]!) / this.config.convStrides[i]!) + 1;
      if (length <= 0) return 0;
    }
    return length;
  }

  outputName(tap: number | 'final'): string {
    if (tap === 'final') return this.plan.final;
    const name = this.plan.layers[tap];
    if (name === undefined) throw new AppError('bad_input', `Layer ${tap} does not exist: this encoder has layers 0..${this.plan.layers.length - 1}.`);
    return name;
  }

  /** One window of 16 kHz samples (normalized here when the config says so) -> the taps [1, frames, hidden]. */
  async encode(samples: Float32Array, taps: readonly (number | 'final')[]): Promise<Map<number | 'final', Float32Tensor>> {
    if (this.framesFor(samples.length) === 0) throw new AppError('bad_input', `A window of ${samples.length} samples is shorter than the encoder's receptive field.`);
    const names = [...new Set(taps.map((t) => this.outputName(t)))];
    const outputs = await this.#session.run({ input_values: waveformInput(samples, this.config.frontend) }, names);
    return new Map(taps.map((t) => [t, outputs[this.outputName(t)]!]));
  }

  async dispose(): Promise<void> {
    await this.#session.dispose();
  }
}
