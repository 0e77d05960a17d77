/**
 * SAE training-step benchmark on CPU (or --device cuda): d=768, width 6144, k=64, batch 4096 by
 * default. Prints JSON lines: the floor (encoder MatMul + TopK on the same batch, weights fed as
 * inputs like the training graph), then per architecture the full training step through
 * `createSaeTrainer` (forward, all gradients, Adam, decoder renorm, weights round-tripping through
 * JS): min and median ms/step, training tokens/s and ratio to the floor (from the min), peak RSS. `topk+aux` is a step
 * with the aux-k loss active (half the latents silenced, hence dead). `topk-dense` is the
 * straightforward dense formulation (masked z, decode and gradients as GEMMs), the baseline.
 *
 *   node --import tsx tests/bench/sae-train.bench.ts [--steps 5] [--batch 4096] [--d 768]
 *        [--width 6144] [--k 64] [--device cpu] [--threads N] [--only floor,topk,topk-dense,batchtopk,topk+aux]
 */
import { parseArgs } from 'node:util';
import { SeededRandom } from '../../native-models/common/seeded-random.js';
import { GraphBuilder } from '../../native-models/onnx/graph-builder.js';
import { createSession, type ExecutionDevice } from '../../native-models/onnx/runtime.js';
import { createSaeTrainer } from '../../native-models/sae/sae-trainer.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '5' },
    batch: { type: 'string', default: '4096' },
    d: { type: 'string', default: '768' },
    width: { type: 'string', default: '6144' },
    k: { type: 'string', default: '64' },
    device: { type: 'string', default: 'cpu' },
    threads: { type: 'string' },
    only: { type: 'string', default: 'floor,topk,topk-dense,batchtopk,topk+aux' },
  },
});
const steps = Number(values.steps);
const batch = Number(values.batch);
const dIn = Number(values.d);
const dSae = Number(values.width);
const k = Number(values.k);
const device = values.device as ExecutionDevice;
const intraOpThreads = values.threads === undefined ? undefined : Number(values.threads);
const only = new Set(values.only.split(','));
const emit = (record: Record<string, unknown>) => console.log(JSON.stringify({ bench: 'sae-train', batch, d: dIn, width: dSae, k, ...record }));
const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
// Other processes may load the machine: the minimum is the least disturbed run, the median the typical one.
const stats = (xs: number[]) => ({ min_ms: Number(Math.min(...xs).toFixed(1)), median_ms: Number(median(xs).toFixed(1)) });

const random = new SeededRandom(3);
const x = random.normals(batch * dIn, 1);

let floorMs = NaN;
if (only.has('floor')) {
  const g = new GraphBuilder('encoder_floor');
  const input = g.input('x', ['batch', dIn]);
  const wEnc = g.input('W_enc', [dIn, dSae]);
  const [values_] = g.node('TopK', [g.op('MatMul', [input, wEnc]), g.int64s('k', [k])], 2, { axis: -1, largest: 1, sorted: 0 });
  g.output(values_!);
  const session = await createSession(g.toBytes(), { device, intraOpThreads });
  const feeds = { x: { dims: [batch, dIn], data: x }, W_enc: { dims: [dIn, dSae], data: random.normals(dIn * dSae, 0.03) } };
  const times: number[] = [];
  for (let i = 0; i <= steps; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    if (i > 0) times.push(performance.now() - t0);
  }
  await session.dispose();
  floorMs = Math.min(...times);
  emit({ step: 'encoder_matmul_topk_floor', device: session.device, ...stats(times), peak_rss_mib: peakRssMiB() });
}

for (const variant of values.only.split(',').filter((v): v is 'topk' | 'topk-dense' | 'batchtopk' | 'topk+aux' => ['topk', 'topk-dense', 'batchtopk', 'topk+aux'].includes(v))) {
  const architecture = variant === 'batchtopk' ? 'batchtopk' : 'topk';
  const trainer = await createSaeTrainer(
    { architecture, dIn, dSae, k, totalSteps: 1000, warmupSteps: 10, bDecInit: 'mean', deadTokensThreshold: variant === 'topk+aux' ? 1 : 10_000_000 },
    { device, intraOpThreads, decode: variant === 'topk-dense' ? 'dense' : 'sparse' },
  );
  if (variant === 'topk+aux') {
    // Silence half the latents so they are dead from the second step on and the aux-k loss runs.
    const state = trainer.state();
    state.weights.b_enc.fill(-1e4, 0, dSae / 2);
    trainer.load(state);
  }
  const times: number[] = [];
  let last;
  for (let i = 0; i <= steps; i++) {
    const t0 = performance.now();
    last = await trainer.step(x);
    if (i > 0) times.push(performance.now() - t0);
  }
  await trainer.dispose();
  const ms = Math.min(...times);
  emit({
    step: 'train_step',
    architecture: variant,
    implementation: variant === 'topk' || variant === 'topk+aux' ? 'sparse TopK: gather-decode + scatter (training-graph.ts)' : 'dense masked z, GEMMs (training-graph.ts)',
    device: trainer.device,
    ...stats(times),
    tokens_per_sec: Math.round((batch / ms) * 1000),
    ratio_to_floor: Number((ms / floorMs).toFixed(2)),
    dead_fraction: last!.deadFraction,
    peak_rss_mib: peakRssMiB(),
  });
}
