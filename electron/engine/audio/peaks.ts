/** Min/max pairs over equal slices of a file, by streaming decode (for waveform drawing). */
import { decodeAudioChunks } from './decode.js';

export async function computePeaks(path: string, durationSec: number, points: number, signal?: AbortSignal): Promise<number[]> {
  const mins = new Float32Array(points).fill(Infinity);
  const maxs = new Float32Array(points).fill(-Infinity);
  let position = 0;
  for await (const { samples, sampleRate } of decodeAudioChunks(path, { chunkSec: 5, signal })) {
    const perSlice = Math.max(1, (durationSec * sampleRate) / points);
    for (let i = 0; i < samples.length; i++) {
      const slice = Math.min(points - 1, Math.floor((position + i) / perSlice));
      const v = samples[i]!;
      if (v < mins[slice]!) mins[slice] = v;
      if (v > maxs[slice]!) maxs[slice] = v;
    }
    position += samples.length;
  }
  const peaks: number[] = [];
  for (let i = 0; i < points; i++) {
    const empty = mins[i] === Infinity;
    peaks.push(empty ? 0 : Math.max(-1, mins[i]!), empty ? 0 : Math.min(1, maxs[i]!));
  }
  return peaks;
}
