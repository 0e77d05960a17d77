/**
 * A labelled dataset, an activation run and an analysed SAE on the fixture Whisper, for tests of
 * the feature browser, labels and evaluations. Use with an engine opened on the fixture hub:
 *
 *   const hub = await startTestHub();
 *   const engine = Engine.open({ dataDir, hub: { endpoint: hub.endpoint, cacheDir: hub.cacheDir } });
 *   const sae = await prepareAnalysedSae(client, { repoId: hub.repoId, workDir });
 *
 * The dataset (generic layout) has three folders, each clip labelled `folder=<class>`:
 * `tone/` (sines, 1-2 s), `noise/` (white noise) and `chirp/` (rising sweeps), CLIPS_PER_CLASS each.
 * The run holds layer 1 (fp16); the SAE is TopK k 4, 128 latents (expansion 2 of d 64), trained
 * 60 steps of batch 64 with its analysis (top 20, 5 quantile samples per band) stored.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RpcClient } from '../../electron/common/rpc-client.js';
import { waitForJob } from './jobs.js';
import { encodeWav, tone, whiteNoise } from './wav-folder.js';

export const CLIP_CLASSES = ['tone', 'noise', 'chirp'] as const;
export type ClipClass = (typeof CLIP_CLASSES)[number];
export const CLIPS_PER_CLASS = 6;
export const ANALYSED_LAYER = 1;

export interface LabelledDataset {
  datasetId: number;
  /** Clip ids of each class (label `folder=<class>`), in relative-path order. */
  clips: Record<ClipClass, number[]>;
}

export interface PreparedRun {
  modelId: number;
  /** A complete activation run of layer ANALYSED_LAYER. */
  runId: number;
}

export interface AnalysedSae extends LabelledDataset, PreparedRun {
  /** A complete TopK SAE of the run's layer whose analysis (saes.analysis, features.*) is stored. */
  saeId: number;
}

function chirp(f0: number, f1: number, durationSec: number, sampleRate: number, amplitude = 0.5): Float64Array {
  const out = new Float64Array(Math.round(durationSec * sampleRate));
  const rate = (f1 - f0) / durationSec;
  for (let i = 0; i < out.length; i++) {
    const t = i / sampleRate;
    out[i] = amplitude * Math.sin(2 * Math.PI * (f0 * t + (rate * t * t) / 2));
  }
  return out;
}

function clipAudio(kind: ClipClass, i: number): Float64Array {
  const durationSec = 1 + (i % 3) * 0.5;
  if (kind === 'tone') return tone(300 + 150 * i, durationSec, 16000);
  if (kind === 'noise') return whiteNoise(durationSec, 16000, 100 + i);
  return chirp(200 + 50 * i, 3000 + 200 * i, durationSec, 16000);
}

/** Writes the labelled folder under `workDir/labelled` and imports it. */
export async function prepareLabelledDataset(client: RpcClient, workDir: string): Promise<LabelledDataset> {
  const folder = join(workDir, 'labelled');
  for (const kind of CLIP_CLASSES) {
    mkdirSync(join(folder, kind), { recursive: true });
    for (let i = 0; i < CLIPS_PER_CLASS; i++) writeFileSync(join(folder, kind, `${kind}-${i}.wav`), encodeWav([clipAudio(kind, i)], 16000));
  }
  const imported = await waitForJob(client, (await client.call('datasets.importFolder', { name: 'labelled', folder })).jobId);
  assert.equal(imported.status, 'succeeded', `labelled dataset import: ${JSON.stringify(imported.error)}`);
  const datasetId = (imported.result as { datasetId: number }).datasetId;
  const clips = {} as Record<ClipClass, number[]>;
  for (const kind of CLIP_CLASSES) {
    const page = await client.call('clips.list', { datasetId, label: { key: 'folder', value: kind } });
    clips[kind] = page.clips.map((c) => c.id);
    assert.equal(clips[kind].length, CLIPS_PER_CLASS, `${kind} clips imported with their folder label`);
  }
  return { datasetId, clips };
}

/** Downloads the fixture model (`repoId` from startTestHub) and extracts layer ANALYSED_LAYER of the dataset. */
export async function prepareRun(client: RpcClient, repoId: string, datasetId: number): Promise<PreparedRun> {
  const downloaded = await waitForJob(client, (await client.call('models.download', { repoId })).jobId);
  assert.equal(downloaded.status, 'succeeded', `fixture model download: ${JSON.stringify(downloaded.error)}`);
  const modelId = (downloaded.result as { modelId: number }).modelId;
  const extracted = await waitForJob(client, (await client.call('activations.extract', { datasetId, modelId, layers: [ANALYSED_LAYER], dtype: 'float16' })).jobId);
  assert.equal(extracted.status, 'succeeded', `extraction: ${JSON.stringify(extracted.error)}`);
  return { modelId, runId: (extracted.result as { runId: number }).runId };
}

/** Trains one small TopK SAE on the run, analysed in the same job. */
export async function trainAnalysedSae(client: RpcClient, runId: number): Promise<number> {
  const job = await waitForJob(
    client,
    (await client.call('saes.train', { runId, layers: [ANALYSED_LAYER], architectures: ['topk'], k: 4, expansion: 2, steps: 60, batchSize: 64, lr: 4e-3, metricsEvery: 20, checkpointEvery: 1000 })).jobId,
  );
  assert.equal(job.status, 'succeeded', `training: ${JSON.stringify(job.error)}`);
  return (job.result as { saeIds: number[] }).saeIds[0]!;
}

export async function prepareAnalysedSae(client: RpcClient, options: { repoId: string; workDir: string }): Promise<AnalysedSae> {
  const dataset = await prepareLabelledDataset(client, options.workDir);
  const run = await prepareRun(client, options.repoId, dataset.datasetId);
  const saeId = await trainAnalysedSae(client, run.runId);
  return { ...dataset, ...run, saeId };
}
