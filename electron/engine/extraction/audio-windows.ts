/**
 * A clip as consecutive fixed-length windows of 16 kHz mono audio (30 s for Whisper), streamed
 * through the engine's decoder (every supported format): memory holds one window plus one decoded
 * block whatever the file's length. The last window is shorter; nothing is dropped.
 */
import { decodeAudioChunks } from '../audio/decode.js';

export interface AudioWindow {
  index: number;
  /** At most `windowSamples` samples; only the last window of a clip is shorter. */
  samples: Float32Array;
  startSec: number;
}

export async function* audioWindows(path: string, sampleRate: number, windowSamples: number, signal?: AbortSignal): AsyncGenerator<AudioWindow> {
  let buffer = new Float32Array(windowSamples);
  let filled = 0;
  let index = 0;
  const windowSec = windowSamples / sampleRate;
  // Always decoded from the start: resampling from an offset would change the samples, and a
  // resumed run must produce the same bytes as an uninterrupted one.
  for await (const chunk of decodeAudioChunks(path, { targetRate: sampleRate, chunkSec: windowSec, signal })) {
    let at = 0;
    while (at < chunk.samples.length) {
      const take = Math.min(windowSamples - filled, chunk.samples.length - at);
      buffer.set(chunk.samples.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === windowSamples) {
        yield { index, samples: buffer, startSec: index * windowSec };
        index++;
        buffer = new Float32Array(windowSamples);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield { index, samples: buffer.subarray(0, filled), startSec: index * windowSec };
}
