/**
 * Seed stability (AudioSAE paper): features of SAEs trained with different seeds are matched one
 * to one (Hungarian / optimal assignment on decoder-direction cosine); the share of matches above a
 * threshold is reported, per layer, with the distribution of match cosines. Across layers the same
 * matching compares SAEs of neighbouring layers; across models (different widths or d_model) the
 * features are matched by the correlation of their activations on the same audio.
 */
import { z } from 'zod';
import { rowId, saeIdList, type PaperReference } from './shared.js';

export const STABILITY_MODES = ['seeds', 'layers', 'models'] as const;

export const stabilityParams = z
  .object({
    /** seeds: every pair of SAEs of the same layer and width; layers: SAEs of consecutive layers; models: every pair of SAEs of different models. */
    mode: z.enum(STABILITY_MODES).default('seeds'),
    saeIds: saeIdList.min(2, 'Give at least two SAEs to compare.'),
    /** A match counts as consistent above this cosine (or correlation). */
    threshold: z.number().min(0).max(1).default(0.7),
    /** models mode: one activation run per model, extracted from the same dataset. */
    runIds: z.array(rowId).max(64).optional(),
    /** models mode: frames sampled for the activation correlation. */
    maxFrames: z.number().int().min(100).max(2_000_000).default(50_000),
    histogramBins: z.number().int().min(5).max(200).default(40),
  })
  .strict();
export type StabilityParams = z.output<typeof stabilityParams>;

export interface StabilityPair {
  saeA: number;
  saeB: number;
  modelA: number;
  modelB: number;
  layerA: number;
  layerB: number;
  method: 'decoder_cosine' | 'activation_correlation';
  /** Features matched (the smaller width). */
  matched: number;
  /** Share of matched features whose similarity exceeds the threshold. */
  consistentShare: number;
  meanSimilarity: number;
  medianSimilarity: number;
  /** Histogram of the matched similarities over [-1, 1] (or [0, 1]): bin edges and counts. */
  histogram: { edges: number[]; counts: number[] };
}

export interface StabilityResult {
  mode: (typeof STABILITY_MODES)[number];
  threshold: number;
  pairs: StabilityPair[];
  /** Mean consistent share over the pairs of each layer (seeds mode) or layer pair. */
  perLayer: { layer: number; consistentShare: number; pairs: number }[];
  reference: PaperReference;
}
