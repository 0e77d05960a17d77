/**
 * A Whisper encoder from a downloaded Hub snapshot (onnx-community / Xenova layout:
 * config.json + onnx/encoder_model.onnx). input_features [B, n_mels, 3000] -> last_hidden_state
 * [B, 1500, d_model], one frame per 20 ms.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../electron/common/errors.js';
import { createSession, type ExecutionDevice, type Float32Tensor, type OnnxSession } from '../onnx/runtime.js';

export interface WhisperEncoderConfig {
  nMels: number;
  dModel: number;
  layers: number;
  heads: number;
  maxSourcePositions: number;
}

export const WHISPER_ENCODER_ONNX = 'onnx/encoder_model.onnx';
const INPUT_NAME = 'input_features';
const OUTPUT_NAME = 'last_hidden_state';
const INPUT_FRAMES = 3000;

const positiveInt = z.number().int().positive();
const whisperConfigSchema = z.object({
  d_model: positiveInt,
  encoder_layers: positiveInt,
  encoder_attention_heads: positiveInt,
  num_mel_bins: positiveInt,
  max_source_positions: positiveInt.default(1500),
});

export function readWhisperEncoderConfig(snapshotDir: string): WhisperEncoderConfig {
  const name = describeSnapshot(snapshotDir);
  const path = join(snapshotDir, 'config.json');
  if (!existsSync(path)) throw new AppError('not_found', `${name} has no config.json (looked in ${snapshotDir}); download the repo's config files first.`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new AppError('bad_input', `${name}: config.json is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  const modelType = (raw as { model_type?: unknown } | null)?.model_type;
  if (modelType !== 'whisper') {
    throw new AppError(
      'bad_input',
      `${name} is not a Whisper encoder: model_type ${JSON.stringify(modelType ?? null)} in config.json (expected "whisper"). Pick a Whisper ONNX export such as onnx-community/whisper-tiny.`,
    );
  }
  const parsed = whisperConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new AppError('bad_input', `${name}: config.json lacks valid Whisper encoder fields (${fields}).`);
  }
  const c = parsed.data;
  if (c.d_model % c.encoder_attention_heads !== 0) {
    throw new AppError('bad_input', `${name}: d_model ${c.d_model} is not divisible by encoder_attention_heads ${c.encoder_attention_heads}.`);
  }
  return { nMels: c.num_mel_bins, dModel: c.d_model, layers: c.encoder_layers, heads: c.encoder_attention_heads, maxSourcePositions: c.max_source_positions };
}

export class WhisperEncoder {
  /** Encoder output frames per second of audio (30 s -> 1500 frames). */
  static readonly FRAME_RATE_HZ = 50;

  readonly #session: OnnxSession;

  private constructor(
    readonly config: WhisperEncoderConfig,
    session: OnnxSession,
  ) {
    this.#session = session;
  }

  static async load(snapshotDir: string, options: { device?: ExecutionDevice } = {}): Promise<WhisperEncoder> {
    const config = readWhisperEncoderConfig(snapshotDir);
    const onnxPath = join(snapshotDir, ...WHISPER_ENCODER_ONNX.split('/'));
    if (!existsSync(onnxPath)) {
      throw new AppError('not_found', `${describeSnapshot(snapshotDir)} has no ${WHISPER_ENCODER_ONNX}; download it (with any ${WHISPER_ENCODER_ONNX}_data file) first.`);
    }
    const session = await createSession(onnxPath, { device: options.device });
    if (!session.inputNames.includes(INPUT_NAME) || !session.outputNames.includes(OUTPUT_NAME)) {
      await session.dispose();
      throw new AppError(
        'bad_input',
        `${onnxPath} is not a Whisper encoder export: it has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}], expected ${INPUT_NAME} -> ${OUTPUT_NAME}.`,
      );
    }
    return new WhisperEncoder(config, session);
  }

  get device(): ExecutionDevice {
    return this.#session.device;
  }

  /** input_features [B, nMels, 3000] (from WhisperLogMel) -> last_hidden_state [B, 1500, dModel]. */
  async encode(features: Float32Tensor): Promise<Float32Tensor> {
    const [batch, nMels, frames] = features.dims;
    if (features.dims.length !== 3 || nMels !== this.config.nMels || frames !== INPUT_FRAMES || !batch) {
      throw new AppError(
        'bad_input',
        `Whisper encoder input must be [batch, ${this.config.nMels}, ${INPUT_FRAMES}] log-mel features; got [${features.dims.join(', ')}].`,
      );
    }
    if (features.data.length !== batch * nMels * frames) {
      throw new AppError('bad_input', `Whisper encoder input has ${features.data.length} values for dims [${features.dims.join(', ')}].`);
    }
    const outputs = await this.#session.run({ [INPUT_NAME]: features }, [OUTPUT_NAME]);
    return outputs[OUTPUT_NAME]!;
  }

  async dispose(): Promise<void> {
    await this.#session.dispose();
  }
}

/** "owner/name" for a snapshot in the HF cache, else the folder name. */
function describeSnapshot(snapshotDir: string): string {
  const parts = snapshotDir.split(sep);
  const snapshots = parts.lastIndexOf('snapshots');
  const repoFolder = snapshots > 0 ? parts[snapshots - 1] : undefined;
  if (repoFolder?.startsWith('models--')) return repoFolder.slice('models--'.length).split('--').join('/');
  return basename(snapshotDir);
}
