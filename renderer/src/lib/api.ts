/**
 * Every engine call the renderer makes, typed by the contract (electron/common/contract.ts).
 * Stores call these; components call stores.
 */
import type { DatasetLayout, RpcParams } from '../../../electron/common/contract.js';
import type { CallOptions } from '../../../electron/common/rpc-client.js';
import { rpc } from './rpc.js';

export const CLIP_PAGE_SIZE = 200;

export const api = {
  engineInfo: (options?: CallOptions) => rpc.call('engine.info', {}, options),

  listJobs: (limit = 200) => rpc.call('jobs.list', { limit }),
  getJob: (jobId: number) => rpc.call('jobs.get', { jobId }),
  cancelJob: (jobId: number) => rpc.call('jobs.cancel', { jobId }),
  resumeJob: (jobId: number) => rpc.call('jobs.resume', { jobId }),

  listDatasets: () => rpc.call('datasets.list', {}),
  importFolder: (name: string, folder: string, layout: DatasetLayout) =>
    rpc.call('datasets.importFolder', { name, folder, layout }),
  importReport: (datasetId: number, options?: CallOptions) => rpc.call('datasets.importReport', { datasetId }, options),
  labelCounts: (datasetId: number, key?: string, options?: CallOptions) =>
    rpc.call('datasets.labelCounts', key == null ? { datasetId } : { datasetId, key }, options),

  listClips: (params: RpcParams<'clips.list'>, options?: CallOptions) => rpc.call('clips.list', params, options),
  getClip: (clipId: number, options?: CallOptions) => rpc.call('clips.get', { clipId }, options),
  /** The clip's audio as WAV: all of it, or `durationSec` from `startSec`. */
  clipAudio: (clipId: number, window: { startSec?: number; durationSec?: number } = {}, options?: CallOptions) =>
    rpc.call('clips.audio', { clipId, ...window }, options),
  clipPeaks: (clipId: number, points: number, options?: CallOptions) => rpc.call('clips.peaks', { clipId, points }, options),

  listModels: () => rpc.call('models.list', {}),
  downloadModel: (repoId: string, revision: string) => rpc.call('models.download', { repoId, revision }),
  modelCatalog: () => rpc.call('models.catalog', {}),
  deleteModel: (modelId: number, deleteFiles: boolean, force: boolean) => rpc.call('models.delete', { modelId, deleteFiles, force }),

  extractActivations: (params: RpcParams<'activations.extract'>) => rpc.call('activations.extract', params),
  activationRuns: () => rpc.call('activations.runs', {}),

  trainSaes: (params: RpcParams<'saes.train'>) => rpc.call('saes.train', params),
  listSaes: () => rpc.call('saes.list', {}),
  saeMetrics: (saeId: number, options?: CallOptions) => rpc.call('saes.metrics', { saeId }, options),

  frameNorms: (modelId: number, clipId: number, options?: CallOptions) =>
    rpc.call('activations.frameNorms', { modelId, clipId }, options),
};

/** Engine events (job progress, datasets.changed, ...). */
export const onEngineEvent = rpc.onEvent;
