/**
 * Facts about an audio file without decoding it all: WAV from its chunk headers, the
 * compressed containers through `music-metadata` (stream headers; a scan of the frames when
 * the header has no length), M4A's channel count and duration from its own boxes. Compressed files also get their first block decoded, so a file
 * with a plausible header but a corrupt body is refused at import, not at playback.
 */
import { open } from 'node:fs/promises';
import { parseFile } from 'music-metadata';
import { AppError } from '../../common/errors.js';
import { decodeAudioChunks } from './decode.js';
import { formatOfPath, type AudioFormat } from './formats.js';
import { readMp4AudioInfo } from './mp4-audio-info.js';
import { readWavLayout } from './wav-stream.js';

export interface AudioProbe {
  format: AudioFormat;
  sampleRate: number;
  channels: number;
  durationSec: number;
  /** e.g. "16" / "24" / "32f" for WAV, the codec name otherwise. */
  encoding: string;
  sizeBytes: number;
}

/** The first 0.5 s decodes (or the file is corrupt) and holds only finite samples (float WAVs can hold NaN). */
async function checkFirstBlock(path: string): Promise<void> {
  for await (const chunk of decodeAudioChunks(path, { durationSec: 0.5, chunkSec: 0.5 })) {
    const bad = chunk.samples.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new AppError('bad_input', `The audio holds non-finite samples (NaN or infinity, first at sample ${bad}): ${path}. Re-export it from the source.`);
    if (chunk.samples.length > 0) break;
  }
}

export async function probeAudio(path: string, options: { verifyDecode?: boolean } = {}): Promise<AudioProbe> {
  const format = formatOfPath(path);
  if (!format) throw new AppError('bad_input', `Unsupported audio format: ${path}`);
  const handle = await open(path, 'r');
  let sizeBytes: number;
  try {
    sizeBytes = (await handle.stat()).size;
    if (sizeBytes === 0) throw new AppError('bad_input', `Zero-length file: ${path}`);
    if (format === 'wav') {
      const layout = await readWavLayout(handle, sizeBytes, path);
      if (layout.float && options.verifyDecode !== false) await checkFirstBlock(path);
      return {
        format,
        sampleRate: layout.sampleRate,
        channels: layout.channels,
        durationSec: layout.frames / layout.sampleRate,
        encoding: `${layout.bitsPerSample}${layout.float ? 'f' : ''}`,
        sizeBytes,
      };
    }
  } finally {
    await handle.close();
  }
  let meta;
  try {
    meta = await parseFile(path, { duration: true, skipCovers: true });
  } catch (error) {
    throw new AppError('bad_input', `Corrupt or unsupported ${format} file: ${path} (${(error as Error).message})`);
  }
  const { sampleRate, codec } = meta.format;
  let { numberOfChannels, duration } = meta.format;
  if (format === 'm4a') {
    // music-metadata reports the sample entry's template channel count (2) and the media
    // duration with the encoder's priming samples; the esds config and edit list say better.
    const mp4 = await readMp4AudioInfo(path).catch(() => null);
    numberOfChannels = mp4?.channels ?? numberOfChannels;
    duration = mp4?.durationSec ?? duration;
  }
  if (!sampleRate || !numberOfChannels || !duration || !(duration > 0)) {
    throw new AppError('bad_input', `Corrupt ${format} file (no audio stream found): ${path}`);
  }
  if (options.verifyDecode !== false) {
    await checkFirstBlock(path);
  }
  return {
    format,
    sampleRate,
    channels: numberOfChannels,
    durationSec: duration,
    encoding: codec ?? format,
    sizeBytes,
  };
}
