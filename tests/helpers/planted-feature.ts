/**
 * A planted "tone" direction on an activation run of the labelled dataset (tests/helpers/analysed-sae.ts)
 * and imported own-format SAEs built from given encoder rows, registered straight in the store.
 * The direction is LDA (within-class whitened mean difference): the plain mean difference fired on
 * 4 tone frames only, because frame position (Whisper's positional embedding) dominates layer 1.
 * Same approach as tests/integration/sae-analysis.test.ts.
 */
import { join } from 'node:path';
import type { SqliteDatabase } from '../../electron/engine/store/database.js';
import { readSafetensorsTensor } from '../../native-models/formats/safetensors.js';
import { saveSaeCheckpoint } from '../../native-models/sae/sae-checkpoint.js';
import { parseSaeConfig } from '../../native-models/sae/sae-config.js';

export interface RunFrames {
  rows: Float32Array[];
  clipOf: number[];
}

/** Every frame of one layer of a run with its clip, read straight from the shards and spans. */
export async function readRunFrames(db: SqliteDatabase, runId: number, layer: number, d: number): Promise<RunFrames> {
  const { dir } = db.prepare('SELECT dir FROM activation_runs WHERE id = ?').get(runId) as { dir: string };
  const shards = db.prepare('SELECT shard_index AS shardIndex, file, frames FROM activation_shards WHERE run_id = ? ORDER BY shard_index').all(runId) as { shardIndex: number; file: string; frames: number }[];
  const out: RunFrames = { rows: [], clipOf: [] };
  for (const shard of shards) {
    const { data } = await readSafetensorsTensor(join(dir, shard.file), `layer_${layer}`);
    const spans = db.prepare('SELECT clip_id AS clipId, frames, row_offset AS rowOffset FROM activation_spans WHERE run_id = ? AND shard_index = ?').all(runId, shard.shardIndex) as { clipId: number; frames: number; rowOffset: number }[];
    const clipOfRow = new Array<number>(shard.frames);
    for (const s of spans) for (let f = 0; f < s.frames; f++) clipOfRow[s.rowOffset + f] = s.clipId;
    for (let r = 0; r < shard.frames; r++) {
      out.rows.push(data.slice(r * d, (r + 1) * d));
      out.clipOf.push(clipOfRow[r]!);
    }
  }
  return out;
}

/** Solves A x = b (Gaussian elimination, partial pivoting). */
function solve(a: Float64Array[], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

export const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, i) => s + v * b[i]!, 0);

/** Unit LDA direction separating frames of `positive` clips from the rest, and a bias that fires (> 0) only above every other frame. */
export function plantedDirection(frames: RunFrames, positive: ReadonlySet<number>, d: number): { u: Float32Array; bias: number } {
  const { rows, clipOf } = frames;
  const isPos = (r: number) => positive.has(clipOf[r]!);
  const mean = (pick: (i: number) => boolean) => {
    const sum = new Float32Array(d);
    let n = 0;
    rows.forEach((x, i) => {
      if (!pick(i)) return;
      n++;
      x.forEach((v, j) => (sum[j]! += v));
    });
    return sum.map((v) => v / n);
  };
  const muP = mean(isPos);
  const muO = mean((r) => !isPos(r));
  const cov = Array.from({ length: d }, () => new Float64Array(d));
  rows.forEach((x, r) => {
    const mu = isPos(r) ? muP : muO;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i]![j]! += ((x[i]! - mu[i]!) * (x[j]! - mu[j]!)) / rows.length;
  });
  const ridge = (1e-3 * cov.reduce((t, row, i) => t + row[i]!, 0)) / d;
  const w = solve(cov.map((row, i) => row.map((v, j) => v + (i === j ? ridge : 0))), Array.from(muP, (v, j) => v - muO[j]!));
  const norm = Math.hypot(...w);
  const u = Float32Array.from(w, (v) => v / norm);
  const maxOther = Math.max(...rows.filter((_, i) => !isPos(i)).map((x) => dot(x, u)));
  return { u, bias: -(maxOther + 1e-3 * Math.max(1, Math.abs(maxOther))) };
}

export interface PlantedSaeOptions {
  modelId: number;
  layer: number;
  dIn: number;
  dSae: number;
  folder: string;
  /** Encoder row and bias of each latent; latents without one never fire. */
  encoder?: (latent: number) => { w: Float32Array; b: number } | undefined;
  status?: string;
}

/** Registers an imported own-format SAE (threshold 0 selection) with the given encoder; returns its id. */
export function registerPlantedSae(db: SqliteDatabase, o: PlantedSaeOptions): number {
  const config = parseSaeConfig({ architecture: 'batchtopk', dIn: o.dIn, dSae: o.dSae, k: 1, hookName: `layer_${o.layer}` });
  const W_enc = new Float32Array(o.dIn * o.dSae);
  const b_enc = new Float32Array(o.dSae).fill(-1e6);
  for (let j = 0; j < o.dSae; j++) {
    const e = o.encoder?.(j);
    if (!e) continue;
    for (let i = 0; i < o.dIn; i++) W_enc[i * o.dSae + j] = e.w[i]!;
    b_enc[j] = e.b;
  }
  saveSaeCheckpoint(o.folder, config, { dIn: o.dIn, dSae: o.dSae, W_enc, b_enc, W_dec: new Float32Array(o.dSae * o.dIn), b_dec: new Float32Array(o.dIn), threshold: new Float32Array(o.dSae) });
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO saes (run_id, model_id, layer, architecture, k, width, seed, status, config, train_key, checkpoint_path, created_at, source, source_format, source_path)
       VALUES (NULL, ?, ?, 'batchtopk', 1, ?, 0, ?, ?, '', ?, ?, 'imported', 'audiosae', ?)`,
    )
    .run(o.modelId, o.layer, o.dSae, o.status ?? 'complete', JSON.stringify(config), o.folder, new Date().toISOString(), o.folder);
  return Number(lastInsertRowid);
}
