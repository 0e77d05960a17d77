/**
 * Feature labels (schema 6): one `feature_labels` row per labelled feature (FTS5-indexed through
 * triggers) and a `feature_label_history` row holding the full state after every saved change.
 * Every write is one transaction, so once it returns the label is on disk (WAL).
 */
import { userInfo } from 'node:os';
import type { FeatureLabel, LabelConfidence, LabelSearchHit } from '../../common/contract.js';
import { AppError } from '../../common/errors.js';
import type { SqliteDatabase } from '../store/database.js';
import { toFtsQuery } from '../store/datasets-repo.js';

export interface LabelPatch {
  label?: string;
  notes?: string;
  confidence?: LabelConfidence | null;
  tags?: string[];
  unclear?: boolean;
}

/** The editable part of a label. */
export type LabelFields = Required<LabelPatch>;

export const EMPTY_LABEL_FIELDS: LabelFields = { label: '', notes: '', confidence: null, tags: [], unclear: false };

export interface LabelRecord {
  sae_id: number;
  feature: number;
  label: string;
  notes: string;
  confidence: LabelConfidence | null;
  tags: string;
  unclear: number;
  author: string;
  revision: number;
  updated_at: string;
}

export function toFeatureLabel(row: LabelRecord): FeatureLabel {
  return {
    saeId: row.sae_id,
    feature: row.feature,
    label: row.label,
    notes: row.notes,
    confidence: row.confidence,
    tags: JSON.parse(row.tags) as string[],
    unclear: row.unclear === 1,
    author: row.author,
    revision: row.revision,
    updatedAt: row.updated_at,
  };
}

export function defaultAuthor(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

export function sameFields(a: LabelFields, b: LabelFields): boolean {
  return a.label === b.label && a.notes === b.notes && a.confidence === b.confidence && a.unclear === b.unclear && JSON.stringify(a.tags) === JSON.stringify(b.tags);
}

export function fieldsOf(label: FeatureLabel | null): LabelFields {
  return label ? { label: label.label, notes: label.notes, confidence: label.confidence, tags: [...label.tags], unclear: label.unclear } : { ...EMPTY_LABEL_FIELDS, tags: [] };
}

export class LabelsRepo {
  constructor(private readonly db: SqliteDatabase) {}

  get(saeId: number, feature: number): FeatureLabel | null {
    const row = this.db.prepare('SELECT * FROM feature_labels WHERE sae_id = ? AND feature = ?').get(saeId, feature) as LabelRecord | undefined;
    return row ? toFeatureLabel(row) : null;
  }

  /** Every label of an SAE, by feature. */
  all(saeId: number): FeatureLabel[] {
    return (this.db.prepare('SELECT * FROM feature_labels WHERE sae_id = ? ORDER BY feature').all(saeId) as LabelRecord[]).map(toFeatureLabel);
  }

  /** Applies only the given fields; a patch that changes nothing saves nothing and returns the label as it is. */
  set(saeId: number, feature: number, patch: LabelPatch, author: string = defaultAuthor()): FeatureLabel {
    return this.db.transaction(() => {
      const current = this.get(saeId, feature);
      const before = fieldsOf(current);
      const after: LabelFields = {
        label: patch.label ?? before.label,
        notes: patch.notes ?? before.notes,
        confidence: patch.confidence !== undefined ? patch.confidence : before.confidence,
        tags: patch.tags ? [...patch.tags] : before.tags,
        unclear: patch.unclear ?? before.unclear,
      };
      if (current && sameFields(before, after)) return current;
      return this.write(saeId, feature, after, author, new Date().toISOString(), current);
    })();
  }

  /** Writes a full state as the next revision, with its history row (call inside a transaction). */
  write(saeId: number, feature: number, fields: LabelFields, author: string, at: string, current: FeatureLabel | null = this.get(saeId, feature)): FeatureLabel {
    const revision = (current?.revision ?? this.lastRevision(saeId, feature)) + 1;
    const tags = JSON.stringify(fields.tags);
    const unclear = fields.unclear ? 1 : 0;
    this.db
      .prepare(
        `INSERT INTO feature_labels (sae_id, feature, label, notes, confidence, tags, unclear, author, revision, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (sae_id, feature) DO UPDATE SET label = excluded.label, notes = excluded.notes, confidence = excluded.confidence,
           tags = excluded.tags, unclear = excluded.unclear, author = excluded.author, revision = excluded.revision, updated_at = excluded.updated_at`,
      )
      .run(saeId, feature, fields.label, fields.notes, fields.confidence, tags, unclear, author, revision, at);
    this.db
      .prepare('INSERT INTO feature_label_history (sae_id, feature, label, notes, confidence, tags, unclear, author, revision, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(saeId, feature, fields.label, fields.notes, fields.confidence, tags, unclear, author, revision, at);
    return { saeId, feature, ...fields, tags: [...fields.tags], author, revision, updatedAt: at };
  }

  private lastRevision(saeId: number, feature: number): number {
    const row = this.db.prepare('SELECT MAX(revision) AS r FROM feature_label_history WHERE sae_id = ? AND feature = ?').get(saeId, feature) as { r: number | null };
    return row.r ?? 0;
  }

  /** Every saved version, newest first. */
  history(saeId: number, feature: number): FeatureLabel[] {
    const rows = this.db
      .prepare('SELECT sae_id, feature, label, notes, confidence, tags, unclear, author, revision, at AS updated_at FROM feature_label_history WHERE sae_id = ? AND feature = ? ORDER BY id DESC')
      .all(saeId, feature) as LabelRecord[];
    return rows.map(toFeatureLabel);
  }

  /** Restores the state before the newest version (the empty label before the first), saved as a new version. */
  undo(saeId: number, feature: number, author: string = defaultAuthor()): FeatureLabel {
    return this.db.transaction(() => {
      const versions = this.history(saeId, feature);
      if (versions.length === 0) throw new AppError('not_found', `Feature ${feature} of SAE ${saeId} has no saved label to undo.`);
      const previous = versions.length > 1 ? fieldsOf(versions[1]!) : fieldsOf(null);
      return this.write(saeId, feature, previous, author, new Date().toISOString());
    })();
  }

  /** Removes labels (history is kept). */
  deleteExcept(saeId: number, keep: ReadonlySet<number>): number {
    const features = (this.db.prepare('SELECT feature FROM feature_labels WHERE sae_id = ?').all(saeId) as { feature: number }[]).map((r) => r.feature).filter((f) => !keep.has(f));
    const del = this.db.prepare('DELETE FROM feature_labels WHERE sae_id = ? AND feature = ?');
    for (const f of features) del.run(saeId, f);
    return features.length;
  }

  /**
   * Full-text search over label, notes and tags, most recently created labels first; the snippet
   * marks matches in [brackets]. Not ranked by bm25: that scores every match before the LIMIT
   * (~30 ms for a common word over 100k labels), while rowid order stops after `limit` rows.
   */
  search(query: string, saeId: number | undefined, limit: number): LabelSearchHit[] {
    const fts = toFtsQuery(query);
    if (fts === '') return [];
    // CROSS JOIN keeps the FTS scan outermost (in rowid order, stopping at the limit); otherwise
    // SQLite may probe the index once per label of the SAE. For one SAE, its labels' rowid range
    // bounds the scan (FTS5 seeks to it) so other SAEs' matches are mostly skipped.
    let range = '';
    const args: (string | number)[] = [fts];
    if (saeId !== undefined) {
      const span = this.db.prepare('SELECT MIN(id) AS lo, MAX(id) AS hi FROM feature_labels WHERE sae_id = ?').get(saeId) as { lo: number | null; hi: number | null };
      if (span.lo === null || span.hi === null) return [];
      range = 'AND f.rowid BETWEEN ? AND ? AND l.sae_id = ?';
      args.push(span.lo, span.hi, saeId);
    }
    return this.db
      .prepare(
        `SELECT l.sae_id AS saeId, l.feature, l.label, snippet(feature_labels_fts, -1, '[', ']', '…', 12) AS snippet
         FROM feature_labels_fts f CROSS JOIN feature_labels l ON l.id = f.rowid
         WHERE feature_labels_fts MATCH ? ${range} ORDER BY f.rowid DESC LIMIT ?`,
      )
      .all(...args, limit) as LabelSearchHit[];
  }
}
