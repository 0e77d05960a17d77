/**
 * WAV (RIFF/RF64-free) header walking and PCM range reads straight from the file, so a
 * 3-hour WAV is seeked into rather than loaded. Converts 8/16/24/32-bit integer PCM and
 * 32/64-bit float to float32; WAVE_FORMAT_EXTENSIBLE is read through its sub-format.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { AppError } from '../../common/errors.js';

export interface WavLayout {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  float: boolean;
  /** Byte offset of the first sample and the number of whole frames in the file. */
  dataOffset: number;
  frames: number;
  bytesPerFrame: number;
}

const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;
const HEADER_PROBE_BYTES = 1 << 16;

function bad(path: string, why: string): AppError {
  return new AppError('bad_input', `${why}: ${path}`);
}

/** Reads the fmt and data chunk headers (the first 64 KiB, skipping chunks by their size). */
export async function readWavLayout(handle: FileHandle, fileSize: number, path: string): Promise<WavLayout> {
  const head = Buffer.alloc(Math.min(HEADER_PROBE_BYTES, fileSize));
  await handle.read(head, 0, head.length, 0);
  if (head.length < 12 || head.toString('ascii', 0, 4) !== 'RIFF' || head.toString('ascii', 8, 12) !== 'WAVE') {
    throw bad(path, 'Not a WAV file (no RIFF/WAVE header)');
  }
  let offset = 12;
  let fmt: Omit<WavLayout, 'dataOffset' | 'frames' | 'bytesPerFrame'> | null = null;
  while (offset + 8 <= fileSize) {
    let chunk = head;
    let at = offset;
    if (offset + 8 > head.length) {
      chunk = Buffer.alloc(8);
      await handle.read(chunk, 0, 8, offset);
      at = 0;
    }
    const id = chunk.toString('ascii', at, at + 4);
    const size = chunk.readUInt32LE(at + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > head.length) throw bad(path, 'Broken WAV header (short fmt chunk)');
      let tag = head.readUInt16LE(body);
      const channels = head.readUInt16LE(body + 2);
      const sampleRate = head.readUInt32LE(body + 4);
      const bitsPerSample = head.readUInt16LE(body + 14);
      if (tag === EXTENSIBLE && size >= 40 && body + 26 <= head.length) tag = head.readUInt16LE(body + 24);
      if (tag !== PCM && tag !== IEEE_FLOAT) {
        throw bad(path, `Unsupported WAV encoding (format tag ${tag}); use PCM or float WAV`);
      }
      if (sampleRate === 0) throw bad(path, 'Broken WAV header (0 Hz sample rate)');
      if (channels === 0) throw bad(path, 'Broken WAV header (0 channels)');
      const intOk = tag === PCM && [8, 16, 24, 32].includes(bitsPerSample);
      const floatOk = tag === IEEE_FLOAT && (bitsPerSample === 32 || bitsPerSample === 64);
      if (!intOk && !floatOk) throw bad(path, `Unsupported WAV sample size (${bitsPerSample} bits)`);
      fmt = { sampleRate, channels, bitsPerSample, float: tag === IEEE_FLOAT };
    } else if (id === 'data') {
      if (!fmt) throw bad(path, 'Broken WAV header (data before fmt chunk)');
      const bytesPerFrame = (fmt.bitsPerSample / 8) * fmt.channels;
      const available = fileSize - body;
      if (size > available) {
        throw bad(path, `Truncated or corrupt WAV (header declares ${size} bytes of audio, the file holds ${available})`);
      }
      const frames = Math.floor(size / bytesPerFrame);
      if (frames === 0) throw bad(path, 'WAV file has no audio samples');
      return { ...fmt, dataOffset: body, frames, bytesPerFrame };
    }
    offset = body + size + (size % 2);
  }
  throw bad(path, fmt ? 'WAV file has no data chunk' : 'Broken WAV header (no fmt chunk)');
}

/** Converts interleaved PCM bytes to a mono float32 mix. */
export function pcmToMono(bytes: Buffer, layout: WavLayout): Float32Array {
  const frames = Math.floor(bytes.length / layout.bytesPerFrame);
  const out = new Float32Array(frames);
  const { channels, bitsPerSample, float } = layout;
  const step = bitsPerSample / 8;
  const scale = 1 / channels;
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    let at = f * layout.bytesPerFrame;
    for (let c = 0; c < channels; c++, at += step) {
      let v: number;
      if (float) v = bitsPerSample === 32 ? bytes.readFloatLE(at) : bytes.readDoubleLE(at);
      else if (bitsPerSample === 16) v = bytes.readInt16LE(at) / 32768;
      else if (bitsPerSample === 24) v = bytes.readIntLE(at, 3) / 8388608;
      else if (bitsPerSample === 32) v = bytes.readInt32LE(at) / 2147483648;
      else v = (bytes[at]! - 128) / 128;
      sum += v;
    }
    out[f] = sum * scale;
  }
  return out;
}

/** Yields mono float32 blocks of at most `blockFrames` frames from frame `startFrame` on. */
export async function* readWavMono(
  path: string,
  startFrame: number,
  endFrame: number,
  blockFrames: number,
  signal?: AbortSignal,
): AsyncGenerator<{ layout: WavLayout; samples: Float32Array }> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const layout = await readWavLayout(handle, size, path);
    const end = Math.min(endFrame, layout.frames);
    const buffer = Buffer.alloc(blockFrames * layout.bytesPerFrame);
    for (let frame = Math.max(0, startFrame); frame < end; frame += blockFrames) {
      signal?.throwIfAborted();
      const n = Math.min(blockFrames, end - frame);
      const { bytesRead } = await handle.read(buffer, 0, n * layout.bytesPerFrame, layout.dataOffset + frame * layout.bytesPerFrame);
      if (bytesRead === 0) break;
      yield { layout, samples: pcmToMono(buffer.subarray(0, bytesRead), layout) };
    }
  } finally {
    await handle.close();
  }
}
