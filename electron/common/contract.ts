/**
 * The one RPC contract between the renderer (or any client) and the engine.
 * Params are zod schemas, validated at the engine boundary; results are types.
 * The renderer imports this module for types only.
 */
import { z } from 'zod';
import type { JobSnapshot } from './jobs.js';

const rowId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const noParams = z.object({}).strict();
const absolutePath = z
  .string()
  .min(1, 'Give a folder path.')
  .max(4096)
  .refine((p) => !p.includes('\0'), 'Path contains a NUL character.');
const hubRepoId = z
  .string()
  .regex(/^[A-Za-z0-9][\w.-]{0,95}\/[\w.-]{1,96}$/, 'A Hugging Face repo id looks like "owner/name".');
const gitRevision = z.string().regex(/^[\w./-]{1,200}$/, 'Not a valid revision.').default('main');

export const rpcMethods = {
  'engine.info': { params: noParams },

  'jobs.list': {
    params: z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict(),
  },
  'jobs.get': { params: z.object({ jobId: rowId }).strict() },
  'jobs.cancel': { params: z.object({ jobId: rowId }).strict() },
  /** Re-runs an interrupted, failed or cancelled job with its original parameters. */
  'jobs.resume': { params: z.object({ jobId: rowId }).strict() },

  'datasets.list': { params: noParams },
  'datasets.get': { params: z.object({ datasetId: rowId }).strict() },
  /** Starts an import job; the dataset appears when the job succeeds. */
  'datasets.importFolder': {
    params: z
      .object({
        name: z.string().trim().min(1, 'Give the dataset a name.').max(200),
        folder: absolutePath,
      })
      .strict(),
  },
  'datasets.delete': { params: z.object({ datasetId: rowId }).strict() },

  'clips.list': {
    params: z
      .object({
        datasetId: rowId,
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
  },
  /** The clip's file as it is on disk, for playback. */
  'clips.audio': { params: z.object({ clipId: rowId }).strict() },

  'models.list': { params: noParams },
  /** Starts a download job (Hugging Face hub protocol into the HF cache), then registers the model. */
  'models.download': {
    params: z.object({ repoId: hubRepoId, revision: gitRevision }).strict(),
  },

  /** Runs the frontend and encoder on one clip's first window; per-frame L2 norm of the output. */
  'activations.frameNorms': {
    params: z.object({ modelId: rowId, clipId: rowId }).strict(),
  },
} as const;

export type RpcMethod = keyof typeof rpcMethods;
export type RpcParams<M extends RpcMethod> = z.input<(typeof rpcMethods)[M]['params']>;
export type RpcParsedParams<M extends RpcMethod> = z.output<(typeof rpcMethods)[M]['params']>;
export type RpcResult<M extends RpcMethod> = RpcResults[M];

export function isRpcMethod(name: string): name is RpcMethod {
  return Object.hasOwn(rpcMethods, name);
}

export interface EngineInfo {
  version: string;
  pid: number;
  dataDir: string;
  databasePath: string;
  startedAt: string;
  node: string;
  onnxruntime: string;
  devices: string[];
  /** How many times the supervisor has restarted the engine (0 on first start). */
  restarts: number;
}

export interface DatasetSummary {
  id: number;
  name: string;
  rootPath: string;
  clipCount: number;
  totalDurationSec: number;
  createdAt: string;
}

export interface ClipRow {
  id: number;
  datasetId: number;
  path: string;
  relativePath: string;
  sha256: string;
  durationSec: number;
  sampleRate: number;
  channels: number;
}

export interface ClipPage {
  total: number;
  offset: number;
  clips: ClipRow[];
}

export interface ClipAudio {
  clipId: number;
  mimeType: string;
  bytes: Uint8Array;
}

export interface ModelRow {
  id: number;
  repoId: string;
  revision: string;
  commit: string;
  architecture: string;
  snapshotDir: string;
  nMels: number;
  dModel: number;
  layers: number;
  createdAt: string;
}

export interface FrameNorms {
  modelId: number;
  clipId: number;
  /** Encoder output frames per second of audio. */
  frameRateHz: number;
  /** Frames that cover real audio (the rest of the 30 s window is padding). */
  frames: number;
  dModel: number;
  norms: number[];
  windowSec: number;
  clipDurationSec: number;
  elapsedMs: number;
}

export interface JobRef {
  jobId: number;
}

export interface RpcResults {
  'engine.info': EngineInfo;
  'jobs.list': JobSnapshot[];
  'jobs.get': JobSnapshot;
  'jobs.cancel': JobSnapshot;
  'jobs.resume': JobRef;
  'datasets.list': DatasetSummary[];
  'datasets.get': DatasetSummary;
  'datasets.importFolder': JobRef;
  'datasets.delete': { deleted: boolean };
  'clips.list': ClipPage;
  'clips.audio': ClipAudio;
  'models.list': ModelRow[];
  'models.download': JobRef;
  'activations.frameNorms': FrameNorms;
}

/** Pushed by the engine to every connected client. */
export type EngineEvent =
  | { type: 'job'; job: JobSnapshot }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string; at: string }
  | { type: 'datasets.changed' }
  | { type: 'models.changed' };
