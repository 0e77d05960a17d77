/**
 * SAE feature analyses in SQLite (schema 6): one `sae_analyses` row per SAE, its per-feature
 * statistics and its top / quantile examples. An analysis replaces the previous one of the same
 * SAE in one transaction, so readers see the old one or the new one, never a mix.
 */
import type { SaeAnalysis } from '../../common/contract.js';
import { labelKeyValue, type DatasetLabelBase } from '../features/enrichment.js';
import type { SqliteDatabase } from '../store/database.js';

export interface AnalysisRecord {
  saeId: number;
  runId: number;
  frames: number;
  topN: number;
  histogram: SaeAnalysis['histogram'];
  jobId: number | null;
}

export interface FeatureStatRecord {
  feature: number;
  density: number;
  meanActivation: number;
  maxActivation: number;
  suggestedLabel: string | null;
}

export interface FeatureExampleRecord {
  feature: number;
  kind: 'top' | 'quantile';
  rank: number;
  clipId: number;
  frame: number;
  timeSec: number;
  value: number;
  quantile: number | null;
}

interface AnalysisRow {
  sae_id: number;
  run_id: number;
  frames: number;
  top_n: number;
  histogram: string;
  job_id: number | null;
  created_at: string;
}

export class AnalysisRepo {
  constructor(private readonly db: SqliteDatabase) {}

  /** Replaces the SAE's analysis, statistics and examples in one transaction. */
  replace(analysis: AnalysisRecord, stats: readonly FeatureStatRecord[], examples: readonly FeatureExampleRecord[]): void {
    const insertStat = this.db.prepare('INSERT INTO sae_feature_stats (sae_id, feature, density, mean_activation, max_activation, suggested_label) VALUES (?, ?, ?, ?, ?, ?)');
    const insertExample = this.db.prepare(
      'INSERT INTO sae_feature_examples (sae_id, feature, kind, rank, clip_id, frame, time_sec, value, quantile) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const { saeId } = analysis;
    this.db.transaction(() => {
      this.delete(saeId);
      this.db
        .prepare('INSERT INTO sae_analyses (sae_id, run_id, frames, top_n, histogram, job_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(saeId, analysis.runId, analysis.frames, analysis.topN, JSON.stringify(analysis.histogram), analysis.jobId, new Date().toISOString());
      for (const s of stats) insertStat.run(saeId, s.feature, s.density, s.meanActivation, s.maxActivation, s.suggestedLabel);
      for (const e of examples) insertExample.run(saeId, e.feature, e.kind, e.rank, e.clipId, e.frame, e.timeSec, e.value, e.quantile);
    })();
  }

  delete(saeId: number): void {
    this.db.prepare('DELETE FROM sae_feature_examples WHERE sae_id = ?').run(saeId);
    this.db.prepare('DELETE FROM sae_feature_stats WHERE sae_id = ?').run(saeId);
    this.db.prepare('DELETE FROM sae_analyses WHERE sae_id = ?').run(saeId);
  }

  get(saeId: number): SaeAnalysis | null {
    const row = this.db.prepare('SELECT * FROM sae_analyses WHERE sae_id = ?').get(saeId) as AnalysisRow | undefined;
    if (!row) return null;
    return {
      saeId: row.sae_id,
      runId: row.run_id,
      frames: row.frames,
      topN: row.top_n,
      histogram: JSON.parse(row.histogram) as SaeAnalysis['histogram'],
      jobId: row.job_id,
      createdAt: row.created_at,
    };
  }

  stats(saeId: number): FeatureStatRecord[] {
    return this.db
      .prepare(
        `SELECT feature, density, mean_activation AS meanActivation, max_activation AS maxActivation, suggested_label AS suggestedLabel
         FROM sae_feature_stats WHERE sae_id = ? ORDER BY feature`,
      )
      .all(saeId) as FeatureStatRecord[];
  }

  examples(saeId: number, feature: number, kind: 'top' | 'quantile'): FeatureExampleRecord[] {
    return this.db
      .prepare(
        `SELECT feature, kind, rank, clip_id AS clipId, frame, time_sec AS timeSec, value, quantile
         FROM sae_feature_examples WHERE sae_id = ? AND feature = ? AND kind = ? ORDER BY rank`,
      )
      .all(saeId, feature, kind) as FeatureExampleRecord[];
  }

  /** How many clips of the dataset carry each `key=value`, and how many clips it has. */
  labelBase(datasetId: number): DatasetLabelBase {
    const rows = this.db
      .prepare('SELECT l.key, l.value, COUNT(*) AS n FROM clip_labels l JOIN clips c ON c.id = l.clip_id WHERE c.dataset_id = ? GROUP BY l.key, l.value')
      .all(datasetId) as { key: string; value: string; n: number }[];
    const totalClips = (this.db.prepare('SELECT COUNT(*) AS n FROM clips WHERE dataset_id = ?').get(datasetId) as { n: number }).n;
    return { counts: new Map(rows.map((r) => [labelKeyValue(r.key, r.value), r.n])), totalClips };
  }

  /** Every labelled clip of the dataset with its labels. */
  clipLabels(datasetId: number): Map<number, Record<string, string[]>> {
    const rows = this.db
      .prepare('SELECT l.clip_id AS clipId, l.key, l.value FROM clip_labels l JOIN clips c ON c.id = l.clip_id WHERE c.dataset_id = ? ORDER BY l.clip_id, l.key, l.value')
      .all(datasetId) as { clipId: number; key: string; value: string }[];
    const labels = new Map<number, Record<string, string[]>>();
    for (const r of rows) {
      let of = labels.get(r.clipId);
      if (!of) labels.set(r.clipId, (of = {}));
      (of[r.key] ??= []).push(r.value);
    }
    return labels;
  }
}
