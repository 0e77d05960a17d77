/** One handler per contract method; params arrive already validated by RpcServer. */
import type { CatalogModel, EngineEvent, EngineInfo } from '../../common/contract.js';
import { modelCatalog } from '../../../native-models/catalog.js';
import { AppError } from '../../common/errors.js';
import { clipAudio, clipPeaks } from '../datasets/clip-audio.js';
import { assertReadableFolder } from '../datasets/scan-folder.js';
import type { AnalysisRepo } from '../analysis/analysis-repo.js';
import type { FeatureService } from '../features/feature-service.js';
import type { ActivationsRepo } from '../extraction/activations-repo.js';
import type { JobManager } from '../jobs/job-manager.js';
import { deleteModel } from '../models/delete-model.js';
import { computeFrameNorms } from '../models/frame-norms.js';
import type { LoadedModels } from '../models/loaded-models.js';
import type { Store } from '../store/store.js';
import type { SaesRepo } from '../training/saes-repo.js';
import { trainableLayers } from '../training/train-job.js';
import { createAnalysisHandlers } from './analysis-handlers.js';
import { createFeatureHandlers } from './feature-handlers.js';
import type { RpcHandlers } from './rpc-server.js';
import { createSaeIoHandlers } from './sae-io-handlers.js';
import { createSteeringHandlers } from './steering-handlers.js';
import { createEvaluationHandlers } from './evaluation-handlers.js';
import { createLiveHandlers } from './live-handlers.js';
import { createPaperEvalHandlers } from './paper-eval-handlers.js';
import { createAlignmentHandlers } from './alignment-handlers.js';
import type { LiveSessions } from '../live/live-sessions.js';
import type { SteeringRepo } from '../steering/steering-repo.js';

export interface HandlerDeps {
  store: Store;
  jobs: JobManager;
  models: LoadedModels;
  activations: ActivationsRepo;
  /** Where extraction run folders live (models.delete with force removes them). */
  activationsDir: string;
  saes: SaesRepo;
  /** SAE feature analyses (saes.analysis, features.*). */
  analyses: AnalysisRepo;
  /** Feature browsing and labels (features.*, labels.*); owns cached SAE weights and encoders. */
  features: FeatureService;
  /** Where SAE folders live (`<saesDir>/<id>/`); imports are copied there. */
  saesDir: string;
  /** Feature discoveries and steering presets (steering.*). */
  steering: SteeringRepo;
  /** Live microphone sessions (live.*). */
  live: LiveSessions;
  info: () => Promise<EngineInfo>;
  /** Pushes an event to every client (e.g. models.changed after a delete). */
  notify?: (event: EngineEvent) => void;
}

export function found<T>(value: T | undefined, what: string, id: number): T {
  if (value === undefined) throw new AppError('not_found', `No ${what} with id ${id}.`);
  return value;
}

export function createHandlers(deps: HandlerDeps): RpcHandlers {
  const { store, jobs, models, activations, activationsDir, saes, info, notify } = deps;
  return {
    ...createAnalysisHandlers(deps),
    ...createSaeIoHandlers(deps),
    ...createFeatureHandlers(deps),
    ...createSteeringHandlers(deps),
    ...createEvaluationHandlers(deps),
    ...createLiveHandlers(deps),
    ...createPaperEvalHandlers(deps),
    ...createAlignmentHandlers(deps),
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

    'datasets.importReport': ({ datasetId }) => {
      found(store.datasets.get(datasetId), 'dataset', datasetId);
      return { datasetId, failures: store.datasets.importFailures(datasetId) };
    },
    'datasets.labelCounts': ({ datasetId, key }) => {
      found(store.datasets.get(datasetId), 'dataset', datasetId);
      return store.datasets.labelCounts(datasetId, key);
    },

    'clips.list': (query) => {
      found(store.datasets.get(query.datasetId), 'dataset', query.datasetId);
      return store.datasets.listClips(query);
    },
    'clips.get': ({ clipId }) => found(store.datasets.getClip(clipId), 'clip', clipId),
    // Only files registered as clips are ever read: the path comes from the store, not the caller.
    'clips.audio': ({ clipId, startSec, durationSec }) =>
      clipAudio(found(store.datasets.getClip(clipId), 'clip', clipId), startSec, durationSec),
    'clips.peaks': ({ clipId, points }) => clipPeaks(found(store.datasets.getClip(clipId), 'clip', clipId), points),

    'models.list': () => store.models.list(),
    'models.download': (params) => ({ jobId: jobs.enqueue('models.download', params).id }),
    'models.catalog': () =>
      modelCatalog().map(
        (e): CatalogModel => ({
          id: e.id,
          label: e.title,
          repoId: e.repoId,
          family: e.family,
          layers: e.layers,
          width: e.width,
          frameRateHz: e.frameRateHz,
          frontend: e.frontend,
          nMels: e.nMels ?? null,
          windowSec: e.windowSec ?? null,
          variants: Object.keys(e.variants),
          downloaded: store.models.byRepo(e.repoId).at(-1) ?? null,
        }),
      ),
    'models.delete': async ({ modelId, deleteFiles, force }) => {
      const result = await deleteModel(
        { models: store.models, activations, activationsDir, unload: (m) => models.unload(m.id) },
        modelId,
        { deleteFiles, force },
      );
      notify?.({ type: 'models.changed' });
      return result;
    },

    'activations.frameNorms': ({ modelId, clipId }) => {
      const model = found(store.models.get(modelId), 'model', modelId);
      const clip = found(store.datasets.getClip(clipId), 'clip', clipId);
      return computeFrameNorms(models, model, clip);
    },
    'activations.extract': (params) => {
      found(store.datasets.get(params.datasetId), 'dataset', params.datasetId);
      const model = found(store.models.get(params.modelId), 'model', params.modelId);
      if (params.layers !== 'all') {
        const missing = params.layers.filter((l) => l > model.layers);
        if (missing.length > 0) throw new AppError('bad_input', `Layers ${missing.join(', ')} do not exist: ${model.repoId} has layers 0..${model.layers}.`);
      }
      return { jobId: jobs.enqueue('activations.extract', params).id };
    },
    'activations.runs': () => activations.list(),

    'saes.train': (params) => {
      trainableLayers(activations.get(params.runId), params.runId, params.layers);
      return { jobId: jobs.enqueue('saes.train', params).id };
    },
    'saes.list': () => saes.list(),
    'saes.metrics': ({ saeId }) => {
      found(saes.get(saeId), 'SAE', saeId);
      return saes.metrics(saeId);
    },
  };
}
