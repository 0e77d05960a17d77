/**
 * Every engine call the renderer makes, typed by the contract (electron/common/contract.ts).
 * Stores call these; components call stores.
 */
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
  importFolder: (name: string, folder: string) => rpc.call('datasets.importFolder', { name, folder }),

  listClips: (datasetId: number, offset: number, options?: CallOptions) =>
    rpc.call('clips.list', { datasetId, offset, limit: CLIP_PAGE_SIZE }, options),
  clipAudio: (clipId: number, options?: CallOptions) => rpc.call('clips.audio', { clipId }, options),

  listModels: () => rpc.call('models.list', {}),
  downloadModel: (repoId: string, revision: string) => rpc.call('models.download', { repoId, revision }),

  frameNorms: (modelId: number, clipId: number, options?: CallOptions) =>
    rpc.call('activations.frameNorms', { modelId, clipId }, options),
};

/** Engine events (job progress, datasets.changed, ...). */
export const onEngineEvent = rpc.onEvent;
