/**
 * The skeleton's analysis: log-mel frontend + encoder on a clip's first 30 s window and
 * the L2 norm of each encoder output frame that covers real audio.
 */
import type { ClipRow, FrameNorms, ModelRow } from '../../common/contract.js';
import { AppError } from '../../common/errors.js';
import { WhisperEncoder } from '../../../native-models/encoders/whisper-encoder.js';
import { WhisperLogMel } from '../../../native-models/frontends/whisper-log-mel.js';
import type { Float32Tensor } from '../../../native-models/onnx/runtime.js';
import { decodeAudioRange } from '../audio/decode.js';
import type { LoadedModels } from './loaded-models.js';

export function frameL2Norms(hidden: Float32Tensor, frames: number): number[] {
  const dModel = hidden.dims.at(-1)!;
  const norms = new Array<number>(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let i = f * dModel; i < (f + 1) * dModel; i++) sum += hidden.data[i]! * hidden.data[i]!;
    norms[f] = Math.sqrt(sum);
  }
  return norms;
}

export async function computeFrameNorms(loaded: LoadedModels, model: ModelRow, clip: ClipRow): Promise<FrameNorms> {
  const started = performance.now();
  let samples: Float32Array;
  try {
    // Only the first window is decoded (any format; a 3-hour file is not read whole).
    ({ samples } = await decodeAudioRange(clip.path, {
      targetRate: WhisperLogMel.SAMPLE_RATE,
      durationSec: WhisperLogMel.WINDOW_SAMPLES / WhisperLogMel.SAMPLE_RATE,
    }));
  } catch (error) {
    if (error instanceof AppError && error.code !== 'not_found') throw error;
    throw new AppError('not_found', `The clip's file is gone or unreadable: ${clip.path}`);
  }
  const window = samples.subarray(0, WhisperLogMel.WINDOW_SAMPLES);
  const [frontend, encoder] = await Promise.all([loaded.logMel(model.nMels), loaded.encoder(model)]);
  const features = await frontend.compute(window);
  const hidden = await encoder.encode(features);
  const outputFrames = hidden.dims[1]!;
  const frames = Math.min(outputFrames, Math.ceil((window.length / WhisperLogMel.SAMPLE_RATE) * WhisperEncoder.FRAME_RATE_HZ));
  return {
    modelId: model.id,
    clipId: clip.id,
    frameRateHz: WhisperEncoder.FRAME_RATE_HZ,
    frames,
    dModel: hidden.dims.at(-1)!,
    norms: frameL2Norms(hidden, frames),
    windowSec: WhisperLogMel.WINDOW_SAMPLES / WhisperLogMel.SAMPLE_RATE,
    clipDurationSec: clip.durationSec,
    elapsedMs: performance.now() - started,
  };
}
