/**
 * An analysed SAE's features joined with their labels, filtered, searched (FTS5), sorted and
 * paged in SQL; and a feature's stored examples joined with their clips.
 */
import { DENSE_FEATURE_DENSITY, type FeatureExample, type FeatureFilter, type FeaturePage, type FeatureRow, type FeatureSort } from '../../common/contract.js';
import type { SqliteDatabase } from '../store/database.js';
import { toFtsQuery } from '../store/datasets-repo.js';
import { toFeatureLabel, type LabelRecord } from './labels-repo.js';

export interface FeatureQuery {
  saeId: number;
  offset: number;
  limit: number;
  sort: FeatureSort;
  filter: FeatureFilter;
  search?: string;
  log10DensityRange?: { min: number; max: number };
}

const ORDER: Record<FeatureSort, string> = {
  feature: 's.feature',
  density: 's.density, s.feature',
  '-density': 's.density DESC, s.feature',
  max: 's.max_activation, s.feature',
  '-max': 's.max_activation DESC, s.feature',
  label: "COALESCE(l.label, '') = '', COALESCE(l.label, '') COLLATE NOCASE, s.feature",
};

const FILTER: Record<FeatureFilter, string> = {
  all: '',
  labelled: "AND l.label <> ''",
  unlabelled: "AND (l.id IS NULL OR l.label = '')",
  unclear: 'AND l.unclear = 1',
  dead: 'AND s.density = 0',
  dense: `AND s.density > ${DENSE_FEATURE_DENSITY}`,
};

const LABEL_COLUMNS = 'l.id AS l_id, l.label, l.notes, l.confidence, l.tags, l.unclear, l.author, l.revision, l.updated_at';

interface StatLabelRecord extends Omit<LabelRecord, 'sae_id' | 'feature'> {
  feature: number;
  density: number;
  mean_activation: number;
  max_activation: number;
  suggested_label: string | null;
  l_id: number | null;
}

function toFeatureRow(saeId: number, r: StatLabelRecord): FeatureRow {
  return {
    feature: r.feature,
    density: r.density,
    meanActivation: r.mean_activation,
    maxActivation: r.max_activation,
    suggestedLabel: r.suggested_label,
    label: r.l_id === null ? null : toFeatureLabel({ ...r, sae_id: saeId }),
  };
}

interface ExampleRecord {
  kind: 'top' | 'quantile';
  rank: number;
  quantile: number | null;
  clip_id: number;
  relative_path: string;
  duration_sec: number;
  frame: number;
  time_sec: number;
  value: number;
  labels: string;
  transcript: string | null;
}

export class FeaturesRepo {
  constructor(private readonly db: SqliteDatabase) {}

  list(q: FeatureQuery): FeaturePage {
    const where: string[] = ['s.sae_id = ?', FILTER[q.filter]];
    const args: (number | string)[] = [q.saeId];
    const fts = q.search === undefined ? '' : toFtsQuery(q.search);
    if (q.search !== undefined) {
      if (fts === '') return { saeId: q.saeId, total: 0, offset: q.offset, rows: [] };
      where.push('AND l.id IN (SELECT rowid FROM feature_labels_fts WHERE feature_labels_fts MATCH ?)');
      args.push(fts);
    }
    if (q.log10DensityRange) {
      where.push('AND s.density > 0 AND log10(s.density) >= ? AND log10(s.density) < ?');
      args.push(q.log10DensityRange.min, q.log10DensityRange.max);
    }
    const from = `FROM sae_feature_stats s LEFT JOIN feature_labels l ON l.sae_id = s.sae_id AND l.feature = s.feature WHERE ${where.join(' ')}`;
    const total = (this.db.prepare(`SELECT COUNT(*) AS n ${from}`).get(...args) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT s.feature, s.density, s.mean_activation, s.max_activation, s.suggested_label, ${LABEL_COLUMNS} ${from} ORDER BY ${ORDER[q.sort]} LIMIT ? OFFSET ?`)
      .all(...args, q.limit, q.offset) as StatLabelRecord[];
    return { saeId: q.saeId, total, offset: q.offset, rows: rows.map((r) => toFeatureRow(q.saeId, r)) };
  }

  row(saeId: number, feature: number): FeatureRow | undefined {
    const r = this.db
      .prepare(
        `SELECT s.feature, s.density, s.mean_activation, s.max_activation, s.suggested_label, ${LABEL_COLUMNS}
         FROM sae_feature_stats s LEFT JOIN feature_labels l ON l.sae_id = s.sae_id AND l.feature = s.feature WHERE s.sae_id = ? AND s.feature = ?`,
      )
      .get(saeId, feature) as StatLabelRecord | undefined;
    return r && toFeatureRow(saeId, r);
  }

  /** Top and quantile examples of a feature with their clips, top first, each kind by rank. */
  examples(saeId: number, feature: number): FeatureExample[] {
    const rows = this.db
      .prepare(
        `SELECT e.kind, e.rank, e.quantile, e.clip_id, c.relative_path, c.duration_sec, e.frame, e.time_sec, e.value, c.labels, c.transcript
         FROM sae_feature_examples e JOIN clips c ON c.id = e.clip_id
         WHERE e.sae_id = ? AND e.feature = ? ORDER BY e.kind DESC, e.rank`,
      )
      .all(saeId, feature) as ExampleRecord[];
    return rows.map((r) => ({
      kind: r.kind,
      rank: r.rank,
      quantile: r.quantile,
      clipId: r.clip_id,
      relativePath: r.relative_path,
      clipDurationSec: r.duration_sec,
      frame: r.frame,
      timeSec: r.time_sec,
      value: r.value,
      labels: JSON.parse(r.labels) as Record<string, string[]>,
      transcript: r.transcript,
    }));
  }

  /** Labels (text) of the given features of an SAE. */
  labelTexts(saeId: number, features: readonly number[]): Map<number, string> {
    if (features.length === 0) return new Map();
    const rows = this.db
      .prepare(`SELECT feature, label FROM feature_labels WHERE sae_id = ? AND label <> '' AND feature IN (${features.map(() => '?').join(',')})`)
      .all(saeId, ...features) as { feature: number; label: string }[];
    return new Map(rows.map((r) => [r.feature, r.label]));
  }
}
