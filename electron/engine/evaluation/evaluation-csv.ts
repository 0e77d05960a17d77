/**
 * An evaluation as CSV (RFC 4180, features/csv.ts): the table (one record per variant: the
 * original, then each alpha), an empty record, then one record per clip and variant with its
 * transcript, normalised transcript and (speech) edit counts.
 */
import type { EvaluationDetail, EvaluationSummaryRow } from '../../common/contract.js';
import { toCsv } from '../features/csv.js';

const num = (x: number | null | undefined): string => (x === null || x === undefined ? '' : String(x));
const variantName = (alpha: number | null): string => (alpha === null ? 'original' : `alpha=${alpha}`);

export const TABLE_HEADER = ['variant', 'alpha', 'nonspeech_clips', 'nonspeech_nonempty', 'fpr', 'fpr_ci_low', 'fpr_ci_high', 'speech_clips', 'reference_words', 'substitutions', 'deletions', 'insertions', 'wer', 'wer_ci_low', 'wer_ci_high'];
export const CLIP_HEADER = ['clip_id', 'set', 'relative_path', 'variant', 'alpha', 'reference', 'transcript', 'normalized', 'substitutions', 'deletions', 'insertions', 'reference_words'];

function tableRecord(r: EvaluationSummaryRow): string[] {
  const n = r.nonSpeech;
  const s = r.speech;
  return [variantName(r.alpha), num(r.alpha), num(n.clips), num(n.nonEmpty), num(n.fpr), num(n.ci?.low), num(n.ci?.high), num(s.clips), num(s.referenceWords), num(s.substitutions), num(s.deletions), num(s.insertions), num(s.wer), num(s.ci?.low), num(s.ci?.high)];
}

export function evaluationCsv(detail: EvaluationDetail): string {
  const records: string[][] = [TABLE_HEADER, ...(detail.evaluation.table ?? []).map(tableRecord), [], CLIP_HEADER];
  for (const clip of detail.clips) {
    for (const t of clip.transcripts) {
      const e = t.errors;
      records.push([String(clip.clipId), clip.set, clip.relativePath, variantName(t.alpha), num(t.alpha), clip.reference ?? '', t.text.trim(), t.normalized, num(e?.substitutions), num(e?.deletions), num(e?.insertions), num(e?.referenceWords)]);
    }
  }
  return toCsv(records);
}
