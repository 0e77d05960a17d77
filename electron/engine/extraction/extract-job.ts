/**
 * The extraction job: dataset x model x layers -> activation shards on disk.
 *
 * - Clips are read in id order, each as 30 s windows (never truncated); a batch of windows goes
 *   through the log-mel frontend and the all-layer tapped encoder in one pass.
 * - Frames covering real audio are kept: frame f of window w is clip time w * 30 + f / 50 s.
 * - Rows accumulate in one preallocated buffer per layer (RAM = layers x shardFrames x d x 4 B,
 *   whatever the dataset size); a shard is written (`shard-NNNNN.safetensors`, one tensor per
 *   layer `layer_N` [frames, d], fp16 or fp32) when the next window would not fit, then committed
 *   to SQLite with its clip/window spans in one transaction.
 * - Resume: the same extraction (dataset, model, layers, dtype) that did not complete continues
 *   after its last committed span; files of uncommitted shards are removed and rewritten, so the
 *   result is byte-identical to an uninterrupted run.
 */
import { mkdirSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../common/errors.js';
import { float32ToFloat16, writeSafetensors, type TensorToWrite } from '../../../native-models/formats/safetensors.js';
import type { ExecutionDevice } from '../../../native-models/onnx/runtime.js';
import type { JobDefinition } from '../jobs/job-manager.js';
import type { ModelsRepo } from '../store/models-repo.js';
import type { ActivationDtype, ActivationSpan, ActivationsRepo, ClipToExtract } from './activations-repo.js';
import { audioWindows, type AudioWindow } from './audio-windows.js';
import { loadWindowEncoder, type WindowEncoder } from './window-encoders.js';

export interface ExtractParams {
  datasetId: number;
  modelId: number;
  layers: number[] | 'all';
  dtype: ActivationDtype;
  device?: ExecutionDevice;
}

export interface ExtractionOptions {
  /** Where runs are written: `<activationsDir>/run-<id>/`. */
  activationsDir: string;
  device?: ExecutionDevice;
  /** Windows per encoder call (default 2; waveform models take one). */
  batchSize?: number;
  /** Frames per shard; default sized so the buffers stay near 256 MiB. At least one window (1500). */
  shardFrames?: number;
  /** Free disk space kept in reserve beyond the estimate (default 256 MiB). */
  reserveBytes?: number;
  /** Tests: called after each shard is committed. */
  onShardCommitted?: (runId: number, shardIndex: number) => void;
  log?: (level: 'info' | 'warn', message: string) => void;
}

export interface ExtractResult {
  runId: number;
  dir: string;
  shards: number;
  frames: number;
  audioSec: number;
  bytes: number;
  device: ExecutionDevice;
  /** Why the requested device was not used, when it fell back. */
  deviceFallback: string | null;
  /** Seconds of compute per second of audio in this job (lower is faster). */
  realTimeFactor: number;
  resumedFromShard: number;
}

const SAMPLE_RATE = 16000;
const FRAMES_PER_WINDOW = 1500;
const FRAME_RATE_HZ = 50;
const SAMPLES_PER_FRAME = SAMPLE_RATE / FRAME_RATE_HZ; // 320
const BUFFER_BUDGET_BYTES = 256 * 1024 * 1024;

export const shardFileName = (index: number): string => `shard-${String(index).padStart(5, '0')}.safetensors`;
export const layerTensorName = (layer: number): string => `layer_${layer}`;

/** Frames of a Whisper window that cover real audio (the rest of the 30 s is padding). */
export function framesCovering(samples: number): number {
  return Math.min(FRAMES_PER_WINDOW, Math.ceil(samples / SAMPLES_PER_FRAME));
}

export function defaultShardFrames(layers: number, dModel: number): number {
  const frames = Math.floor(BUFFER_BUDGET_BYTES / (layers * dModel * 4));
  return Math.max(FRAMES_PER_WINDOW, Math.min(16384, frames));
}

/** Bytes the run will write (data plus a header allowance per shard). */
export function estimateRunBytes(clips: readonly ClipToExtract[], layers: number, dModel: number, dtype: ActivationDtype): number {
  const frames = clips.reduce((sum, c) => sum + Math.ceil(c.durationSec * FRAME_RATE_HZ) + 1, 0);
  return frames * layers * dModel * (dtype === 'float16' ? 2 : 4) + 4096 * clips.length;
}

export function assertDiskSpace(dir: string, needed: number, reserve: number): void {
  const stats = statfsSync(dir);
  const available = stats.bavail * stats.bsize;
  if (available < needed + reserve) {
    const gib = (n: number) => `${(n / 1024 ** 3).toFixed(2)} GiB`;
    throw new AppError('unavailable', `Not enough disk space for the activations: about ${gib(needed)} needed (plus ${gib(reserve)} reserve), ${gib(available)} free in ${dir}. Free space, choose fewer layers, or use float16.`, { needed, available });
  }
}

class ShardBuffer {
  readonly #buffers: Float32Array[];
  #frames = 0;
  #spans: ActivationSpan[] = [];
  #audioSec = 0;

  constructor(
    readonly layers: readonly number[],
    readonly dModel: number,
    readonly capacity: number,
  ) {
    this.#buffers = layers.map(() => new Float32Array(capacity * dModel));
  }

  get frames(): number {
    return this.#frames;
  }

  get spans(): readonly ActivationSpan[] {
    return this.#spans;
  }

  get audioSec(): number {
    return this.#audioSec;
  }

  fits(frames: number): boolean {
    return this.#frames + frames <= this.capacity;
  }

  /** Copies `frames` rows of batch item `item` of each layer's [B, rowsPerItem, d] output. */
  add(outputs: readonly Float32Array[], item: number, rowsPerItem: number, frames: number, span: Omit<ActivationSpan, 'rowOffset'>, audioSec: number): void {
    const d = this.dModel;
    outputs.forEach((data, l) => {
      const start = item * rowsPerItem * d;
      this.#buffers[l]!.set(data.subarray(start, start + frames * d), this.#frames * d);
    });
    this.#spans.push({ ...span, rowOffset: this.#frames });
    this.#frames += frames;
    this.#audioSec += audioSec;
  }

  tensors(dtype: ActivationDtype): TensorToWrite[] {
    return this.layers.map((layer, l) => {
      const rows = this.#buffers[l]!.subarray(0, this.#frames * this.dModel);
      const typed = dtype === 'float16' ? float32ToFloat16(rows) : rows;
      return { name: layerTensorName(layer), dtype: dtype === 'float16' ? 'F16' : 'F32', shape: [this.#frames, this.dModel], bytes: new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength) };
    });
  }

  reset(): void {
    this.#frames = 0;
    this.#spans = [];
    this.#audioSec = 0;
  }
}

export function extractActivationsJob(models: ModelsRepo, activations: ActivationsRepo, options: ExtractionOptions): JobDefinition<ExtractParams> {
  const log = options.log ?? (() => undefined);
  return {
    title: (p) => `Extract activations (dataset ${p.datasetId}, model ${p.modelId}, ${p.layers === 'all' ? 'all layers' : `layers ${p.layers.join(', ')}`}, ${p.dtype})`,
    async run({ jobId, params, progress, throwIfCancelled, signal }) {
      const model = models.get(params.modelId);
      if (!model) throw new AppError('not_found', `No model with id ${params.modelId}.`);
      const clips = activations.clipsOf(params.datasetId);
      if (clips.length === 0) throw new AppError('not_found', `Dataset ${params.datasetId} does not exist or has no clips.`);

      let deviceFallback: string | null = null;
      const encoder = await loadWindowEncoder(model, {
        device: params.device ?? options.device,
        onWarning: (message) => {
          deviceFallback = message;
          log('warn', message);
        },
      });
      try {
        const maxLayer = encoder.maxLayer;
        const layers = params.layers === 'all' ? Array.from({ length: maxLayer + 1 }, (_, i) => i) : [...new Set(params.layers)].sort((a, b) => a - b);
        const missing = layers.filter((l) => l > maxLayer);
        if (missing.length > 0) throw new AppError('bad_input', `Layers ${missing.join(', ')} do not exist: ${model.repoId} has layers 0..${maxLayer}.`);
        const dModel = encoder.dModel;
        mkdirSync(options.activationsDir, { recursive: true });
        let run = activations.findResumable(params.datasetId, model.id, layers, params.dtype);
        if (!run) {
          assertDiskSpace(options.activationsDir, estimateRunBytes(clips, layers.length, dModel, params.dtype), options.reserveBytes ?? 256 * 1024 * 1024);
          run = activations.createRun({ datasetId: params.datasetId, modelId: model.id, layers, dtype: params.dtype, dModel, frameRateHz: encoder.frameRateHz, dir: '', device: encoder.device, jobId });
          const dir = join(options.activationsDir, `run-${run.id}`);
          activations.setDir(run.id, dir);
          run = { ...run, dir };
        } else {
          log('info', `Resuming activation run ${run.id} after shard ${run.shards - 1}.`);
        }
        activations.markRunning(run.id, encoder.device, jobId, deviceFallback);
        mkdirSync(run.dir, { recursive: true });
        try {
          const result = await extractRun({ runId: run.id, dir: run.dir, clips, layers, dModel, dtype: params.dtype, encoder, activations, options, progress, throwIfCancelled, signal });
        return { ...result, deviceFallback };
        } catch (error) {
          activations.finish(run.id, 'incomplete');
          throw error;
        }
      } finally {
        await encoder.dispose();
      }
    },
  };
}

interface RunContext {
  runId: number;
  dir: string;
  clips: readonly ClipToExtract[];
  layers: readonly number[];
  dModel: number;
  dtype: ActivationDtype;
  encoder: WindowEncoder;
  activations: ActivationsRepo;
  options: ExtractionOptions;
  progress: (update: { done: number; total?: number | null; unit?: string; message?: string }) => void;
  throwIfCancelled: () => void;
  signal: AbortSignal;
}

async function extractRun(ctx: RunContext): Promise<Omit<ExtractResult, 'deviceFallback'>> {
  const { runId, dir, clips, layers, dModel, dtype, encoder, activations, options } = ctx;
  const batchSize = Math.min(encoder.maxBatch, Math.max(1, options.batchSize ?? 2));
  const shardFrames = Math.max(FRAMES_PER_WINDOW, options.shardFrames ?? defaultShardFrames(layers.length, dModel));
  let shardIndex = activations.shardCount(runId);
  const resumedFromShard = shardIndex;
  removeUncommittedFiles(dir, shardIndex);

  const last = activations.lastSpan(runId);
  const startClip = last === undefined ? 0 : clips.findIndex((c) => c.id === last.clipId);
  if (startClip < 0) throw new AppError('conflict', `Activation run ${runId} cannot resume: clip ${last!.clipId} is no longer in the dataset.`);
  const totalSec = clips.reduce((s, c) => s + c.durationSec, 0);
  let doneSec = clips.slice(0, startClip).reduce((s, c) => s + c.durationSec, 0) + (last ? Math.min(clips[startClip]!.durationSec, last.startSec + last.frames / encoder.frameRateHz) : 0);
  let jobAudioSec = 0;
  const started = performance.now();
  const buffer = new ShardBuffer(layers, dModel, shardFrames);

  const report = (message?: string) => {
    const elapsed = (performance.now() - started) / 1000;
    const rtf = jobAudioSec > 0 ? elapsed / jobAudioSec : null;
    ctx.progress({ done: Math.min(doneSec, totalSec), total: totalSec, unit: 'audio seconds', message: message ?? (rtf === null ? 'starting' : `real-time factor ${rtf.toFixed(3)} (${(1 / rtf).toFixed(1)}x real time) on ${encoder.device}`) });
  };

  const flush = () => {
    if (buffer.frames === 0) return;
    const file = shardFileName(shardIndex);
    const bytes = writeSafetensors(join(dir, file), buffer.tensors(dtype), {
      // No run id or timestamps: a resumed run's shards are byte-identical to an uninterrupted one's.
      format: 'audiosae-activations',
      shard: String(shardIndex),
      layers: JSON.stringify(layers),
    });
    activations.commitShard(runId, { shardIndex, file, frames: buffer.frames, bytes, audioSec: buffer.audioSec }, buffer.spans);
    options.onShardCommitted?.(runId, shardIndex);
    shardIndex++;
    buffer.reset();
  };

  type Pending = { clip: ClipToExtract; window: AudioWindow };
  const runBatch = async (batch: Pending[]) => {
    const { arrays, rowsPerItem } = await encoder.encodeBatch(
      batch.map((p) => p.window.samples),
      layers,
    );
    batch.forEach(({ clip, window }, item) => {
      const frames = encoder.framesFor(window.samples.length);
      if (!buffer.fits(frames)) flush();
      const sec = window.samples.length / SAMPLE_RATE;
      const span = { clipId: clip.id, windowIndex: window.index, firstFrame: Math.round(window.startSec * encoder.frameRateHz), frames, startSec: window.startSec, shardIndex };
      buffer.add(arrays, item, rowsPerItem, frames, span, sec);
      doneSec += sec;
      jobAudioSec += sec;
    });
    report();
  };

  report();
  let batch: Pending[] = [];
  for (let c = startClip; c < clips.length; c++) {
    const clip = clips[c]!;
    const skipThrough = last !== undefined && c === startClip ? last.windowIndex : -1;
    for await (const window of audioWindows(clip.path, SAMPLE_RATE, encoder.windowSamples, ctx.signal)) {
      if (window.index <= skipThrough) continue;
      if (encoder.framesFor(window.samples.length) === 0) continue; // a tail shorter than one frame's receptive field
      batch.push({ clip, window });
      if (batch.length === batchSize) {
        ctx.throwIfCancelled();
        await runBatch(batch);
        batch = [];
      }
    }
  }
  ctx.throwIfCancelled();
  if (batch.length > 0) await runBatch(batch);
  ctx.throwIfCancelled();
  flush();
  activations.finish(runId, 'complete');
  const run = activations.get(runId)!;
  const elapsed = (performance.now() - started) / 1000;
  return {
    runId,
    dir,
    shards: run.shards,
    frames: run.frames,
    audioSec: run.audioSec,
    bytes: run.bytes,
    device: encoder.device,
    realTimeFactor: jobAudioSec > 0 ? elapsed / jobAudioSec : 0,
    resumedFromShard,
  };
}

/** Shard files at or after the first uncommitted index, and partial writes, from a crash. */
function removeUncommittedFiles(dir: string, committedShards: number): void {
  for (const name of readdirSync(dir)) {
    const match = /^shard-(\d+)\.safetensors(\.partial)?$/.exec(name);
    if (match && (match[2] !== undefined || Number(match[1]) >= committedShards)) rmSync(join(dir, name), { force: true });
  }
}
