/**
 * Feature discoveries and steering presets in SQLite (schema 7). A discovery and all its scores
 * are written in one transaction, so a cancelled or failed job leaves nothing half-stored.
 */
import type { DiscoveryRankingRow, DiscoveryScore, DiscoverySort, FeatureDiscovery, SteeringPreset } from '../../common/contract.js';
import { AppError } from '../../common/errors.js';
import type { SqliteDatabase } from '../store/database.js';
import type { FeatureScores } from './feature-ranking.js';

export interface NewDiscovery {
  saeId: number;
  params: Record<string, unknown>;
  heldOutAccuracy: number | null;
  positive: { clips: number; frames: number };
  negative: { clips: number; frames: number };
  score: DiscoveryScore;
  jobId: number | null;
}

interface DiscoveryRecord {
  id: number;
  sae_id: number;
  params: string;
  summary: string;
  created_at: string;
  job_id: number | null;
  heldout_accuracy: number | null;
}

interface PresetRecord {
  id: number;
  name: string;
  sae_id: number;
  features: string;
  created_at: string;
  notes: string;
}

type Summary = Pick<FeatureDiscovery, 'positive' | 'negative' | 'score'>;

function toDiscovery(r: DiscoveryRecord): FeatureDiscovery {
  const summary = JSON.parse(r.summary) as Summary;
  return {
    id: r.id,
    saeId: r.sae_id,
    params: JSON.parse(r.params) as Record<string, unknown>,
    heldOutAccuracy: r.heldout_accuracy,
    ...summary,
    jobId: r.job_id,
    createdAt: r.created_at,
  };
}

function toPreset(r: PresetRecord): SteeringPreset {
  return { id: r.id, name: r.name, saeId: r.sae_id, features: JSON.parse(r.features) as SteeringPreset['features'], notes: r.notes, createdAt: r.created_at };
}

/** ORDER BY per sort: score sorts put the most "non-speech" first; rank breaks ties. */
const ORDER: Record<DiscoverySort, string> = {
  rank: 's.rank',
  feature: 's.feature',
  auroc: 's.auroc DESC, s.rank',
  probeWeight: 's.probe_weight DESC, s.rank',
  firingRateDiff: '(s.firing_rate_pos - s.firing_rate_neg) DESC, s.rank',
  meanDiff: '(s.mean_pos - s.mean_neg) DESC, s.rank',
};

export class SteeringRepo {
  constructor(private readonly db: SqliteDatabase) {}

  addDiscovery(d: NewDiscovery, scores: readonly FeatureScores[]): FeatureDiscovery {
    const insertScore = this.db.prepare(
      `INSERT INTO feature_discovery_scores (discovery_id, feature, firing_rate_pos, firing_rate_neg, mean_pos, mean_neg, auroc, probe_weight, rank)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const summary: Summary = { positive: d.positive, negative: d.negative, score: d.score };
    const id = this.db.transaction(() => {
      const { lastInsertRowid } = this.db
        .prepare('INSERT INTO feature_discoveries (sae_id, params, summary, created_at, job_id, heldout_accuracy) VALUES (?, ?, ?, ?, ?, ?)')
        .run(d.saeId, JSON.stringify(d.params), JSON.stringify(summary), new Date().toISOString(), d.jobId, d.heldOutAccuracy);
      const discoveryId = Number(lastInsertRowid);
      for (const s of scores) insertScore.run(discoveryId, s.feature, s.firingRatePos, s.firingRateNeg, s.meanPos, s.meanNeg, s.auroc, s.probeWeight, s.rank);
      return discoveryId;
    })();
    return this.discovery(id)!;
  }

  discovery(id: number): FeatureDiscovery | undefined {
    const row = this.db.prepare('SELECT * FROM feature_discoveries WHERE id = ?').get(id) as DiscoveryRecord | undefined;
    return row && toDiscovery(row);
  }

  discoveries(saeId: number): FeatureDiscovery[] {
    return (this.db.prepare('SELECT * FROM feature_discoveries WHERE sae_id = ? ORDER BY id DESC').all(saeId) as DiscoveryRecord[]).map(toDiscovery);
  }

  ranking(discoveryId: number, sort: DiscoverySort, offset: number, limit: number): { total: number; rows: DiscoveryRankingRow[] } {
    const total = (this.db.prepare('SELECT COUNT(*) AS n FROM feature_discovery_scores WHERE discovery_id = ?').get(discoveryId) as { n: number }).n;
    const rows = this.db
      .prepare(
        `SELECT s.rank, s.feature, s.firing_rate_pos AS firingRatePos, s.firing_rate_neg AS firingRateNeg, s.mean_pos AS meanPos, s.mean_neg AS meanNeg,
                s.auroc, s.probe_weight AS probeWeight, NULLIF(l.label, '') AS label
         FROM feature_discovery_scores s
         JOIN feature_discoveries d ON d.id = s.discovery_id
         LEFT JOIN feature_labels l ON l.sae_id = d.sae_id AND l.feature = s.feature
         WHERE s.discovery_id = ? ORDER BY ${ORDER[sort]} LIMIT ? OFFSET ?`,
      )
      .all(discoveryId, limit, offset) as DiscoveryRankingRow[];
    return { total, rows };
  }

  /** The discovery's first `topN` features by rank. */
  topFeatures(discoveryId: number, topN: number): number[] {
    return (this.db.prepare('SELECT feature FROM feature_discovery_scores WHERE discovery_id = ? ORDER BY rank LIMIT ?').all(discoveryId, topN) as { feature: number }[]).map((r) => r.feature);
  }

  savePreset(preset: { name: string; saeId: number; features: SteeringPreset['features']; notes: string }): SteeringPreset {
    if (this.db.prepare('SELECT 1 FROM steering_presets WHERE name = ?').get(preset.name)) {
      throw new AppError('conflict', `A steering preset named "${preset.name}" already exists: pick another name or delete it first.`);
    }
    const { lastInsertRowid } = this.db
      .prepare('INSERT INTO steering_presets (name, sae_id, features, created_at, notes) VALUES (?, ?, ?, ?, ?)')
      .run(preset.name, preset.saeId, JSON.stringify(preset.features), new Date().toISOString(), preset.notes);
    return this.preset(Number(lastInsertRowid))!;
  }

  preset(id: number): SteeringPreset | undefined {
    const row = this.db.prepare('SELECT * FROM steering_presets WHERE id = ?').get(id) as PresetRecord | undefined;
    return row && toPreset(row);
  }

  presets(saeId?: number): SteeringPreset[] {
    const rows = (saeId === undefined
      ? this.db.prepare('SELECT * FROM steering_presets ORDER BY id DESC').all()
      : this.db.prepare('SELECT * FROM steering_presets WHERE sae_id = ? ORDER BY id DESC').all(saeId)) as PresetRecord[];
    return rows.map(toPreset);
  }

  deletePreset(id: number): boolean {
    return this.db.prepare('DELETE FROM steering_presets WHERE id = ?').run(id).changes > 0;
  }

  /** How many distinct clips the run holds frames of, and how many of them carry `key=value`. */
  runClipCounts(runId: number, label: { key: string; value: string }): { clips: number; labelled: number } {
    const clips = (this.db.prepare('SELECT COUNT(DISTINCT clip_id) AS n FROM activation_spans WHERE run_id = ?').get(runId) as { n: number }).n;
    return { clips, labelled: this.labelledClips(runId, label).length };
  }

  /** The run's clips carrying the label `key=value`. */
  labelledClips(runId: number, label: { key: string; value: string }): number[] {
    return (
      this.db
        .prepare(
          `SELECT DISTINCT s.clip_id AS clipId FROM activation_spans s JOIN clip_labels l ON l.clip_id = s.clip_id
           WHERE s.run_id = ? AND l.key = ? AND l.value = ?`,
        )
        .all(runId, label.key, label.value) as { clipId: number }[]
    ).map((r) => r.clipId);
  }

  /** Some values of a label key among a dataset's clips (for messages). */
  labelValues(datasetId: number, key: string, limit = 10): string[] {
    return (
      this.db
        .prepare('SELECT DISTINCT l.value FROM clip_labels l JOIN clips c ON c.id = l.clip_id WHERE c.dataset_id = ? AND l.key = ? ORDER BY l.value LIMIT ?')
        .all(datasetId, key, limit) as { value: string }[]
    ).map((r) => r.value);
  }
}
