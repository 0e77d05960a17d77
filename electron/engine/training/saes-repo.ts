/**
 * SAEs and their metrics in SQLite (schema version 5). An SAE row is created when its training
 * starts; `train_key` (run, layer, full config) finds the unfinished SAE a resumed job continues.
 */
import type { SaeMetricRow, SaeSummary } from '../../common/contract.js';
import type { SqliteDatabase } from '../store/database.js';

export interface NewSae {
  runId: number;
  modelId: number;
  layer: number;
  architecture: SaeSummary['architecture'];
  k: number;
  width: number;
  seed: number;
  config: Record<string, unknown>;
  trainKey: string;
  jobId: number;
}

interface SaeRecord {
  id: number;
  run_id: number | null;
  source: SaeSummary['source'];
  source_format: SaeSummary['sourceFormat'];
  source_path: string | null;
  analysed_run_id: number | null;
  model_id: number;
  layer: number;
  architecture: SaeSummary['architecture'];
  k: number;
  width: number;
  seed: number;
  status: SaeSummary['status'];
  config: string;
  step: number;
  checkpoint_path: string | null;
  final_metrics: string | null;
  job_id: number | null;
  created_at: string;
  finished_at: string | null;
}

interface MetricRecord {
  step: number;
  loss: number;
  mse: number;
  fvu: number;
  explained_variance: number;
  l0: number;
  dead_fraction: number;
  aux_loss: number;
  lr: number;
}

function toSummary(row: SaeRecord): SaeSummary {
  return {
    id: row.id,
    runId: row.run_id,
    source: row.source,
    sourceFormat: row.source_format,
    sourcePath: row.source_path,
    analysedRunId: row.analysed_run_id,
    modelId: row.model_id,
    layer: row.layer,
    architecture: row.architecture,
    k: row.k,
    width: row.width,
    seed: row.seed,
    status: row.status,
    step: row.step,
    config: JSON.parse(row.config) as Record<string, unknown>,
    checkpointPath: row.checkpoint_path,
    finalMetrics: row.final_metrics === null ? null : (JSON.parse(row.final_metrics) as SaeMetricRow),
    jobId: row.job_id,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

function toMetricRow(r: MetricRecord): SaeMetricRow {
  return {
    step: r.step,
    'losses/overall_loss': r.loss,
    'losses/mse_loss': r.mse,
    'losses/auxiliary_reconstruction_loss': r.aux_loss,
    'metrics/fvu': r.fvu,
    'metrics/explained_variance': r.explained_variance,
    'metrics/l0': r.l0,
    'sparsity/dead_features': r.dead_fraction,
    'details/current_learning_rate': r.lr,
  };
}

const SAE_SELECT = 'SELECT s.*, (SELECT a.run_id FROM sae_analyses a WHERE a.sae_id = s.id) AS analysed_run_id FROM saes s';

export class SaesRepo {
  constructor(private readonly db: SqliteDatabase) {}

  create(sae: NewSae): SaeSummary {
    const { lastInsertRowid } = this.db
      .prepare(
        `INSERT INTO saes (run_id, model_id, layer, architecture, k, width, seed, status, config, train_key, job_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'training', ?, ?, ?, ?)`,
      )
      .run(sae.runId, sae.modelId, sae.layer, sae.architecture, sae.k, sae.width, sae.seed, JSON.stringify(sae.config), sae.trainKey, sae.jobId, new Date().toISOString());
    return this.get(Number(lastInsertRowid))!;
  }

  /** The newest unfinished SAE with this training key, to resume. */
  findResumable(trainKey: string): SaeSummary | undefined {
    const row = this.db.prepare(`${SAE_SELECT} WHERE s.train_key = ? AND s.status != 'complete' ORDER BY s.id DESC LIMIT 1`).get(trainKey) as SaeRecord | undefined;
    return row && toSummary(row);
  }

  get(id: number): SaeSummary | undefined {
    const row = this.db.prepare(`${SAE_SELECT} WHERE s.id = ?`).get(id) as SaeRecord | undefined;
    return row && toSummary(row);
  }

  list(): SaeSummary[] {
    return (this.db.prepare(`${SAE_SELECT} ORDER BY s.id DESC`).all() as SaeRecord[]).map(toSummary);
  }

  markTraining(id: number, jobId: number): void {
    this.db.prepare("UPDATE saes SET status = 'training', job_id = ? WHERE id = ?").run(jobId, id);
  }

  /** Records a checkpoint; metrics after its step (from a run that died later) are dropped, to be recorded again. */
  checkpointed(id: number, step: number, path: string): void {
    this.db.prepare('UPDATE saes SET step = ?, checkpoint_path = ? WHERE id = ?').run(step, path, id);
  }

  dropMetricsAfter(id: number, step: number): void {
    this.db.prepare('DELETE FROM sae_metrics WHERE sae_id = ? AND step > ?').run(id, step);
  }

  addMetrics(id: number, row: SaeMetricRow): void {
    this.db
      .prepare('INSERT OR REPLACE INTO sae_metrics (sae_id, step, loss, mse, fvu, explained_variance, l0, dead_fraction, aux_loss, lr) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, row.step, row['losses/overall_loss'], row['losses/mse_loss'], row['metrics/fvu'], row['metrics/explained_variance'], row['metrics/l0'], row['sparsity/dead_features'], row['losses/auxiliary_reconstruction_loss'], row['details/current_learning_rate']);
  }

  metrics(id: number): SaeMetricRow[] {
    return (this.db.prepare('SELECT * FROM sae_metrics WHERE sae_id = ? ORDER BY step').all(id) as MetricRecord[]).map(toMetricRow);
  }

  finish(id: number, status: 'incomplete' | 'complete', final?: { step: number; path: string; metrics: SaeMetricRow | null }): void {
    if (final) {
      this.db
        .prepare('UPDATE saes SET status = ?, step = ?, checkpoint_path = ?, final_metrics = ?, finished_at = ? WHERE id = ?')
        .run(status, final.step, final.path, final.metrics === null ? null : JSON.stringify(final.metrics), new Date().toISOString(), id);
    } else {
      this.db.prepare('UPDATE saes SET status = ? WHERE id = ?').run(status, id);
    }
  }
}
