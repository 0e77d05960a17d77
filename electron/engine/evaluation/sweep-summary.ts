/**
 * The evaluation table from per-clip results: for the original model and each alpha, the
 * false-positive rate on non-speech (share of clips with a non-empty normalised transcript,
 * Wilson 95% interval) and corpus WER on speech (seeded bootstrap 95% interval over clips; the
 * same resampled clips for every row, so rows are compared on paired draws).
 */
import type { EvaluationSummaryRow } from '../../common/contract.js';
import { bootstrapWerInterval, wilsonInterval } from './intervals.js';
import { corpusWer, totalErrors, type WordErrors } from './word-errors.js';

export interface ClipVariantResult {
  set: 'speech' | 'nonspeech';
  /** 0: original; i >= 1: alphas[i - 1]. */
  variant: number;
  normalized: string;
  /** Speech clips only. */
  errors: WordErrors | null;
}

export const BOOTSTRAP_RESAMPLES = 1000;
export const BOOTSTRAP_SEED = 0;

export function summarizeSweep(alphas: readonly number[], results: readonly ClipVariantResult[]): EvaluationSummaryRow[] {
  return [null, ...alphas].map((alpha, variant) => {
    const mine = results.filter((r) => r.variant === variant);
    const nonSpeech = mine.filter((r) => r.set === 'nonspeech');
    const nonEmpty = nonSpeech.filter((r) => r.normalized !== '').length;
    const speech = mine.filter((r) => r.set === 'speech').map((r) => r.errors ?? { substitutions: 0, deletions: 0, insertions: 0, referenceWords: 0 });
    const total = totalErrors(speech);
    return {
      alpha,
      nonSpeech: {
        clips: nonSpeech.length,
        nonEmpty,
        fpr: nonSpeech.length === 0 ? null : nonEmpty / nonSpeech.length,
        ci: wilsonInterval(nonEmpty, nonSpeech.length),
      },
      speech: {
        clips: speech.length,
        referenceWords: total.referenceWords,
        substitutions: total.substitutions,
        deletions: total.deletions,
        insertions: total.insertions,
        wer: corpusWer(speech),
        ci: bootstrapWerInterval(speech, { resamples: BOOTSTRAP_RESAMPLES, seed: BOOTSTRAP_SEED }),
      },
    };
  });
}
