/**
 * Whisper's log-mel frontend as an ONNX graph, so it runs on the same ONNX Runtime device as the
 * encoder. Matches transformers' WhisperFeatureExtractor (and openai/whisper's log_mel_spectrogram):
 * 30 s window zero-padded, centered STFT (reflect pad n_fft/2), periodic Hann, |X|², slaney mel,
 * log10 with a 1e-10 floor, last frame dropped, clamp to max - 8, then (x + 4) / 4.
 *
 * The spectrogram is computed in float64 inside the graph: in float32 the DFT's rounding error
 * (~1e-6 of the frame's peak) is several percent of the quietest bands the max - 8 clamp keeps.
 */
import { AppError } from '../../electron/common/errors.js';
import { ElementType, GraphBuilder } from '../onnx/graph-builder.js';
import { createSession, type ExecutionDevice, type Float32Tensor, type OnnxSession } from '../onnx/runtime.js';
import { melFilterBankFloat64 } from './mel-filter-bank.js';

export { melFilterBank } from './mel-filter-bank.js';

const N_FFT = 400;
const HOP_LENGTH = 160;
const LOG_FLOOR = 1e-10;
const DYNAMIC_RANGE_LOG10 = 8;

export interface WhisperLogMelOptions {
  nMels: 80 | 128;
  device?: ExecutionDevice;
}

export class WhisperLogMel {
  static readonly SAMPLE_RATE = 16000;
  static readonly WINDOW_SAMPLES = 480000;
  static readonly FRAMES = 3000;

  readonly #session: OnnxSession;

  private constructor(
    session: OnnxSession,
    readonly nMels: number,
  ) {
    this.#session = session;
  }

  static async create(options: WhisperLogMelOptions): Promise<WhisperLogMel> {
    if (options.nMels !== 80 && options.nMels !== 128) {
      throw new AppError('bad_input', `Whisper uses 80 or 128 mel bins, not ${String(options.nMels)}.`);
    }
    const session = await createSession(buildWhisperLogMelGraph(options.nMels), { device: options.device });
    return new WhisperLogMel(session, options.nMels);
  }

  get device(): ExecutionDevice {
    return this.#session.device;
  }

  /** 16 kHz mono samples (at most 30 s) -> input_features [1, nMels, 3000]. */
  async compute(samples: Float32Array): Promise<Float32Tensor> {
    if (samples.length > WhisperLogMel.WINDOW_SAMPLES) {
      throw new AppError(
        'bad_input',
        `Whisper's log-mel frontend takes at most ${WhisperLogMel.WINDOW_SAMPLES} samples (30 s at 16 kHz); got ${samples.length}. Split longer audio into windows first.`,
      );
    }
    // A fresh buffer per call: ONNX Runtime reads it later, when the run starts.
    const padded = new Float32Array(WhisperLogMel.WINDOW_SAMPLES);
    padded.set(samples);
    const outputs = await this.#session.run({ waveform: { dims: [1, WhisperLogMel.WINDOW_SAMPLES], data: padded } });
    return outputs['input_features']!;
  }

  async dispose(): Promise<void> {
    await this.#session.dispose();
  }
}

/** The frontend graph: waveform float32 [1, 480000] -> input_features float32 [1, nMels, 3000]. */
export function buildWhisperLogMelGraph(nMels: number): Uint8Array {
  const g = new GraphBuilder('whisper_log_mel');
  const waveform = g.input('waveform', [1, WhisperLogMel.WINDOW_SAMPLES]);
  const double = (values: readonly number[], name: string, dims: readonly number[] = []) =>
    g.initializer(name, Float64Array.from(values), dims);

  const signal = g.op('Cast', [waveform], { to: ElementType.double }, '/Cast');
  const centered = g.op('Pad', [signal, g.int64s('center_pads', [0, N_FFT / 2, 0, N_FFT / 2])], { mode: 'reflect' }, '/center/Pad');
  const signal3d = g.op('Unsqueeze', [centered, g.int64s('channel_axis', [2])], {}, '/Unsqueeze');

  const window = g.initializer('hann_window', periodicHann(N_FFT), [N_FFT]);
  const stft = g.op(
    'STFT',
    [signal3d, g.int64s('hop_length', [HOP_LENGTH], []), window, g.int64s('n_fft', [N_FFT], [])],
    { onesided: 1 },
    '/stft/STFT',
  ); // [1, frames + 1, n_fft/2 + 1, 2 (re, im)]

  // Whisper drops the last STFT frame: 3001 -> 3000.
  const frames = g.op(
    'Slice',
    [stft, g.int64s('frames_start', [0]), g.int64s('frames_end', [WhisperLogMel.FRAMES]), g.int64s('frames_axis', [1])],
    {},
    '/stft/Slice',
  );
  const squared = g.op('Mul', [frames, frames], {}, '/power/Mul');
  const power = g.op('ReduceSum', [squared, g.int64s('complex_axis', [-1])], { keepdims: 0 }, '/power/ReduceSum'); // [1, 3000, 201]

  const nBins = N_FFT / 2 + 1;
  const filters = melFilterBankFloat64(nMels, N_FFT, WhisperLogMel.SAMPLE_RATE);
  const filtersT = g.initializer('mel_filters_transposed', transpose(filters, nMels, nBins), [nBins, nMels]);
  const mel = g.op('MatMul', [power, filtersT], {}, '/mel/MatMul'); // [1, 3000, nMels]
  const floored = g.op('Max', [mel, double([LOG_FLOOR], 'log_floor')], {}, '/log/Max');
  const ln = g.op('Log', [floored], {}, '/log/Log');
  const log10 = g.op('Mul', [ln, double([1 / Math.LN10], 'inv_ln10')], {}, '/log/Mul');
  const channelsFirst = g.op('Transpose', [log10], { perm: [0, 2, 1] }, '/Transpose'); // [1, nMels, 3000]

  const peak = g.op('ReduceMax', [channelsFirst], { keepdims: 1 }, '/range/ReduceMax');
  const floor = g.op('Sub', [peak, double([DYNAMIC_RANGE_LOG10], 'dynamic_range')], {}, '/range/Sub');
  const clamped = g.op('Max', [channelsFirst, floor], {}, '/range/Max');
  const shifted = g.op('Add', [clamped, double([4], 'four')], {}, '/scale/Add');
  const scaled = g.op('Div', [shifted, 'four'], {}, '/scale/Div');
  g.node('Cast', [scaled], ['input_features'], { to: ElementType.float }, { name: '/output/Cast' });
  g.output('input_features', [1, nMels, WhisperLogMel.FRAMES]);
  return g.toBytes(17);
}

/** Periodic Hann (torch.hann_window(n) / np.hanning(n + 1)[:-1]), as Whisper uses. */
export function periodicHann(length: number): Float64Array {
  return Float64Array.from({ length }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / length));
}

function transpose(matrix: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(matrix.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = matrix[r * cols + c]!;
  return out;
}
