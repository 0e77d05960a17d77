/**
 * The engine's composition root: store, jobs, loaded models and the RPC handlers.
 * Transports attach channels to it; it never knows which transport a client uses.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineEvent, EngineInfo } from '../common/contract.js';
import type { Disposable } from '../common/lifecycle.js';
import { DisposableStore } from '../common/lifecycle.js';
import type { Channel } from '../common/wire.js';
import { probeDevices, onnxRuntimeVersion } from '../../native-models/onnx/runtime.js';
import type { HubOptions } from '../../native-models/hub/index.js';
import { AnalysisRepo } from './analysis/analysis-repo.js';
import { analyzeSaeJob } from './analysis/analyze-job.js';
import { analyseAndStore, type FeatureAnalyserOptions } from './analysis/feature-analyser.js';
import { FeatureService } from './features/feature-service.js';
import { importFolderJob } from './datasets/import-folder-job.js';
import { defaultLayouts } from './datasets/layouts/index.js';
import { JobManager } from './jobs/job-manager.js';
import { downloadModelJob } from './models/download-model-job.js';
import { ActivationsRepo } from './extraction/activations-repo.js';
import { extractActivationsJob, type ExtractionOptions } from './extraction/extract-job.js';
import { LoadedModels } from './models/loaded-models.js';
import { createHandlers } from './rpc/handlers.js';
import { RpcServer } from './rpc/rpc-server.js';
import { Store } from './store/store.js';
import { SaesRepo } from './training/saes-repo.js';
import { discoverJob } from './steering/discover-job.js';
import { SteeringRepo } from './steering/steering-repo.js';
import { evaluateJob } from './evaluation/evaluate-job.js';
import { PaperEvalsRepo } from './paper-evals/paper-evals-repo.js';
import { paperEvalJob } from './paper-evals/run-job.js';
import { EvaluationsRepo } from './evaluation/evaluations-repo.js';
import { LiveSessions } from './live/live-sessions.js';
import { trainSaesJob, type TrainingOptions } from './training/train-job.js';
import { APP_VERSION } from './version.js';

export interface EngineOptions {
  dataDir: string;
  /** How many times a supervisor restarted this engine. */
  restarts?: number;
  /** Overrides for the hub client (tests point it at the fixture hub). */
  hub?: HubOptions;
  /** Extraction tuning (device, batch, shard size) and test hooks; shards go to `<dataDir>/activations`. */
  extraction?: Omit<ExtractionOptions, 'activationsDir' | 'log'>;
  /** SAE training tuning (device, shuffle buffer, threads) and test hooks; SAEs go to `<dataDir>/saes`. */
  training?: Omit<TrainingOptions, 'saesDir' | 'log' | 'analyse'>;
  /** Feature analysis tuning (device, rows per encoder call). */
  analysis?: Omit<FeatureAnalyserOptions, 'onStored'>;
}

export class Engine implements Disposable {
  readonly store: Store;
  readonly jobs: JobManager;
  readonly rpc: RpcServer;
  readonly models: LoadedModels;
  readonly interruptedOnStart: number;
  readonly #disposables = new DisposableStore();
  readonly #info: EngineInfo;
  #probedDevices: Promise<string[]> | null = null;
  readonly #features: FeatureService;
  readonly #live: LiveSessions;

  private constructor(options: EngineOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.store = Store.open(options.dataDir);
    this.interruptedOnStart = this.store.jobs.interruptUnfinished();
    this.jobs = this.#disposables.add(new JobManager(this.store.jobs));
    this.models = this.#disposables.add(new LoadedModels());
    this.#info = {
      version: APP_VERSION,
      pid: process.pid,
      dataDir: options.dataDir,
      databasePath: this.store.path,
      startedAt: new Date().toISOString(),
      node: process.versions.node,
      onnxruntime: onnxRuntimeVersion(),
      devices: ['cpu'],
      restarts: options.restarts ?? 0,
    };

    this.jobs.register(
      'datasets.import',
      importFolderJob(this.store.datasets, defaultLayouts(), () => this.broadcast({ type: 'datasets.changed' })),
    );
    this.jobs.register(
      'models.download',
      downloadModelJob(this.store.models, () => ({ ...options.hub }), () => this.broadcast({ type: 'models.changed' })),
    );
    const activations = new ActivationsRepo(this.store.db);
    const activationsDir = join(options.dataDir, 'activations');
    this.jobs.register(
      'activations.extract',
      extractActivationsJob(this.store.models, activations, {
        ...options.extraction,
        activationsDir,
        log: (level, message) => this.broadcast({ type: 'log', level, message, at: new Date().toISOString() }),
      }),
    );

    const saes = new SaesRepo(this.store.db);
    const analyses = new AnalysisRepo(this.store.db);
    const analyser: FeatureAnalyserOptions = { ...options.analysis, onStored: () => this.broadcast({ type: 'saes.changed' }) };
    this.jobs.register('saes.analyze', analyzeSaeJob(activations, saes, analyses, analyser));
    this.jobs.register(
      'saes.train',
      trainSaesJob(this.store.models, activations, saes, {
        ...options.training,
        analyse: (request) => analyseAndStore(activations, analyses, analyser, request),
        saesDir: join(options.dataDir, 'saes'),
        log: (level, message) => this.broadcast({ type: 'log', level, message, at: new Date().toISOString() }),
      }),
    );

    const steering = new SteeringRepo(this.store.db);
    this.jobs.register('steering.discover', discoverJob({ activations, saes, steering }, options.analysis ?? {}));
    this.jobs.register('steering.evaluate', evaluateJob({ models: this.store.models, saes, datasets: this.store.datasets, evaluations: new EvaluationsRepo(this.store.db), steering }, { device: options.analysis?.device }));
    this.jobs.register('evals.run', paperEvalJob({ store: this.store, db: this.store.db, activations, saes }, new PaperEvalsRepo(this.store.db), { device: options.analysis?.device, batchRows: options.analysis?.batchRows }));

    const features = new FeatureService({ db: this.store.db, saes, analyses, activations, models: this.store.models, notify: (event) => this.broadcast(event) });
    this.#features = features;
    const live = new LiveSessions({
      model: (id) => this.store.models.get(id),
      sae: (id) => saes.get(id),
      preset: (id) => {
        const preset = steering.preset(id);
        return preset && { id: preset.id, name: preset.name, saeId: preset.saeId, features: preset.features.map((f) => f.feature) };
      },
      models: this.models,
      datasets: this.store.datasets,
      recordingsDir: join(options.dataDir, 'recordings'),
      onTake: () => this.broadcast({ type: 'datasets.changed' }),
    });
    this.#live = live;
    this.rpc = this.#disposables.add(
      new RpcServer(
        createHandlers({ store: this.store, jobs: this.jobs, models: this.models, activations, activationsDir, saes, analyses, features, saesDir: join(options.dataDir, 'saes'), steering, live, info: () => this.describe(), notify: (event) => this.broadcast(event) }),
      ),
    );
    this.#disposables.add(this.jobs.onJobChanged((job) => this.broadcast({ type: 'job', job })));
  }

  static open(options: EngineOptions): Engine {
    return new Engine(options);
  }

  /** Versions, paths and the compute devices proven to work here (probed once, on first ask). */
  async describe(): Promise<EngineInfo> {
    this.#probedDevices ??= probeDevices().catch(() => ['cpu']);
    return { ...this.#info, devices: await this.#probedDevices };
  }

  connect(channel: Channel): Disposable {
    return this.rpc.attach(channel);
  }

  broadcast(event: EngineEvent): void {
    this.rpc.broadcast(event);
  }

  /** Stops jobs, closes connections and the store. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#disposables.isDisposed) return;
    this.jobs.dispose();
    await this.jobs.idle();
    await this.#live.close();
    await this.#features.dispose();
    this.#disposables.dispose();
    this.store.dispose();
  }

  dispose(): void {
    void this.close();
  }
}
