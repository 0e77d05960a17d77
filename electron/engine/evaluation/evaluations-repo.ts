/**
 * Steering evaluations in SQLite (schema 8): one `evaluations` row per sweep (params, status,
 * the table as JSON once complete) and one `evaluation_results` row per clip and variant
 * (variant 0 = original, i = alphas[i - 1]). A clip's variants are written in one transaction,
 * so a resumed sweep continues after the last whole clip.
 */
import type { EvaluationClipResult, EvaluationSummary, EvaluationSummaryRow } from '../../common/contract.js';
import type { SqliteDatabase } from '../store/database.js';
import type { ClipVariantResult } from './sweep-summary.js';
import type { WordErrors } from './word-errors.js';

/** What an evaluation was asked to do, after resolution (features from a preset are listed). */
export interface EvaluationSpec {
  modelId: number;
  saeId: number;
  layer: number;
  features: number[];
  presetId: number | null;
  alphas: number[];
  speechDatasetId: number;
  nonSpeechDatasetId: number;
  maxClipsPerSet: number;
  maxNewTokens: number;
}

export interface NewClipResult {
  clipId: number;
  set: 'speech' | 'nonspeech';
  /** Index 0: original; then one per alpha. */
  variants: { alpha: number | null; text: string; normalized: string; errors: WordErrors | null }[];
}

interface EvaluationRecord {
  id: number;
  model_id: number;
  sae_id: number;
  layer: number;
  params: string;
  status: 'running' | 'complete';
  clips_total: number;
  summary: string | null;
  job_id: number | null;
  created_at: string;
  finished_at: string | null;
  clips_done: number;
}

interface ResultRecord {
  clip_id: number;
  clip_set: 'speech' | 'nonspeech';
  variant: number;
  alpha: number | null;
  text: string;
  normalized: string;
  substitutions: number | null;
  deletions: number | null;
  insertions: number | null;
  reference_words: number | null;
  relative_path: string;
  transcript: string | null;
}

const SELECT_EVALUATION = `
  SELECT e.*, (SELECT COUNT(DISTINCT r.clip_id) FROM evaluation_results r WHERE r.evaluation_id = e.id) AS clips_done
  FROM evaluations e`;

function toSummary(r: EvaluationRecord): EvaluationSummary {
  const spec = JSON.parse(r.params) as EvaluationSpec;
  return {
    id: r.id,
    modelId: r.model_id,
    saeId: r.sae_id,
    layer: r.layer,
    features: spec.features,
    presetId: spec.presetId,
    alphas: spec.alphas,
    speechDatasetId: spec.speechDatasetId,
    nonSpeechDatasetId: spec.nonSpeechDatasetId,
    status: r.status,
    clipsTotal: r.clips_total,
    clipsDone: r.clips_done,
    table: r.summary === null ? null : (JSON.parse(r.summary) as EvaluationSummaryRow[]),
    jobId: r.job_id,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}

function errorsOf(r: ResultRecord): WordErrors | null {
  if (r.reference_words === null) return null;
  return { substitutions: r.substitutions ?? 0, deletions: r.deletions ?? 0, insertions: r.insertions ?? 0, referenceWords: r.reference_words };
}

/** The key under which an unfinished sweep is continued: the whole spec. */
export function evaluationKey(spec: EvaluationSpec): string {
  return JSON.stringify(spec);
}

export class EvaluationsRepo {
  constructor(private readonly db: SqliteDatabase) {}

  /** The unfinished evaluation of the same spec (a resumed job continues it), else a new one. */
  begin(spec: EvaluationSpec, clipsTotal: number, jobId: number | null): EvaluationSummary {
    const key = evaluationKey(spec);
    const open = this.db.prepare("SELECT id FROM evaluations WHERE eval_key = ? AND status = 'running' ORDER BY id DESC LIMIT 1").get(key) as { id: number } | undefined;
    if (open) {
      this.db.prepare('UPDATE evaluations SET job_id = ?, clips_total = ? WHERE id = ?').run(jobId, clipsTotal, open.id);
      return this.get(open.id)!;
    }
    const { lastInsertRowid } = this.db
      .prepare("INSERT INTO evaluations (model_id, sae_id, layer, params, eval_key, status, clips_total, job_id, created_at) VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?)")
      .run(spec.modelId, spec.saeId, spec.layer, JSON.stringify(spec), key, clipsTotal, jobId, new Date().toISOString());
    return this.get(Number(lastInsertRowid))!;
  }

  /** Clips that already have all their variants stored. */
  doneClips(evaluationId: number): Set<number> {
    return new Set((this.db.prepare('SELECT DISTINCT clip_id AS clipId FROM evaluation_results WHERE evaluation_id = ?').all(evaluationId) as { clipId: number }[]).map((r) => r.clipId));
  }

  addClip(evaluationId: number, result: NewClipResult): void {
    const insert = this.db.prepare(
      `INSERT OR REPLACE INTO evaluation_results (evaluation_id, clip_id, clip_set, variant, alpha, text, normalized, substitutions, deletions, insertions, reference_words)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      result.variants.forEach((v, variant) => {
        const e = v.errors;
        insert.run(evaluationId, result.clipId, result.set, variant, v.alpha, v.text, v.normalized, e?.substitutions ?? null, e?.deletions ?? null, e?.insertions ?? null, e?.referenceWords ?? null);
      });
    })();
  }

  /** Every stored clip-variant, in clip order (the same order for each variant). */
  variantResults(evaluationId: number): ClipVariantResult[] {
    return this.#results(evaluationId).map((r) => ({ set: r.clip_set, variant: r.variant, normalized: r.normalized, errors: errorsOf(r) }));
  }

  complete(evaluationId: number, table: EvaluationSummaryRow[]): EvaluationSummary {
    this.db.prepare("UPDATE evaluations SET status = 'complete', summary = ?, finished_at = ? WHERE id = ?").run(JSON.stringify(table), new Date().toISOString(), evaluationId);
    return this.get(evaluationId)!;
  }

  get(id: number): EvaluationSummary | undefined {
    const row = this.db.prepare(`${SELECT_EVALUATION} WHERE e.id = ?`).get(id) as EvaluationRecord | undefined;
    return row && toSummary(row);
  }

  list(saeId: number | undefined, limit: number): EvaluationSummary[] {
    const rows = (saeId === undefined
      ? this.db.prepare(`${SELECT_EVALUATION} ORDER BY e.id DESC LIMIT ?`).all(limit)
      : this.db.prepare(`${SELECT_EVALUATION} WHERE e.sae_id = ? ORDER BY e.id DESC LIMIT ?`).all(saeId, limit)) as EvaluationRecord[];
    return rows.map(toSummary);
  }

  /** Per clip: its reference and every variant's transcript (original first). Non-speech first, then speech. */
  clips(evaluationId: number): EvaluationClipResult[] {
    const out: EvaluationClipResult[] = [];
    let current: EvaluationClipResult | undefined;
    for (const r of this.#results(evaluationId)) {
      if (current?.clipId !== r.clip_id) {
        current = { clipId: r.clip_id, set: r.clip_set, relativePath: r.relative_path, reference: r.clip_set === 'speech' ? r.transcript : null, transcripts: [] };
        out.push(current);
      }
      current.transcripts.push({ alpha: r.alpha, text: r.text, normalized: r.normalized, errors: errorsOf(r) });
    }
    return out;
  }

  #results(evaluationId: number): ResultRecord[] {
    return this.db
      .prepare(
        `SELECT r.*, c.relative_path, c.transcript FROM evaluation_results r JOIN clips c ON c.id = r.clip_id
         WHERE r.evaluation_id = ? ORDER BY r.clip_set, c.relative_path, r.clip_id, r.variant`,
      )
      .all(evaluationId) as ResultRecord[];
  }

  /**
   * The first `limit` clips of a dataset by relative path. `speech`: only clips with a reference
   * transcript and at most 30 s long (only the first window is transcribed; a longer clip's
   * reference would count the rest as deletions).
   */
  datasetClipIds(datasetId: number, limit: number, speech: boolean): number[] {
    const where = speech ? "AND transcript IS NOT NULL AND TRIM(transcript) <> '' AND duration_sec <= 30.0" : '';
    return (this.db.prepare(`SELECT id FROM clips WHERE dataset_id = ? ${where} ORDER BY relative_path, id LIMIT ?`).all(datasetId, limit) as { id: number }[]).map((r) => r.id);
  }
}
