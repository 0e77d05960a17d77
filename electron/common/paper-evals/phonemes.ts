/**
 * Phonemes (AudioSAE paper): forced alignments (Praat TextGrid as MFA writes them, or CTM) give a
 * phone per encoder frame; phoneme classification accuracy per layer from SAE features, and vowel
 * unlearning (share of features removed before a vowel's recall falls to chance).
 */
import { z } from 'zod';
import { rowId, saeIdList, seed, type PaperReference } from './shared.js';

export const phonemesParams = z
  .object({
    runId: rowId,
    saeIds: saeIdList,
    /** The alignment tier holding phones (MFA: `phones`). */
    tier: z.string().min(1).max(100).default('phones'),
    /** Phones with fewer frames are left out. */
    minFramesPerPhone: z.number().int().min(1).max(100_000).default(20),
    maxFramesPerPhone: z.number().int().min(10).max(1_000_000).default(5_000),
    /** The vowels whose unlearning is measured (default: ARPAbet vowels present). */
    vowels: z.array(z.string().min(1).max(20)).max(100).optional(),
    folds: z.number().int().min(2).max(20).default(5),
    l2: z.number().min(0).max(100).default(1e-3),
    iterations: z.number().int().min(10).max(10_000).default(200),
    seed,
  })
  .strict();
export type PhonemesParams = z.output<typeof phonemesParams>;

export interface PhonemesLayerResult {
  saeId: number;
  layer: number;
  width: number;
  frames: number;
  accuracy: number;
  chance: number;
  /**
   * Per vowel: its top-ranked features removed in growing steps, a vowel-vs-rest probe retrained on
   * the rest each time; `featuresRemoved` is the first step whose balanced accuracy falls to
   * ERASED_BALANCED_ACCURACY (null: never within the steps tried), `share` that step / width.
   */
  vowelUnlearning: { vowel: string; frames: number; featuresRemoved: number | null; share: number | null; curve: { removed: number; recall: number; balancedAccuracy: number }[] }[];
}

/** A vowel counts as erased when its vowel-vs-rest probe's balanced accuracy is at most this (chance: 0.5). */
export const ERASED_BALANCED_ACCURACY = 0.55;

export const ARPABET_VOWELS = ['AA', 'AE', 'AH', 'AO', 'AW', 'AY', 'EH', 'ER', 'EY', 'IH', 'IY', 'OW', 'OY', 'UH', 'UW'] as const;

export interface PhonemesResult {
  tier: string;
  phones: string[];
  /** Frames per phone used (after the per-phone cap). */
  phoneFrames: Record<string, number>;
  layers: PhonemesLayerResult[];
  reference: PaperReference;
}
