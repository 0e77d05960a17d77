/**
 * Transcribes one window of 16 kHz audio twice, original and steered, from one encoder pass
 * (native-models/steering: the SAE spliced at its layer). Without an SAE it transcribes once and
 * both texts are the original. Narrow: audio and a scale in, texts and feature codes out.
 */
import type { WhisperDecoder } from '../../../native-models/decoders/whisper-decoder.js';
import type { WhisperEncoder } from '../../../native-models/encoders/whisper-encoder.js';
import type { WhisperLogMel } from '../../../native-models/frontends/whisper-log-mel.js';
import { transcribeOriginalAndSteered, type SteeredWhisperEncoder } from '../../../native-models/steering/steered-whisper-encoder.js';

export interface WindowTranscription {
  original: string;
  steered: string;
  /** Mean code of every SAE feature over the window's encoder frames (null without an SAE). */
  meanCodes: Float32Array | null;
}

export interface WindowTranscriber {
  /** The SAE's width, or null when there is no SAE (nothing to steer). */
  readonly dSae: number | null;
  /** `scale` is the splice's s [dSae]; ignored without an SAE. */
  transcribe(window: Float32Array, scale: Float32Array | null): Promise<WindowTranscription>;
  dispose(): Promise<void>;
}

/** New tokens per window: generous for speech (~4 tokens/s), bounded so a noisy window cannot run to 444. */
export function maxNewTokensFor(windowSec: number): number {
  return Math.min(444, Math.ceil(windowSec * 6) + 8);
}

export interface SteeredParts {
  logMel: WhisperLogMel;
  decoder: WhisperDecoder;
  encoder: SteeredWhisperEncoder;
  maxNewTokens: number;
  /** Released with the transcriber (the decoder and steered encoder belong to it). */
  owned: Array<{ dispose(): Promise<void> }>;
}

export function steeredTranscriber(parts: SteeredParts): WindowTranscriber {
  const { logMel, decoder, encoder, maxNewTokens } = parts;
  return {
    dSae: encoder.dSae,
    async transcribe(window, scale) {
      const features = await logMel.compute(window);
      const s = scale ?? new Float32Array(encoder.dSae).fill(1);
      const result = await transcribeOriginalAndSteered(encoder, decoder, features, s, { maxNewTokens });
      return { original: result.original[0]!.text, steered: result.steered[0]!.text, meanCodes: result.encoding.meanCodes };
    },
    async dispose() {
      for (const part of parts.owned) await part.dispose();
    },
  };
}

export interface PlainParts {
  logMel: WhisperLogMel;
  decoder: WhisperDecoder;
  /** Shared (LoadedModels): not disposed here. */
  encoder: WhisperEncoder;
  maxNewTokens: number;
  owned: Array<{ dispose(): Promise<void> }>;
}

export function plainTranscriber(parts: PlainParts): WindowTranscriber {
  const { logMel, decoder, encoder, maxNewTokens } = parts;
  return {
    dSae: null,
    async transcribe(window) {
      const hidden = await encoder.encode(await logMel.compute(window));
      const { sequences } = await decoder.decode(hidden, { maxNewTokens });
      const text = sequences[0]!.text;
      return { original: text, steered: text, meanCodes: null };
    },
    async dispose() {
      for (const part of parts.owned) await part.dispose();
    },
  };
}
