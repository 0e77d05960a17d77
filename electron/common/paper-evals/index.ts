/**
 * The AudioSAE paper's evaluation suite (issue 9): one job kind (`evals.run`) runs any of the
 * kinds below; each kind's parameters (zod) and result (JSON) are declared in its own module.
 * Results are stored whole as JSON in `paper_evaluations` (schema 9).
 */
import { z } from 'zod';
import { domainsParams, type DomainsResult } from './domains.js';
import { eegParams, type EegResult } from './eeg.js';
import { phonemesParams, type PhonemesResult } from './phonemes.js';
import { probingParams, type ProbingEvalResult } from './probing.js';
import { stabilityParams, type StabilityResult } from './stability.js';

export const PAPER_EVAL_KINDS = ['stability', 'probing', 'phonemes', 'domains', 'eeg'] as const;
export type PaperEvalKind = (typeof PAPER_EVAL_KINDS)[number];

/** Parameters of evals.start: the kind and that kind's parameters. */
export const paperEvalRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('stability'), params: stabilityParams }).strict(),
  z.object({ kind: z.literal('probing'), params: probingParams }).strict(),
  z.object({ kind: z.literal('phonemes'), params: phonemesParams }).strict(),
  z.object({ kind: z.literal('domains'), params: domainsParams }).strict(),
  z.object({ kind: z.literal('eeg'), params: eegParams }).strict(),
]);
export type PaperEvalRequest = z.output<typeof paperEvalRequest>;
export type PaperEvalRequestInput = z.input<typeof paperEvalRequest>;

export interface PaperEvalResults {
  stability: StabilityResult;
  probing: ProbingEvalResult;
  phonemes: PhonemesResult;
  domains: DomainsResult;
  eeg: EegResult;
}
export type PaperEvalParams<K extends PaperEvalKind> = Extract<PaperEvalRequest, { kind: K }>['params'];

/** A table for display and CSV export: the header row, then rows of cells. */
export interface ResultTable {
  name: string;
  header: string[];
  rows: (string | number | null)[][];
}

export type PaperEvalStatus = 'running' | 'complete' | 'failed';

export interface PaperEvaluationSummary {
  id: number;
  kind: PaperEvalKind;
  title: string;
  status: PaperEvalStatus;
  params: unknown;
  jobId: number | null;
  createdAt: string;
  finishedAt: string | null;
  /** One-line results (e.g. "layer 6: 62% matched"), for lists and the CLI. */
  summary: string[];
  error: string | null;
}

export interface PaperEvaluationDetail<K extends PaperEvalKind = PaperEvalKind> extends PaperEvaluationSummary {
  kind: K;
  result: PaperEvalResults[K] | null;
  tables: ResultTable[];
}

/** What the `evals.run` job returns. */
export interface PaperEvalJobResult {
  evaluationId: number;
  kind: PaperEvalKind;
  summary: string[];
  seconds: number;
}
