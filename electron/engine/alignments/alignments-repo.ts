/** Forced alignments of clips (schema 9, `clip_alignments`): intervals per clip and tier. */
import type { SqliteDatabase } from '../store/database.js';
import type { AlignedInterval } from './alignment-formats.js';

export interface TierSummary {
  tier: string;
  clips: number;
  intervals: number;
  labels: number;
}

export class AlignmentsRepo {
  constructor(private readonly db: SqliteDatabase) {}

  /** Replaces the clip's intervals of `tier` (one transaction per call). */
  replaceTier(clipId: number, tier: string, intervals: readonly AlignedInterval[], source: string): void {
    const insert = this.db.prepare('INSERT OR REPLACE INTO clip_alignments (clip_id, tier, start_sec, end_sec, label, source) VALUES (?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM clip_alignments WHERE clip_id = ? AND tier = ?').run(clipId, tier);
      for (const i of intervals) insert.run(clipId, tier, i.startSec, i.endSec, i.label, source);
    })();
  }

  summary(datasetId: number): TierSummary[] {
    return this.db
      .prepare(
        `SELECT tier, COUNT(DISTINCT clip_id) AS clips, COUNT(*) AS intervals, COUNT(DISTINCT label) AS labels FROM clip_alignments
         WHERE clip_id IN (SELECT id FROM clips WHERE dataset_id = ?) GROUP BY tier ORDER BY tier`,
      )
      .all(datasetId) as TierSummary[];
  }

  /** The tier's intervals of every clip of an activation run, in time order. */
  intervalsOfRun(runId: number, tier: string): Map<number, AlignedInterval[]> {
    const rows = this.db
      .prepare(
        `SELECT clip_id AS clipId, start_sec AS startSec, end_sec AS endSec, label FROM clip_alignments
         WHERE tier = ? AND clip_id IN (SELECT DISTINCT clip_id FROM activation_spans WHERE run_id = ?) ORDER BY clip_id, start_sec`,
      )
      .all(tier, runId) as (AlignedInterval & { clipId: number })[];
    const out = new Map<number, AlignedInterval[]>();
    for (const { clipId, ...interval } of rows) out.set(clipId, [...(out.get(clipId) ?? []), interval]);
    return out;
  }

  /** Whether any clip of the run has intervals of `tier` (without reading them). */
  hasTierOnRun(runId: number, tier: string): boolean {
    return (
      this.db.prepare('SELECT 1 FROM clip_alignments WHERE tier = ? AND clip_id IN (SELECT DISTINCT clip_id FROM activation_spans WHERE run_id = ?) LIMIT 1').get(tier, runId) !== undefined
    );
  }

  /** Tiers aligned on the run's clips (for error messages). */
  tiersOfRun(runId: number): string[] {
    return (this.db.prepare('SELECT DISTINCT tier FROM clip_alignments WHERE clip_id IN (SELECT DISTINCT clip_id FROM activation_spans WHERE run_id = ?) ORDER BY tier').all(runId) as { tier: string }[]).map((r) => r.tier);
  }
}
