/**
 * The HuBERT / wav2vec2 / WavLM frontend: raw 16 kHz mono samples, normalized per clip to zero
 * mean and unit variance when the repo's preprocessor_config.json says `do_normalize` (as
 * transformers' Wav2Vec2FeatureExtractor.zero_mean_unit_var_norm: (x - mean) / sqrt(var + 1e-7),
 * population variance). Statistics are accumulated in float64.
 */
import { z } from 'zod';
import { AppError } from '../../electron/common/errors.js';

export const WAVEFORM_NORM_EPS = 1e-7;

export interface WaveformFrontendConfig {
  sampleRate: number;
  doNormalize: boolean;
}

const schema = z.object({
  sampling_rate: z.number().int().positive().default(16000),
  do_normalize: z.boolean().default(true),
  feature_size: z.literal(1).default(1),
});

export function parseWaveformFrontendConfig(raw: unknown, source = 'preprocessor_config.json'): WaveformFrontendConfig {
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new AppError('bad_input', `${source} is not a waveform feature extractor config (${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}).`);
  }
  return { sampleRate: parsed.data.sampling_rate, doNormalize: parsed.data.do_normalize };
}

export function zeroMeanUnitVariance(samples: Float32Array): Float32Array {
  if (samples.length === 0) return new Float32Array(0);
  let mean = 0;
  for (const s of samples) mean += s;
  mean /= samples.length;
  let variance = 0;
  for (const s of samples) variance += (s - mean) ** 2;
  variance /= samples.length;
  const inv = 1 / Math.sqrt(variance + WAVEFORM_NORM_EPS);
  return Float32Array.from(samples, (s) => (s - mean) * inv);
}

/** input_values for one clip: [1, samples]. */
export function waveformInput(samples: Float32Array, config: WaveformFrontendConfig): { dims: number[]; data: Float32Array } {
  return { dims: [1, samples.length], data: config.doNormalize ? zeroMeanUnitVariance(samples) : samples };
}
