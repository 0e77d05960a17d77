/**
 * EEG correlation (AudioSAE paper): SAE feature activations over the stimulus clips, resampled to
 * the EEG rate and placed at the stimulus onsets, correlated with one EEG channel (default Pz) at
 * lags 0-500 ms; significance by permutation with multiple-comparison correction.
 */
import { z } from 'zod';
import { filePath, rowId, saeIdList, seed, type PaperReference } from './shared.js';

export const EEG_FORMATS = ['auto', 'edf', 'bdf', 'csv'] as const;
export const EEG_CORRECTIONS = ['max-statistic', 'fdr', 'bonferroni'] as const;

export const eegParams = z
  .object({
    runId: rowId,
    saeIds: saeIdList,
    eegPath: filePath,
    format: z.enum(EEG_FORMATS).default('auto'),
    /** CSV of stimulus onsets (clip path or id, onset in seconds); omitted: the EEG file's annotations. */
    onsetsPath: filePath.optional(),
    channel: z.string().min(1).max(100).default('Pz'),
    maxLagMs: z.number().int().min(0).max(5000).default(500),
    lagStepMs: z.number().int().min(1).max(1000).default(10),
    /** Features tested per SAE: the most active ones on the stimuli. */
    features: z.number().int().min(1).max(100_000).default(200),
    permutations: z.number().int().min(10).max(100_000).default(1000),
    alpha: z.number().gt(0).lt(1).default(0.05),
    correction: z.enum(EEG_CORRECTIONS).default('max-statistic'),
    topFeatures: z.number().int().min(1).max(100).default(10),
    seed,
  })
  .strict();
export type EegParams = z.output<typeof eegParams>;

export interface EegFeatureResult {
  saeId: number;
  layer: number;
  feature: number;
  bestLagMs: number;
  bestR: number;
  /** Corrected p-value of the best lag. */
  p: number;
  significant: boolean;
  /** r at each of `lagsMs`. */
  r: number[];
}

export interface EegResult {
  channel: string;
  eegRateHz: number;
  /** Stimulus presentations matched to clips of the run. */
  stimuli: number;
  /** Onset names that matched no clip of the run (at most 20). */
  unmatchedOnsets: string[];
  eegSeconds: number;
  permutations: number;
  lagsMs: number[];
  tested: number;
  correction: (typeof EEG_CORRECTIONS)[number];
  /** The top features by |best r| (topFeatures per SAE). */
  features: EegFeatureResult[];
  /** Per layer: features significant after correction. */
  perLayer: { saeId: number; layer: number; tested: number; significant: number }[];
  reference: PaperReference;
}
