/**
 * Playback and waveform data for a clip. A small WAV file is sent as it is on disk; anything
 * else (a compressed file, a long file, or a window of a clip) is decoded in the engine and sent
 * as a mono 16-bit WAV of just that window, so a 3-hour file never crosses the wire whole.
 */
import { readFile, stat } from 'node:fs/promises';
import type { ClipAudio, ClipPeaks, ClipRow } from '../../common/contract.js';
import { AppError } from '../../common/errors.js';
import { decodeAudioRange } from '../audio/decode.js';
import { computePeaks } from '../audio/peaks.js';
import { encodeWav16 } from '../audio/wav-encode.js';

/** Whole WAV files up to this size are sent untouched. */
export const MAX_WHOLE_WAV_BYTES = 16 * 1024 * 1024;
/** Without `durationSec`, a decoded window is at most this long. */
export const DEFAULT_WINDOW_SEC = 300;
const MAX_PLAYBACK_RATE = 48_000;

async function fileGone<T>(clip: ClipRow, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EPERM' || (error instanceof AppError && error.code === 'not_found')) {
      throw new AppError('not_found', `The clip's file is gone or unreadable: ${clip.path}`);
    }
    throw error;
  }
}

export async function clipAudio(clip: ClipRow, startSec?: number, durationSec?: number): Promise<ClipAudio> {
  return fileGone(clip, async () => {
    if (startSec === undefined && durationSec === undefined && clip.format === 'wav') {
      const size = (await stat(clip.path)).size;
      if (size <= MAX_WHOLE_WAV_BYTES) {
        const bytes = new Uint8Array(await readFile(clip.path));
        return { clipId: clip.id, mimeType: 'audio/wav', bytes, startSec: 0, durationSec: clip.durationSec };
      }
    }
    const start = startSec ?? 0;
    if (start >= clip.durationSec) {
      throw new AppError('bad_input', `startSec ${start} is past the end of the clip (${clip.durationSec.toFixed(3)} s).`);
    }
    const length = Math.min(durationSec ?? DEFAULT_WINDOW_SEC, clip.durationSec - start);
    const rate = Math.min(clip.sampleRate, MAX_PLAYBACK_RATE);
    const { samples, sampleRate } = await decodeAudioRange(clip.path, {
      startSec: start,
      durationSec: length,
      targetRate: rate,
    });
    return {
      clipId: clip.id,
      mimeType: 'audio/wav',
      bytes: encodeWav16(samples, sampleRate),
      startSec: start,
      durationSec: samples.length / sampleRate,
    };
  });
}

const peaksCache = new Map<string, ClipPeaks>();
const PEAKS_CACHE_SIZE = 64;

/** Waveform peaks by streaming decode; the last few results are cached by clip, hash and size. */
export async function clipPeaks(clip: ClipRow, points: number): Promise<ClipPeaks> {
  const key = `${clip.id}:${clip.sha256}:${points}`;
  const hit = peaksCache.get(key);
  if (hit) return hit;
  const result = await fileGone(clip, async () => ({
    clipId: clip.id,
    durationSec: clip.durationSec,
    peaks: await computePeaks(clip.path, clip.durationSec, points),
  }));
  peaksCache.set(key, result);
  if (peaksCache.size > PEAKS_CACHE_SIZE) peaksCache.delete(peaksCache.keys().next().value!);
  return result;
}
