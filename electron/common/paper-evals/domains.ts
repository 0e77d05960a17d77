/**
 * Layer-wise domain specialization (AudioSAE paper): per layer, the share of features specific to
 * speech, music or other sound, at audio level and at frame level. The definition used is in the
 * engine module's header and in docs/evaluations.md.
 */
import { z } from 'zod';
import { labelKeyName, rowId, saeIdList, type PaperReference } from './shared.js';

export const DOMAINS = ['speech', 'music', 'other'] as const;
export type Domain = (typeof DOMAINS)[number];

export const domainsParams = z
  .object({
    runId: rowId,
    saeIds: saeIdList,
    /** The clip label that names the domain (its values mapped below). */
    labelKey: labelKeyName,
    /** Label values of each domain (clips with other values are left out). */
    speech: z.array(z.string().min(1).max(200)).min(1).max(1000),
    music: z.array(z.string().min(1).max(200)).min(1).max(1000),
    other: z.array(z.string().min(1).max(200)).min(1).max(1000),
    /** A feature is specific to a domain when at least this share of its activation mass falls there. */
    specificity: z.number().min(0.5).max(1).default(0.9),
  })
  .strict();
export type DomainsParams = z.output<typeof domainsParams>;

export interface DomainShares {
  speech: number;
  music: number;
  other: number;
  /** Fires in more than one domain below the specificity bar. */
  shared: number;
  /** Never fired on the run. */
  dead: number;
}

export interface DomainsResult {
  specificity: number;
  clips: Record<Domain, number>;
  layers: { saeId: number; layer: number; width: number; audio: DomainShares; frame: DomainShares }[];
  reference: PaperReference;
}
