/**
 * SAE feature-analysis benchmark on CPU: random fp16 activations (d=768, 50k frames in 5 shards,
 * clips of 500 frames) through a random TopK SAE (6144 wide, k 50), as the `saes.analyze` job runs
 * it (and with a per-latent threshold, as BatchTopK infers). Prints JSON lines: the statistics pass alone, both passes (with quantile samples), frames/s
 * (frames of the run per second of the whole analysis), the SQLite write of the results, peak RSS.
 *
 *   node --import tsx tests/bench/sae-analysis.bench.ts [--frames 50000] [--d 768] [--width 6144] [--k 50] [--batch 4096]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyseSaes, type AnalysisShard, type SaeFeatureAnalysis, type SaeToAnalyse } from '../../electron/engine/analysis/analyse-saes.js';
import { AnalysisRepo, type FeatureExampleRecord, type FeatureStatRecord } from '../../electron/engine/analysis/analysis-repo.js';
import { Store } from '../../electron/engine/store/store.js';
import { SeededRandom } from '../../native-models/common/seeded-random.js';
import { float32ToFloat16, writeSafetensors } from '../../native-models/formats/safetensors.js';
import { initialSaeWeights } from '../../native-models/sae/sae-weights.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '50000' },
    d: { type: 'string', default: '768' },
    width: { type: 'string', default: '6144' },
    k: { type: 'string', default: '50' },
    batch: { type: 'string', default: '4096' },
  },
});
const frames = Number(values.frames);
const d = Number(values.d);
const width = Number(values.width);
const k = Number(values.k);
const batchRows = Number(values.batch);
const CLIP_FRAMES = 500;
const SHARDS = 5;

const dir = makeTempDir('bench-analysis-');
try {
  const random = new SeededRandom(1);
  const shards: AnalysisShard[] = [];
  let clipId = 1;
  for (let s = 0; s < SHARDS; s++) {
    const n = Math.floor(frames / SHARDS);
    const values32 = random.normals(n * d, 1);
    const path = join(dir.path, `shard-${s}.safetensors`);
    writeSafetensors(path, [{ name: 'layer_6', dtype: 'F16', shape: [n, d], bytes: new Uint8Array(float32ToFloat16(values32).buffer) }]);
    const spans = [];
    for (let row = 0; row < n; row += CLIP_FRAMES) spans.push({ clipId: clipId++, windowIndex: 0, firstFrame: 0, frames: Math.min(CLIP_FRAMES, n - row), startSec: 0, shardIndex: s, rowOffset: row });
    shards.push({ path, name: `shard-${s}.safetensors`, frames: n, spans });
  }
  const total = shards.reduce((a, s) => a + s.frames, 0);
  const sae: SaeToAnalyse = { saeId: 1, layer: 6, weights: initialSaeWeights(d, width, 0), selection: { kind: 'row_topk' as const, k } };
  const run = async (quantileSamples: number, selected = sae) => {
    const started = performance.now();
    const [result] = await analyseSaes({ shards, dModel: d, frameRateHz: 50, saes: [selected], topN: 20, quantileSamples, batchRows });
    return { result: result!, seconds: (performance.now() - started) / 1000 };
  };
  const stats = await run(0);
  console.log(JSON.stringify({ bench: 'sae-analysis', phase: 'statistics pass', frames: total, d, width, k, batchRows, seconds: +stats.seconds.toFixed(2), framesPerSecond: Math.round(total / stats.seconds) }));
  const full = await run(5);
  console.log(JSON.stringify({ bench: 'sae-analysis', phase: 'statistics + quantile passes', frames: total, d, width, k, batchRows, seconds: +full.seconds.toFixed(2), framesPerSecond: Math.round(total / full.seconds) }));

  // BatchTopK-style threshold selection (dense codes); pre ~ N(0, 1) here, so 2.4 keeps ~0.8% (~50 of 6144).
  const thresholded = { ...sae, weights: { ...sae.weights, threshold: new Float32Array(width).fill(2.4) }, selection: { kind: 'threshold' as const } };
  const dense = await run(5, thresholded);
  console.log(JSON.stringify({ bench: 'sae-analysis', phase: 'threshold selection, both passes', frames: total, d, width, batchRows, seconds: +dense.seconds.toFixed(2), framesPerSecond: Math.round(total / dense.seconds) }));

  const store = Store.open(join(dir.path, 'data'));
  try {
    const { statsRows, exampleRows } = records(full.result);
    // Rows only for the timing: no model, run or clips behind them.
    store.db.pragma('foreign_keys = OFF');
    const started = performance.now();
    store.db.prepare("INSERT INTO saes (id, model_id, layer, architecture, k, width, seed, status, config, train_key, created_at) VALUES (1, 1, 6, 'topk', ?, ?, 0, 'complete', '{}', '', '')").run(k, width);
    new AnalysisRepo(store.db).replace({ saeId: 1, runId: 1, frames: total, topN: 20, histogram: full.result.histogram, jobId: null }, statsRows, exampleRows);
    const seconds = (performance.now() - started) / 1000;
    console.log(JSON.stringify({ bench: 'sae-analysis', phase: 'store', features: width, examples: exampleRows.length, seconds: +seconds.toFixed(2) }));
  } finally {
    store.dispose();
  }
  console.log(JSON.stringify({ bench: 'sae-analysis', peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
} finally {
  dir.cleanup();
}

function records(result: SaeFeatureAnalysis): { statsRows: FeatureStatRecord[]; exampleRows: FeatureExampleRecord[] } {
  const statsRows = Array.from(result.density, (density, feature) => ({ feature, density, meanActivation: result.meanActivation[feature]!, maxActivation: result.maxActivation[feature]!, suggestedLabel: null }));
  const exampleRows: FeatureExampleRecord[] = [];
  result.top.forEach((ex, feature) => ex.forEach((e, rank) => exampleRows.push({ feature, kind: 'top', rank, ...e, quantile: null })));
  result.quantiles.forEach((ex, feature) => ex.forEach((e, rank) => exampleRows.push({ feature, kind: 'quantile', rank, ...e })));
  return { statsRows, exampleRows };
}
