/**
 * Activation runs in SQLite (schema version 3): one row per run, one per complete shard, and the
 * clip/window -> shard rows index ("spans"). Frame f of span s is row `s.rowOffset + f` of shard
 * `s.shardIndex`, clip frame `s.firstFrame + f`, at `s.startSec + f / frameRateHz` seconds.
 * A shard and its spans are committed in one transaction after the shard file is on disk.
 */
import type { ActivationRunSummary } from '../../common/contract.js';
import type { SqliteDatabase } from '../store/database.js';

export type ActivationDtype = 'float16' | 'float32';

export interface ActivationSpan {
  clipId: number;
  windowIndex: number;
  firstFrame: number;
  frames: number;
  startSec: number;
  shardIndex: number;
  rowOffset: number;
}

export interface NewActivationRun {
  datasetId: number;
  modelId: number;
  layers: number[];
  dtype: ActivationDtype;
  dModel: number;
  frameRateHz: number;
  dir: string;
  device: string;
  jobId: number | null;
}

export interface ClipToExtract {
  id: number;
  path: string;
  durationSec: number;
}

interface RunRecord {
  id: number;
  dataset_id: number;
  model_id: number;
  layers: string;
  dtype: ActivationDtype;
  d_model: number;
  frame_rate_hz: number;
  dir: string;
  status: ActivationRunSummary['status'];
  device: string;
  device_fallback: string | null;
  frames: number;
  audio_sec: number;
  bytes: number;
  created_at: string;
  finished_at: string | null;
  shards: number;
}

const RUN_SELECT = `SELECT r.*, (SELECT COUNT(*) FROM activation_shards s WHERE s.run_id = r.id) AS shards FROM activation_runs r`;

function toSummary(row: RunRecord): ActivationRunSummary {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    modelId: row.model_id,
    layers: JSON.parse(row.layers) as number[],
    dtype: row.dtype,
    dModel: row.d_model,
    frameRateHz: row.frame_rate_hz,
    dir: row.dir,
    status: row.status,
    device: row.device,
    deviceFallback: row.device_fallback,
    shards: row.shards,
    frames: row.frames,
    audioSec: row.audio_sec,
    bytes: row.bytes,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

export class ActivationsRepo {
  constructor(private readonly db: SqliteDatabase) {}

  /** The dataset's clips in extraction order (by id: stable across resumes). */
  clipsOf(datasetId: number): ClipToExtract[] {
    return this.db
      .prepare('SELECT id, path, duration_sec AS durationSec FROM clips WHERE dataset_id = ? ORDER BY id')
      .all(datasetId) as ClipToExtract[];
  }

  createRun(run: NewActivationRun): ActivationRunSummary {
    const { lastInsertRowid } = this.db
      .prepare(
        `INSERT INTO activation_runs (dataset_id, model_id, layers, dtype, d_model, frame_rate_hz, dir, status, device, job_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)`,
      )
      .run(run.datasetId, run.modelId, JSON.stringify(run.layers), run.dtype, run.dModel, run.frameRateHz, run.dir, run.device, run.jobId, new Date().toISOString());
    return this.get(Number(lastInsertRowid))!;
  }

  /** Sets the run's folder once its id is known. */
  setDir(runId: number, dir: string): void {
    this.db.prepare('UPDATE activation_runs SET dir = ? WHERE id = ?').run(dir, runId);
  }

  /** An unfinished run of the same extraction, to resume. */
  findResumable(datasetId: number, modelId: number, layers: number[], dtype: ActivationDtype): ActivationRunSummary | undefined {
    const row = this.db
      .prepare(`${RUN_SELECT} WHERE r.dataset_id = ? AND r.model_id = ? AND r.layers = ? AND r.dtype = ? AND r.status != 'complete' ORDER BY r.id DESC LIMIT 1`)
      .get(datasetId, modelId, JSON.stringify(layers), dtype) as RunRecord | undefined;
    return row && toSummary(row);
  }

  get(id: number): ActivationRunSummary | undefined {
    const row = this.db.prepare(`${RUN_SELECT} WHERE r.id = ?`).get(id) as RunRecord | undefined;
    return row && toSummary(row);
  }

  list(): ActivationRunSummary[] {
    return (this.db.prepare(`${RUN_SELECT} ORDER BY r.id DESC`).all() as RunRecord[]).map(toSummary);
  }

  markRunning(runId: number, device: string, jobId: number, deviceFallback: string | null = null): void {
    this.db
      .prepare("UPDATE activation_runs SET status = 'running', device = ?, device_fallback = ?, job_id = ? WHERE id = ?")
      .run(device, deviceFallback, jobId, runId);
  }

  /** How many activation runs were extracted with the model. */
  countForModel(modelId: number): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM activation_runs WHERE model_id = ?').get(modelId) as { n: number }).n;
  }

  finish(runId: number, status: 'incomplete' | 'complete'): void {
    this.db.prepare('UPDATE activation_runs SET status = ?, finished_at = ? WHERE id = ?').run(status, status === 'complete' ? new Date().toISOString() : null, runId);
  }

  /** The last committed span (where a resumed run continues), or undefined for a fresh run. */
  lastSpan(runId: number): ActivationSpan | undefined {
    const row = this.db
      .prepare(
        `SELECT clip_id AS clipId, window_index AS windowIndex, first_frame AS firstFrame, frames, start_sec AS startSec,
                shard_index AS shardIndex, row_offset AS rowOffset
         FROM activation_spans WHERE run_id = ? ORDER BY seq DESC LIMIT 1`,
      )
      .get(runId) as ActivationSpan | undefined;
    return row;
  }

  shardCount(runId: number): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM activation_shards WHERE run_id = ?').get(runId) as { n: number }).n;
  }

  shardFiles(runId: number): { shardIndex: number; file: string; frames: number; bytes: number }[] {
    return this.db
      .prepare('SELECT shard_index AS shardIndex, file, frames, bytes FROM activation_shards WHERE run_id = ? ORDER BY shard_index')
      .all(runId) as { shardIndex: number; file: string; frames: number; bytes: number }[];
  }

  spansOfClip(runId: number, clipId: number): ActivationSpan[] {
    return this.db
      .prepare(
        `SELECT clip_id AS clipId, window_index AS windowIndex, first_frame AS firstFrame, frames, start_sec AS startSec,
                shard_index AS shardIndex, row_offset AS rowOffset
         FROM activation_spans WHERE run_id = ? AND clip_id = ? ORDER BY window_index`,
      )
      .all(runId, clipId) as ActivationSpan[];
  }

  /** The spans stored in one shard, in row order. */
  spansOfShard(runId: number, shardIndex: number): ActivationSpan[] {
    return this.db
      .prepare(
        `SELECT clip_id AS clipId, window_index AS windowIndex, first_frame AS firstFrame, frames, start_sec AS startSec,
                shard_index AS shardIndex, row_offset AS rowOffset
         FROM activation_spans WHERE run_id = ? AND shard_index = ? ORDER BY row_offset`,
      )
      .all(runId, shardIndex) as ActivationSpan[];
  }

  /** Records a shard that is complete on disk, with its spans, in one transaction. */
  commitShard(runId: number, shard: { shardIndex: number; file: string; frames: number; bytes: number; audioSec: number }, spans: readonly ActivationSpan[]): void {
    const insertShard = this.db.prepare('INSERT INTO activation_shards (run_id, shard_index, file, frames, bytes) VALUES (?, ?, ?, ?, ?)');
    const nextSeq = this.db.prepare('SELECT COALESCE(MAX(seq) + 1, 0) AS seq FROM activation_spans WHERE run_id = ?');
    const insertSpan = this.db.prepare(
      `INSERT INTO activation_spans (run_id, seq, clip_id, window_index, first_frame, frames, start_sec, shard_index, row_offset)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const updateRun = this.db.prepare('UPDATE activation_runs SET frames = frames + ?, audio_sec = audio_sec + ?, bytes = bytes + ? WHERE id = ?');
    this.db.transaction(() => {
      insertShard.run(runId, shard.shardIndex, shard.file, shard.frames, shard.bytes);
      let seq = (nextSeq.get(runId) as { seq: number }).seq;
      for (const s of spans) insertSpan.run(runId, seq++, s.clipId, s.windowIndex, s.firstFrame, s.frames, s.startSec, s.shardIndex, s.rowOffset);
      updateRun.run(shard.frames, shard.audioSec, shard.bytes, runId);
    })();
  }
}
