/**
 * The SAE training job: one activation run -> an SAE per layer x seed x architecture, all fed
 * from one shuffled stream (shuffled-batches.ts), so each shard is read once per pass whatever
 * the number of SAEs.
 *
 * - Metrics every `metricsEvery` steps go to `sae_metrics` and the job's progress message.
 * - Every `checkpointEvery` steps each SAE writes `<saesDir>/<saeId>/step-NNNNNNNNN/` (training
 *   checkpoint: weights, Adam, trainer state) and removes the previous one.
 * - Resume: an SAE row whose key (run, layer, config, batch, data seed, buffer) matches and is not
 *   complete is continued from its newest checkpoint. The data stream is replayed from step 0
 *   (reading only) up to there, so the batches, and the final weights, equal an uninterrupted run's.
 * - The final SAE is `<saesDir>/<saeId>/final/` (sae.safetensors + cfg.json).
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ActivationRunSummary, SaeMetricRow } from '../../common/contract.js';
import { AppError } from '../../common/errors.js';
import { saveSaeCheckpoint } from '../../../native-models/sae/sae-checkpoint.js';
import { parseSaeConfig, type SaeArchitectureKind, type SaeConfig } from '../../../native-models/sae/sae-config.js';
import { createSaeTrainer, type SaeTrainer, type StepMetrics } from '../../../native-models/sae/sae-trainer.js';
import { loadTrainingCheckpoint, saveTrainingCheckpoint } from '../../../native-models/sae/training-checkpoint.js';
import type { ExecutionDevice } from '../../../native-models/onnx/runtime.js';
import { DEFAULT_QUANTILE_SAMPLES, DEFAULT_TOP_N, type AnalyseRequest } from '../analysis/feature-analyser.js';
import type { ActivationsRepo } from '../extraction/activations-repo.js';
import type { JobDefinition } from '../jobs/job-manager.js';
import type { ModelsRepo } from '../store/models-repo.js';
import type { SaesRepo } from './saes-repo.js';
import { ShuffledBatches } from './shuffled-batches.js';
import { assertFiniteLoss, writeCheckpointOrExplain } from './training-failures.js';

export interface TrainParams {
  runId: number;
  layers: number[] | 'all';
  seeds: number[];
  architectures: SaeArchitectureKind[];
  k: number;
  expansion: number;
  steps: number;
  batchSize: number;
  lr?: number;
  checkpointEvery: number;
  metricsEvery: number;
  dataSeed: number;
  device?: ExecutionDevice;
  /** Analyse the finished SAEs' features in the same job (default true). */
  analyze?: boolean;
}

export interface TrainingOptions {
  /** SAE folders go to `<saesDir>/<saeId>/`. */
  saesDir: string;
  device?: ExecutionDevice;
  /** Rows per layer in the shuffle buffer; default ~512 MiB over the job's layers, at most the run's frames, at least 2 batches. */
  bufferRows?: number;
  intraOpThreads?: number;
  /** Tests: called after each SAE's training checkpoint is written. */
  onCheckpoint?: (saeId: number, step: number) => void;
  log?: (level: 'info' | 'warn', message: string) => void;
  /** Analyses and stores the finished SAEs' features (the job's last phase). */
  analyse?: (request: AnalyseRequest) => Promise<unknown>;
}

export interface TrainResult {
  saeIds: number[];
  steps: number;
  resumedFromStep: number;
}

const BUFFER_BUDGET_BYTES = 512 * 1024 * 1024;
const stepFolder = (step: number): string => `step-${String(step).padStart(9, '0')}`;

/** The layers to train, or a clear error when the run cannot be trained on. */
export function trainableLayers(run: ActivationRunSummary | undefined, runId: number, layers: number[] | 'all'): number[] {
  if (!run) throw new AppError('not_found', `No activation run with id ${runId}.`);
  if (run.status !== 'complete') throw new AppError('bad_input', `Activation run ${runId} is ${run.status}; finish its extraction (resume the job) before training on it.`);
  if (run.frames === 0) throw new AppError('bad_input', `Activation run ${runId} holds no frames to train on.`);
  if (layers === 'all') return run.layers;
  const missing = layers.filter((l) => !run.layers.includes(l));
  if (missing.length > 0) throw new AppError('bad_input', `Layers ${missing.join(', ')} are not in activation run ${runId} (it holds layers ${run.layers.join(', ')}).`);
  return [...new Set(layers)].sort((a, b) => a - b);
}

interface Member {
  saeId: number;
  layerIndex: number;
  config: SaeConfig;
  trainer: SaeTrainer;
  step: number;
  last: SaeMetricRow | null;
}

function metricRow(m: StepMetrics): SaeMetricRow {
  return {
    step: m.step,
    // The graph's aux_loss already carries the aux coefficient (the loss it minimises is mse + aux_loss).
    'losses/overall_loss': m.mse + m.auxLoss,
    'losses/mse_loss': m.mse,
    'losses/auxiliary_reconstruction_loss': m.auxLoss,
    'metrics/fvu': m.fvu,
    'metrics/explained_variance': m.explainedVariance,
    'metrics/l0': m.l0,
    'sparsity/dead_features': m.deadFraction,
    'details/current_learning_rate': m.lr,
  };
}

function stepFolders(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const match = /^step-(\d+)$/.exec(n);
    return match ? [Number(match[1])] : [];
  });
}

/** Writes a new training checkpoint, then removes older ones and leftovers of interrupted writes. */
function checkpoint(dir: string, member: Member): string {
  const folder = join(dir, stepFolder(member.step));
  writeCheckpointOrExplain(folder, `${folder}.partial`, () => saveTrainingCheckpoint(folder, member.config, member.trainer.state()));
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.partial') || (/^step-\d+$/.test(name) && name !== stepFolder(member.step))) rmSync(join(dir, name), { recursive: true, force: true });
  }
  return folder;
}

export function trainSaesJob(models: ModelsRepo, activations: ActivationsRepo, saes: SaesRepo, options: TrainingOptions): JobDefinition<TrainParams> {
  const log = options.log ?? (() => undefined);
  return {
    title: (p) => `Train SAEs (run ${p.runId}, ${p.layers === 'all' ? 'all layers' : `layers ${p.layers.join(', ')}`}, ${p.architectures.join('+')}, ${p.seeds.length} seed(s), ${p.steps} steps)`,
    async run({ jobId, params, progress, throwIfCancelled }) {
      const run = activations.get(params.runId);
      const layers = trainableLayers(run, params.runId, params.layers);
      const model = models.get(run!.modelId);
      const shards = activations.shardFiles(run!.id).map((s) => ({ path: join(run!.dir, s.file), frames: s.frames }));
      // Never more rows than the run holds: a bigger buffer would only repeat epochs inside itself.
      const budgetRows = Math.min(run!.frames, Math.floor(BUFFER_BUDGET_BYTES / (layers.length * run!.dModel * 4)));
      const bufferRows = options.bufferRows ?? Math.max(2 * params.batchSize, budgetRows);
      const members: Member[] = [];
      try {
        for (const [layerIndex, layer] of layers.entries()) {
          for (const architecture of params.architectures) {
            for (const seed of params.seeds) {
              const config = parseSaeConfig({
                architecture,
                dIn: run!.dModel,
                expansion: params.expansion,
                k: params.k,
                seed,
                ...(params.lr === undefined ? {} : { lr: params.lr }),
                totalSteps: params.steps,
                warmupSteps: Math.min(1000, Math.floor(params.steps / 20)),
                hookName: `layer_${layer}`,
                modelName: model?.repoId ?? '',
              });
              const trainKey = JSON.stringify({ runId: run!.id, layer, config, batchSize: params.batchSize, dataSeed: params.dataSeed, bufferRows });
              const sae = saes.findResumable(trainKey) ?? saes.create({ runId: run!.id, modelId: run!.modelId, layer, architecture, k: config.k, width: config.dSae, seed, config, trainKey, jobId });
              saes.markTraining(sae.id, jobId);
              const trainer = await createSaeTrainer(config, { device: params.device ?? options.device, intraOpThreads: options.intraOpThreads, onWarning: (m) => log('warn', m) });
              const member: Member = { saeId: sae.id, layerIndex, config, trainer, step: 0, last: null };
              members.push(member);
              const dir = join(options.saesDir, String(sae.id));
              const newest = Math.max(-1, ...stepFolders(dir));
              if (newest >= 0) {
                trainer.load((await loadTrainingCheckpoint(join(dir, stepFolder(newest)))).state);
                member.step = newest;
                log('info', `Resuming SAE ${sae.id} from step ${newest}.`);
              }
              saes.dropMetricsAfter(sae.id, member.step);
            }
          }
        }
        const resumedFromStep = Math.min(...members.map((m) => m.step));
        return await trainAll({ params, run: run!, jobId, layers, shards, bufferRows, members, saes, options, progress, throwIfCancelled, resumedFromStep });
      } catch (error) {
        for (const m of members) if (saes.get(m.saeId)?.status === 'training') saes.finish(m.saeId, 'incomplete');
        throw error;
      } finally {
        for (const m of members) await m.trainer.dispose();
      }
    },
  };
}

interface TrainContext {
  params: TrainParams;
  run: ActivationRunSummary;
  jobId: number;
  layers: number[];
  shards: { path: string; frames: number }[];
  bufferRows: number;
  members: Member[];
  saes: SaesRepo;
  options: TrainingOptions;
  progress: (update: { done: number; total?: number | null; unit?: string; message?: string }) => void;
  throwIfCancelled: () => void;
  resumedFromStep: number;
}

async function trainAll(ctx: TrainContext): Promise<TrainResult> {
  const { params, members, saes, options } = ctx;
  const stream = new ShuffledBatches({ shards: ctx.shards, layers: ctx.layers, dIn: members[0]!.config.dIn, batchSize: params.batchSize, bufferRows: ctx.bufferRows, seed: params.dataSeed });
  let message = ctx.resumedFromStep > 0 ? `replaying the data order to step ${ctx.resumedFromStep}` : 'starting';
  ctx.progress({ done: ctx.resumedFromStep, total: params.steps, unit: 'steps', message });
  for (let s = 0; s < params.steps; s++) {
    ctx.throwIfCancelled();
    const batches = await stream.next();
    let sampled = false;
    for (const m of members) {
      if (m.step > s) continue; // this SAE's checkpoint is past this batch
      const metrics = await m.trainer.step(batches[m.layerIndex]!);
      assertFiniteLoss(metrics, m.saeId, ctx.layers[m.layerIndex]!, m.config.lr);
      m.step = metrics.step;
      if (m.step % params.metricsEvery === 0 || m.step === params.steps) {
        m.last = metricRow(metrics);
        saes.addMetrics(m.saeId, m.last);
        sampled = true;
      }
      if (m.step % params.checkpointEvery === 0 && m.step < params.steps) {
        const dir = join(options.saesDir, String(m.saeId));
        mkdirSync(dir, { recursive: true });
        saes.checkpointed(m.saeId, m.step, checkpoint(dir, m));
        options.onCheckpoint?.(m.saeId, m.step);
      }
    }
    if (sampled) {
      const recent = members.flatMap((m) => (m.last ? [m.last] : []));
      const mean = (key: 'metrics/fvu' | 'metrics/l0') => recent.reduce((sum, r) => sum + r[key], 0) / recent.length;
      message = `FVU ${mean('metrics/fvu').toFixed(4)} · L0 ${mean('metrics/l0').toFixed(1)} (mean of ${recent.length} SAE${recent.length === 1 ? '' : 's'})`;
    }
    ctx.progress({ done: Math.max(s + 1, ctx.resumedFromStep), total: params.steps, unit: 'steps', message });
  }
  ctx.throwIfCancelled();
  for (const m of members) {
    const folder = join(options.saesDir, String(m.saeId), 'final');
    rmSync(folder, { recursive: true, force: true });
    writeCheckpointOrExplain(folder, folder, () => saveSaeCheckpoint(folder, m.config, m.trainer.weights()));
    saes.finish(m.saeId, 'complete', { step: m.step, path: folder, metrics: m.last ?? saes.metrics(m.saeId).at(-1) ?? null });
  }
  if (params.analyze !== false && options.analyse) {
    const trained = message;
    const progress = (phase: string) => ctx.progress({ done: params.steps, total: params.steps, unit: 'steps', message: `${trained} · ${phase}` });
    progress('analysing features: 0%');
    await options.analyse({
      run: ctx.run,
      saes: members.map((m) => ({ saeId: m.saeId, layer: ctx.layers[m.layerIndex]!, architecture: m.config.architecture, k: m.config.k, weights: m.trainer.weights() })),
      topN: DEFAULT_TOP_N,
      quantileSamples: DEFAULT_QUANTILE_SAMPLES,
      jobId: ctx.jobId,
      onProgress: (done, total) => progress(`analysing features: ${Math.floor((done / total) * 100)}%`),
      throwIfCancelled: ctx.throwIfCancelled,
    });
    progress('features analysed');
  }
  return { saeIds: members.map((m) => m.saeId), steps: params.steps, resumedFromStep: ctx.resumedFromStep };
}
