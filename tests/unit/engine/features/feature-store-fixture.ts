/**
 * A migrated temp store holding one analysed SAE written with plain SQL (a model, a labelled
 * dataset, an activation run row, stats and examples), for the features/labels repo tests and
 * the benchmark. Optionally saves real SAE weights so decoder neighbours can be computed.
 */
import { join } from 'node:path';
import { saveSaeCheckpoint } from '../../../../native-models/sae/sae-checkpoint.js';
import { parseSaeConfig } from '../../../../native-models/sae/sae-config.js';
import { initialSaeWeights, type SaeWeights } from '../../../../native-models/sae/sae-weights.js';
import { SeededRandom } from '../../../../native-models/common/seeded-random.js';
import { AnalysisRepo } from '../../../../electron/engine/analysis/analysis-repo.js';
import { ActivationsRepo } from '../../../../electron/engine/extraction/activations-repo.js';
import { FeatureService } from '../../../../electron/engine/features/feature-service.js';
import { Store } from '../../../../electron/engine/store/store.js';
import { SaesRepo } from '../../../../electron/engine/training/saes-repo.js';
import type { EngineEvent } from '../../../../electron/common/contract.js';

export interface FixtureOptions {
  width: number;
  dIn: number;
  clips: number;
  topN: number;
  /** Save weights to `<dir>/sae` and point the SAE's checkpoint at them. */
  weights: boolean;
  seed?: number;
}

export interface FeatureFixture {
  store: Store;
  service: FeatureService;
  events: EngineEvent[];
  saeId: number;
  datasetId: number;
  clipIds: number[];
  weights: SaeWeights | null;
  /** Every stats row as inserted. */
  stats: { feature: number; density: number; meanActivation: number; maxActivation: number; suggestedLabel: string | null }[];
}

export const CLASSES = ['dog', 'cat', 'rain', 'speech'];

export function openFeatureFixture(dir: string, o: FixtureOptions): FeatureFixture {
  const store = Store.open(dir);
  const db = store.db;
  const random = new SeededRandom(o.seed ?? 1);
  db.prepare("INSERT INTO models (id, repo_id, revision, commit_sha, architecture, snapshot_dir, n_mels, d_model, layers, created_at) VALUES (1, 'onnx-community/whisper-small', 'main', 'c', 'whisper-encoder', '/s', 80, ?, 12, 'now')").run(o.dIn);
  const datasetId = store.datasets.createWithClips(
    'labelled',
    join(dir, 'audio'),
    null,
    Array.from({ length: o.clips }, (_, i) => ({
      path: join(dir, 'audio', `c${i}.wav`),
      relativePath: `${CLASSES[i % CLASSES.length]}/c${i}.wav`,
      sha256: `sha${i}`,
      durationSec: 1 + (i % 5),
      sampleRate: 16000,
      channels: 1,
      labels: { class: [CLASSES[i % CLASSES.length]!], fold: [String(i % 3)] },
      transcript: i % CLASSES.length === 3 ? `words number ${i}` : null,
    })),
  );
  const clipIds = (db.prepare('SELECT id FROM clips WHERE dataset_id = ? ORDER BY id').all(datasetId) as { id: number }[]).map((r) => r.id);
  db.prepare("INSERT INTO activation_runs (id, dataset_id, model_id, layers, dtype, d_model, frame_rate_hz, dir, status, device, created_at) VALUES (1, ?, 1, '[6]', 'float16', ?, 50, ?, 'complete', 'cpu', 'now')").run(datasetId, o.dIn, join(dir, 'run'));
  let weights: SaeWeights | null = null;
  let checkpoint: string | null = null;
  if (o.weights) {
    weights = initialSaeWeights(o.dIn, o.width, o.seed ?? 1);
    checkpoint = join(dir, 'sae');
    saveSaeCheckpoint(checkpoint, parseSaeConfig({ architecture: 'topk', dIn: o.dIn, dSae: o.width, k: 32 }), weights);
  }
  db.prepare("INSERT INTO saes (id, run_id, model_id, layer, architecture, k, width, seed, status, config, train_key, checkpoint_path, created_at) VALUES (1, 1, 1, 6, 'topk', 32, ?, 0, 'complete', '{}', 'key', ?, 'now')").run(o.width, checkpoint);
  const stats = Array.from({ length: o.width }, (_, feature) => {
    const dead = feature % 7 === 3;
    const density = dead ? 0 : feature % 11 === 5 ? 0.1 + random.uniform() * 0.3 : 10 ** (-5 + 4 * random.uniform());
    return { feature, density, meanActivation: dead ? 0 : random.uniform() * 3, maxActivation: dead ? 0 : Math.round(random.uniform() * 1000) / 100, suggestedLabel: feature % 4 === 0 ? `class=${CLASSES[feature % CLASSES.length]}` : null };
  });
  const examples = stats.flatMap((s) =>
    s.density === 0
      ? []
      : [
          ...Array.from({ length: o.topN }, (_, rank) => ({ feature: s.feature, kind: 'top' as const, rank, clipId: clipIds[(s.feature * 7 + rank * (rank % 3 === 0 ? 1 : 4)) % clipIds.length]!, frame: rank * 3, timeSec: rank * 0.06, value: s.maxActivation - rank * 0.01, quantile: null })),
          ...[0.2, 0.4].map((q, rank) => ({ feature: s.feature, kind: 'quantile' as const, rank, clipId: clipIds[(s.feature + rank) % clipIds.length]!, frame: 1, timeSec: 0.02, value: s.maxActivation * q, quantile: q })),
        ],
  );
  const analyses = new AnalysisRepo(db);
  analyses.replace({ saeId: 1, runId: 1, frames: 100_000, topN: o.topN, histogram: { log10Edges: [], counts: [], dead: 0 }, jobId: null }, stats, examples);
  const events: EngineEvent[] = [];
  const service = new FeatureService({ db, saes: new SaesRepo(db), analyses, activations: new ActivationsRepo(db), models: store.models, notify: (e) => events.push(e) });
  return { store, service, events, saeId: 1, datasetId, clipIds, weights, stats };
}
