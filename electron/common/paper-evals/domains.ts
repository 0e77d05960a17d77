/**
 * Layer-wise domain specialization (AudioSAE paper): per layer, the share of features specific to
 * speech, music or other sound, at audio level and at frame level. The definition used is in
 * electron/engine/paper-evals/domains/domain-specificity.ts and in docs/evaluations.md.
 */
import { z } from 'zod';
import { labelKeyName, rowId, saeIdList, type PaperReference } from './shared.js';

export const DOMAINS = ['speech', 'music', 'other'] as const;
export type Domain = (typeof DOMAINS)[number];

const labelValues = z.array(z.string().min(1).max(200)).min(1, 'List at least one label value for each domain.').max(1000);

export const domainsParams = z
  .object({
    runId: rowId,
    saeIds: saeIdList,
    /** The clip label that names the domain (its values mapped below). */
    labelKey: labelKeyName,
    /** Label values of each domain (clips with other values are left out). */
    speech: labelValues,
    music: labelValues,
    other: labelValues,
    /** A feature is specific to a domain when more than half (at least this share) of its normalised activation mass falls there. */
    specificity: z.number().gt(0.5, 'Specificity must be above 0.5 so that a feature is specific to one domain at most.').max(1).default(0.9),
  })
  .strict();
export type DomainsParams = z.output<typeof domainsParams>;

/** Shares of the SAE's width (they sum to 1). */
export interface DomainShares {
  speech: number;
  music: number;
  other: number;
  /** Fires in more than one domain below the specificity bar. */
  shared: number;
  /** Never fired on the run's clips of the three domains. */
  dead: number;
}

export interface DomainsLayer {
  saeId: number;
  layer: number;
  width: number;
  audio: DomainShares;
  frame: DomainShares;
}

export interface DomainsResult {
  specificity: number;
  /** Clips and frames of each domain in the run (the normalisers). */
  clips: Record<Domain, number>;
  frames: Record<Domain, number>;
  /** Clips left out because their label values fall in two domains. */
  ambiguousClips: number;
  /** In layer order. */
  layers: DomainsLayer[];
  reference: PaperReference;
}
