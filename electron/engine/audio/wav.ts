/**
 * WAV reading through the `wavefile` library: header facts for import and decoding to
 * the mono 16 kHz float samples the encoders take (wavefile's sinc resampler with its
 * anti-aliasing low-pass filter). Other containers arrive with the dataset importers.
 */
import wavefilePackage from 'wavefile';
import { AppError } from '../../common/errors.js';

const { WaveFile } = wavefilePackage;

export interface AudioInfo {
  sampleRate: number;
  channels: number;
  bitDepth: string;
  frames: number;
  durationSec: number;
}

interface FmtChunk {
  audioFormat: number;
  numChannels: number;
  sampleRate: number;
  bitsPerSample: number;
}

const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;

function parse(bytes: Uint8Array, path: string): InstanceType<typeof WaveFile> {
  const wav = new WaveFile();
  try {
    wav.fromBuffer(bytes);
  } catch (error) {
    throw new AppError('bad_input', `Not a readable WAV file: ${path} (${(error as Error).message})`);
  }
  return wav;
}

function infoOf(wav: InstanceType<typeof WaveFile>, byteLength: number, path: string): AudioInfo {
  const fmt = wav.fmt as FmtChunk;
  if (![PCM, IEEE_FLOAT, EXTENSIBLE].includes(fmt.audioFormat)) {
    throw new AppError('bad_input', `Unsupported WAV encoding (format tag ${fmt.audioFormat}) in ${path}; use PCM or float WAV.`);
  }
  if (!(fmt.numChannels > 0) || !(fmt.sampleRate > 0) || !(fmt.bitsPerSample > 0)) {
    throw new AppError('bad_input', `Broken WAV header in ${path}: ${fmt.numChannels} channels at ${fmt.sampleRate} Hz.`);
  }
  const data = (wav as unknown as { data: { samples: Uint8Array } }).data;
  const bytesPerFrame = (fmt.bitsPerSample / 8) * fmt.numChannels;
  const frames = Math.floor((data?.samples?.length ?? 0) / bytesPerFrame);
  if (frames === 0) throw new AppError('bad_input', `WAV file has no audio samples: ${path} (${byteLength} bytes).`);
  return {
    sampleRate: fmt.sampleRate,
    channels: fmt.numChannels,
    bitDepth: wav.bitDepth,
    frames,
    durationSec: frames / fmt.sampleRate,
  };
}

export function probeWav(bytes: Uint8Array, path: string): AudioInfo {
  return infoOf(parse(bytes, path), bytes.length, path);
}

/** Mono mix-down, resampled to `targetRate`, as float32 in [-1, 1]. */
export function decodeWavMono(bytes: Uint8Array, path: string, targetRate: number): Float32Array {
  const wav = parse(bytes, path);
  const info = infoOf(wav, bytes.length, path);
  if (wav.bitDepth !== '32f') wav.toBitDepth('32f');
  if (info.sampleRate !== targetRate) wav.toSampleRate(targetRate, { method: 'sinc', LPF: true });
  const samples = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
  const channels = Array.isArray(samples) ? samples : [samples];
  const length = channels[0]!.length;
  const mono = new Float32Array(length);
  for (const channel of channels) {
    for (let i = 0; i < length; i++) mono[i]! += channel[i]! / channels.length;
  }
  return mono;
}
