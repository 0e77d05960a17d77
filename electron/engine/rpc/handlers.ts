/** One handler per contract method; params arrive already validated by RpcServer. */
import { readFile } from 'node:fs/promises';
import type { EngineInfo } from '../../common/contract.js';
import { AppError } from '../../common/errors.js';
import { assertReadableFolder } from '../datasets/scan-folder.js';
import type { JobManager } from '../jobs/job-manager.js';
import { computeFrameNorms } from '../models/frame-norms.js';
import type { LoadedModels } from '../models/loaded-models.js';
import type { Store } from '../store/store.js';
import type { RpcHandlers } from './rpc-server.js';

export interface HandlerDeps {
  store: Store;
  jobs: JobManager;
  models: LoadedModels;
  info: () => Promise<EngineInfo>;
}

function found<T>(value: T | undefined, what: string, id: number): T {
  if (value === undefined) throw new AppError('not_found', `No ${what} with id ${id}.`);
  return value;
}

export function createHandlers({ store, jobs, models, info }: HandlerDeps): RpcHandlers {
  return {
    'engine.info': () => info(),

    'jobs.list': ({ limit }) => jobs.list(limit),
    'jobs.get': ({ jobId }) => jobs.get(jobId),
    'jobs.cancel': ({ jobId }) => jobs.cancel(jobId),
    'jobs.resume': ({ jobId }) => ({ jobId: jobs.resume(jobId).id }),

    'datasets.list': () => store.datasets.list(),
    'datasets.get': ({ datasetId }) => found(store.datasets.get(datasetId), 'dataset', datasetId),
    'datasets.importFolder': async (params) => {
      await assertReadableFolder(params.folder);
      return { jobId: jobs.enqueue('datasets.import', params).id };
    },
    'datasets.delete': ({ datasetId }) => ({ deleted: store.datasets.delete(datasetId) }),

    'clips.list': ({ datasetId, offset, limit }) => {
      found(store.datasets.get(datasetId), 'dataset', datasetId);
      return store.datasets.listClips(datasetId, offset, limit);
    },
    'clips.audio': async ({ clipId }) => {
      // Only files registered as clips are ever read: the path comes from the store, not the caller.
      const clip = found(store.datasets.getClip(clipId), 'clip', clipId);
      try {
        const bytes = new Uint8Array(await readFile(clip.path));
        return { clipId, mimeType: 'audio/wav', bytes };
      } catch {
        throw new AppError('not_found', `The clip's file is gone or unreadable: ${clip.path}`);
      }
    },

    'models.list': () => store.models.list(),
    'models.download': (params) => ({ jobId: jobs.enqueue('models.download', params).id }),

    'activations.frameNorms': ({ modelId, clipId }) => {
      const model = found(store.models.get(modelId), 'model', modelId);
      const clip = found(store.datasets.getClip(clipId), 'clip', clipId);
      return computeFrameNorms(models, model, clip);
    },
  };
}
