/**
 * Which encoder a downloaded Hub repo holds, from its config.json: the architecture the store
 * records, the ONNX file(s) to fetch, and the dimensions. Registry keyed by `model_type`;
 * unknown types are refused with the supported list.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../electron/common/errors.js';
import { WAVEFORM_ENCODER_ONNX, WAVEFORM_MODEL_TYPES, readWaveformEncoderConfig } from './tapped-waveform-encoder.js';
import { WHISPER_ENCODER_ONNX, readWhisperEncoderConfig } from './whisper-encoder.js';

export interface EncoderDescriptor {
  /** e.g. 'whisper-encoder', 'hubert-encoder'. */
  architecture: string;
  onnxFile: string;
  /** 0 for waveform models. */
  nMels: number;
  dModel: number;
  layers: number;
}

const DESCRIBERS: Record<string, (snapshotDir: string) => EncoderDescriptor> = {
  whisper: (dir) => {
    const c = readWhisperEncoderConfig(dir);
    return { architecture: 'whisper-encoder', onnxFile: WHISPER_ENCODER_ONNX, nMels: c.nMels, dModel: c.dModel, layers: c.layers };
  },
  ...Object.fromEntries(
    WAVEFORM_MODEL_TYPES.map((type) => [
      type,
      (dir: string): EncoderDescriptor => {
        const c = readWaveformEncoderConfig(dir);
        return { architecture: `${c.modelType}-encoder`, onnxFile: WAVEFORM_ENCODER_ONNX, nMels: 0, dModel: c.hidden, layers: c.layers };
      },
    ]),
  ),
};

export function describeEncoder(snapshotDir: string): EncoderDescriptor {
  const path = join(snapshotDir, 'config.json');
  if (!existsSync(path)) throw new AppError('bad_input', `The repo has no config.json (looked in ${snapshotDir}); pick an ONNX export such as onnx-community/whisper-tiny.`);
  let modelType: unknown;
  try {
    modelType = (JSON.parse(readFileSync(path, 'utf8')) as { model_type?: unknown } | null)?.model_type;
  } catch (error) {
    throw new AppError('bad_input', `config.json is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  const describe = typeof modelType === 'string' ? DESCRIBERS[modelType] : undefined;
  if (!describe) {
    throw new AppError('bad_input', `model_type ${JSON.stringify(modelType ?? null)} is not an audio encoder this lab runs; supported: ${Object.keys(DESCRIBERS).join(', ')}.`);
  }
  return describe(snapshotDir);
}

/** The encoder graph and, for large models, its external weights file(s). */
export function encoderFiles(repoFiles: readonly string[], onnxFile: string): string[] {
  if (!repoFiles.includes(onnxFile)) throw new AppError('bad_input', `The repo has no ${onnxFile}; pick an ONNX export such as onnx-community/whisper-tiny or Xenova/hubert-base-ls960.`);
  return repoFiles.filter((f) => f === onnxFile || f.startsWith(`${onnxFile}_data`));
}
