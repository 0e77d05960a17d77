/**
 * Probing k sweep (issue 9 item 2) on synthetic sparse SAE codes: `frames` samples x `width`
 * features, `active` non-zeros each, `classes` classes, one feature planted per class. Prints one
 * JSON line per configuration (the k sweep alone, then with unlearning curves if --unlearning).
 *
 *   node --import tsx tests/bench/probing.bench.ts [--frames 100000] [--width 6144] [--active 50]
 *     [--classes 2] [--folds 5] [--iterations 60] [--tolerance 1e-6] [--unlearning]
 *
 * --tolerance 0 turns early stopping off (every probe runs all its iterations).
 */
import { parseArgs } from 'node:util';
import { SeededRandom } from '../../native-models/common/seeded-random.js';
import { runProbing, type LabelledCode } from '../../electron/engine/evaluation-probing/probing-sweep.js';

const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '100000' },
    width: { type: 'string', default: '6144' },
    active: { type: 'string', default: '50' },
    classes: { type: 'string', default: '2' },
    folds: { type: 'string', default: '5' },
    iterations: { type: 'string', default: '60' },
    tolerance: { type: 'string', default: '1e-6' },
    unlearning: { type: 'boolean', default: false },
  },
});
const frames = Number(values.frames);
const width = Number(values.width);
const active = Number(values.active);
const classCount = Number(values.classes);
const rng = new SeededRandom(1);
const t0 = performance.now();
const samples: LabelledCode[] = Array.from({ length: frames }, (_, i) => {
  const label = i % classCount;
  const set = new Set<number>([label]);
  while (set.size < active) set.add(Math.floor(rng.uniform() * width));
  const features = Int32Array.from([...set].sort((a, b) => a - b));
  return { label, features, values: Float32Array.from(features, () => rng.uniform() * 2) };
});
const built = performance.now() - t0;
const kSweep = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000].filter((k) => k < width).concat([width]);
const t1 = performance.now();
const result = await runProbing(samples, Array.from({ length: classCount }, (_, c) => `c${c}`), width, {
  kSweep,
  folds: Number(values.folds),
  seed: 1,
  targetShare: 0.9,
  probe: { l2: 1e-3, iterations: Number(values.iterations), tolerance: Number(values.tolerance) },
  skipUnlearning: !values.unlearning,
});
console.log(JSON.stringify({
  bench: 'probing.k-sweep',
  frames,
  width,
  active,
  classes: classCount,
  folds: Number(values.folds),
  iterations: Number(values.iterations),
  tolerance: Number(values.tolerance),
  ks: kSweep.length,
  unlearning: values.unlearning,
  buildMs: Math.round(built),
  sweepMs: Math.round(performance.now() - t1),
  fullAccuracy: result.fullAccuracy,
  kToTarget: result.kToTarget,
}));
