/**
 * What the extraction job needs from a model: 30 s windows of 16 kHz audio in, each chosen
 * layer's frames out. One adapter per model family (the registry throws on unknown kinds).
 */
import type { ModelRow } from '../../common/contract.js';
import { AppError } from '../../common/errors.js';
import { TappedWaveformEncoder } from '../../../native-models/encoders/tapped-waveform-encoder.js';
import { TappedWhisperEncoder } from '../../../native-models/encoders/tapped-whisper-encoder.js';
import { WhisperLogMel } from '../../../native-models/frontends/whisper-log-mel.js';
import type { ExecutionDevice } from '../../../native-models/onnx/runtime.js';

export interface WindowEncoder {
  readonly device: ExecutionDevice;
  readonly dModel: number;
  /** The highest layer number (= the number of blocks). */
  readonly maxLayer: number;
  readonly frameRateHz: number;
  readonly windowSamples: number;
  /** How many windows one encoder call may take. */
  readonly maxBatch: number;
  /** Output frames that cover `samples` of real audio. */
  framesFor(samples: number): number;
  /** Per layer, rows [item * rowsPerItem, item * rowsPerItem + framesFor(item)) hold item's frames. */
  encodeBatch(windows: readonly Float32Array[], layers: readonly number[]): Promise<{ arrays: Float32Array[]; rowsPerItem: number }>;
  dispose(): Promise<void>;
}

export interface WindowEncoderOptions {
  device?: ExecutionDevice;
  onWarning?: (message: string) => void;
}

const SAMPLE_RATE = 16000;
const WINDOW_SAMPLES = 30 * SAMPLE_RATE;

async function whisperWindowEncoder(model: ModelRow, options: WindowEncoderOptions): Promise<WindowEncoder> {
  const encoder = await TappedWhisperEncoder.load(model.snapshotDir, options);
  let frontend: WhisperLogMel;
  try {
    frontend = await WhisperLogMel.create({ nMels: encoder.config.nMels as 80 | 128, device: options.device });
  } catch (error) {
    await encoder.dispose();
    throw error;
  }
  const nMels = encoder.config.nMels;
  return {
    device: encoder.device,
    dModel: encoder.config.dModel,
    maxLayer: encoder.plan.layers.length - 1,
    frameRateHz: TappedWhisperEncoder.FRAME_RATE_HZ,
    windowSamples: WINDOW_SAMPLES,
    maxBatch: 8,
    framesFor: (samples) => Math.min(1500, Math.ceil(samples / (SAMPLE_RATE / TappedWhisperEncoder.FRAME_RATE_HZ))),
    async encodeBatch(windows, layers) {
      const features = new Float32Array(windows.length * nMels * 3000);
      for (let i = 0; i < windows.length; i++) features.set((await frontend.compute(windows[i]!)).data, i * nMels * 3000);
      const outputs = await encoder.encode({ dims: [windows.length, nMels, 3000], data: features }, layers);
      return { arrays: layers.map((l) => outputs.get(l)!.data), rowsPerItem: 1500 };
    },
    async dispose() {
      await frontend.dispose();
      await encoder.dispose();
    },
  };
}

async function waveformWindowEncoder(model: ModelRow, options: WindowEncoderOptions): Promise<WindowEncoder> {
  const encoder = await TappedWaveformEncoder.load(model.snapshotDir, options);
  return {
    device: encoder.device,
    dModel: encoder.config.hidden,
    maxLayer: encoder.plan.layers.length - 1,
    frameRateHz: TappedWaveformEncoder.FRAME_RATE_HZ,
    windowSamples: WINDOW_SAMPLES,
    // Windows differ in length and the exports take no attention mask: one at a time.
    maxBatch: 1,
    framesFor: (samples) => encoder.framesFor(samples),
    async encodeBatch(windows, layers) {
      if (windows.length !== 1) throw new AppError('internal', 'waveform encoders take one window per call');
      const outputs = await encoder.encode(windows[0]!, layers);
      return { arrays: layers.map((l) => outputs.get(l)!.data), rowsPerItem: encoder.framesFor(windows[0]!.length) };
    },
    dispose: () => encoder.dispose(),
  };
}

const FACTORIES: Record<string, (model: ModelRow, options: WindowEncoderOptions) => Promise<WindowEncoder>> = {
  'whisper-encoder': whisperWindowEncoder,
  'hubert-encoder': waveformWindowEncoder,
  'wav2vec2-encoder': waveformWindowEncoder,
  'wavlm-encoder': waveformWindowEncoder,
};

export function loadWindowEncoder(model: ModelRow, options: WindowEncoderOptions = {}): Promise<WindowEncoder> {
  const factory = FACTORIES[model.architecture];
  if (!factory) throw new AppError('bad_input', `Model ${model.repoId} is a ${model.architecture}; extraction supports ${Object.keys(FACTORIES).join(', ')}.`);
  return factory(model, options);
}
