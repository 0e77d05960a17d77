/**
 * The activation-norm plot's data: x = time in seconds (frame / frameRateHz), y = L2 norm.
 * Frames past `frames` are the encoder's padding (Whisper always encodes a 30 s window).
 */
import type { FrameNorms } from '../../../electron/common/contract.js';

export interface Point {
  x: number;
  y: number;
}

export interface FrameNormSeries {
  audio: Point[];
  /** Starts at the last audio frame so the two lines join; empty when there is no padding. */
  padding: Point[];
  maxSeconds: number;
}

export function frameNormSeries(result: Pick<FrameNorms, 'norms' | 'frames' | 'frameRateHz'>): FrameNormSeries {
  const { norms, frameRateHz } = result;
  const rate = frameRateHz > 0 ? frameRateHz : 1;
  const audioFrames = Math.min(Math.max(0, result.frames), norms.length);
  const points = norms.map((y, frame) => ({ x: frame / rate, y }));
  const audio = points.slice(0, audioFrames);
  const padding = audioFrames < norms.length ? points.slice(Math.max(0, audioFrames - 1)) : [];
  return { audio, padding, maxSeconds: norms.length / rate };
}

/** Mean and max of the audio frames' norms, for the summary line. */
export function normStats(norms: readonly number[], frames: number): { mean: number; max: number } | null {
  const n = Math.min(frames, norms.length);
  if (n <= 0) return null;
  let sum = 0;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = norms[i]!;
    sum += v;
    if (v > max) max = v;
  }
  return { mean: sum / n, max };
}
