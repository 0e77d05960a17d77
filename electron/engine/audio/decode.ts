/**
 * Streaming decode of every format the engine reads, to mono float32 at a chosen rate.
 *
 * - WAV is read straight from the file in blocks and seeked into (no whole-file load).
 * - FLAC, MP3, Ogg Vorbis/Opus and M4A/AAC go through `audio-decode` (wasm decoders) fed from
 *   a file stream, so memory holds one decoded block at a time. Those containers cannot be
 *   seeked by these decoders: a window late in a long compressed file is reached by decoding
 *   (and dropping) everything before it.
 * - Resampling uses libsamplerate (`@alexanderolsen/libsamplerate-js`, SRC_SINC_MEDIUM_QUALITY),
 *   a band-limited sinc converter that filters out everything above the new Nyquist frequency.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import libsamplerate from '@alexanderolsen/libsamplerate-js';
import decodeAudio, { decodeChunked, type AudioData } from 'audio-decode';
import { AppError } from '../../common/errors.js';
import { formatOfPath, type AudioFormat } from './formats.js';
import { readWavMono } from './wav-stream.js';

// A CommonJS/UMD package: its named exports are reached through the default import.
const { create: createResampler, ConverterType } = libsamplerate;

export interface DecodeOptions {
  /** Output rate in Hz; omitted, the file's own rate. */
  targetRate?: number;
  /** Where to start, in seconds of the file (default 0). */
  startSec?: number;
  /** How much to decode (default: to the end). */
  durationSec?: number;
  /** Target size of each yielded block, in seconds (default 10). */
  chunkSec?: number;
  signal?: AbortSignal;
}

export interface DecodedChunk {
  samples: Float32Array;
  sampleRate: number;
}

type CodecName = 'mp3' | 'flac' | 'opus' | 'oga' | 'm4a' | 'aac';
const CODEC_OF: Record<Exclude<AudioFormat, 'wav'>, CodecName> = {
  flac: 'flac',
  mp3: 'mp3',
  ogg: 'oga',
  opus: 'opus',
  m4a: 'm4a',
  aac: 'aac',
};

function mixDown(channelData: readonly Float32Array[]): Float32Array {
  if (channelData.length === 1) return channelData[0]!;
  const length = channelData[0]?.length ?? 0;
  const out = new Float32Array(length);
  for (const channel of channelData) for (let i = 0; i < length; i++) out[i]! += channel[i]!;
  const scale = 1 / channelData.length;
  for (let i = 0; i < length; i++) out[i]! *= scale;
  return out;
}

/**
 * Compressed files up to this size are decoded in one call: exact to the last sample, where
 * audio-decode 3.12's streaming FLAC decoder drops a final partial frame (up to one block,
 * e.g. 64 ms). Bigger files stream, holding one decoded block at a time.
 */
export const WHOLE_DECODE_MAX_BYTES = 8 * 1024 * 1024;

async function* wholeFileBlocks(path: string, chunkSec: number): AsyncGenerator<AudioData> {
  const bytes = await readFile(path);
  const data = await decodeAudio(bytes);
  const block = Math.max(1024, Math.round(chunkSec * data.sampleRate));
  const length = data.channelData[0]?.length ?? 0;
  for (let at = 0; at < length; at += block) {
    yield { sampleRate: data.sampleRate, channelData: data.channelData.map((c) => c.subarray(at, at + block)) };
  }
}

/** Mono blocks at the file's own rate, from `startFrame` up to `endFrame` (exclusive). */
async function* nativeBlocks(
  path: string,
  format: AudioFormat,
  startSec: number,
  endSec: number,
  chunkSec: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<DecodedChunk> {
  if (format === 'wav') {
    let rate = 0;
    let startFrame = 0;
    let endFrame = Infinity;
    // The first block tells the rate; start/end frames follow from it.
    const first = readWavMono(path, 0, 1, 1, signal);
    for await (const block of first) rate = block.layout.sampleRate;
    startFrame = Math.floor(startSec * rate);
    endFrame = Number.isFinite(endSec) ? Math.ceil(endSec * rate) : Infinity;
    const blockFrames = Math.max(1024, Math.round(chunkSec * rate));
    for await (const block of readWavMono(path, startFrame, endFrame, blockFrames, signal)) {
      yield { samples: block.samples, sampleRate: rate };
    }
    return;
  }
  const small = (await stat(path)).size <= WHOLE_DECODE_MAX_BYTES;
  const stream = small ? null : createReadStream(path, { highWaterMark: 1 << 16, signal });
  let position = 0;
  let decodedAny = false;
  try {
    const source = stream ? decodeChunked(stream, CODEC_OF[format]) : wholeFileBlocks(path, chunkSec);
    for await (const data of source) {
      signal?.throwIfAborted();
      const rate = data.sampleRate;
      if (!(rate > 0)) continue;
      const mono = mixDown(data.channelData);
      if (mono.length === 0) continue;
      decodedAny = true;
      const from = Math.max(0, Math.floor(startSec * rate) - position);
      const to = Math.min(mono.length, Number.isFinite(endSec) ? Math.ceil(endSec * rate) - position : mono.length);
      position += mono.length;
      if (to > from) yield { samples: mono.subarray(from, to), sampleRate: rate };
      if (Number.isFinite(endSec) && position >= endSec * rate) break;
    }
  } catch (error) {
    if (signal?.aborted) throw error;
    if (error instanceof AppError) throw error;
    throw new AppError('bad_input', `Cannot decode ${format} file ${path}: ${(error as Error).message}`);
  } finally {
    stream?.destroy();
  }
  if (!decodedAny) throw new AppError('bad_input', `No decodable ${format} audio in ${path}`);
}

/**
 * Mono float32 blocks of a file (or of a window of it), resampled to `targetRate` when given.
 * Memory holds one block, whatever the file's length.
 */
export async function* decodeAudioChunks(path: string, options: DecodeOptions = {}): AsyncGenerator<DecodedChunk> {
  const format = formatOfPath(path);
  if (!format) throw new AppError('bad_input', `Unsupported audio format: ${path}`);
  await stat(path).catch(() => {
    throw new AppError('not_found', `Audio file is gone or unreadable: ${path}`);
  });
  const startSec = options.startSec ?? 0;
  const endSec = options.durationSec === undefined ? Infinity : startSec + options.durationSec;
  const chunkSec = options.chunkSec ?? 10;
  const { signal, targetRate } = options;
  let resampler: Awaited<ReturnType<typeof createResampler>> | null = null;
  let inRate = 0;
  let inFrames = 0;
  let outFrames = 0;
  try {
    for await (const block of nativeBlocks(path, format, startSec, endSec, chunkSec, signal)) {
      if (!targetRate || targetRate === block.sampleRate) {
        yield block;
        continue;
      }
      if (!resampler) {
        inRate = block.sampleRate;
        resampler = await createResampler(1, inRate, targetRate, { converterType: ConverterType.SRC_SINC_MEDIUM_QUALITY });
      }
      inFrames += block.samples.length;
      const out = resampler.full(block.samples);
      outFrames += out.length;
      if (out.length > 0) yield { samples: out, sampleRate: targetRate };
    }
    if (resampler) {
      // Flush the filter's delay line with silence and keep exactly the expected length.
      const expected = Math.round((inFrames * targetRate!) / inRate);
      let guard = 0;
      while (outFrames < expected && guard++ < 8) {
        const tail = resampler.full(new Float32Array(Math.max(256, Math.ceil(inRate / 20))));
        const take = Math.min(tail.length, expected - outFrames);
        outFrames += take;
        if (take > 0) yield { samples: tail.slice(0, take), sampleRate: targetRate! };
      }
    }
  } finally {
    resampler?.destroy();
  }
}

/** A window of a file as one mono float32 array (for playback windows and short clips). */
export async function decodeAudioRange(path: string, options: DecodeOptions = {}): Promise<DecodedChunk> {
  const parts: Float32Array[] = [];
  let sampleRate = options.targetRate ?? 0;
  let length = 0;
  for await (const chunk of decodeAudioChunks(path, options)) {
    parts.push(chunk.samples.slice());
    sampleRate = chunk.sampleRate;
    length += chunk.samples.length;
  }
  const samples = new Float32Array(length);
  let at = 0;
  for (const part of parts) {
    samples.set(part, at);
    at += part.length;
  }
  return { samples, sampleRate };
}
