/**
 * Feature stability matching (issue 9 item 1) at the paper's size: two `width` x `d` decoders,
 * a random one and a latent-permuted copy with noise. Times the decoder cosine matrix (ONNX Gemm)
 * and the optimal assignment separately, for the copy (near-permutation) and for two unrelated
 * random SAEs (the hard case for the assignment). Prints one JSON line per case.
 *
 *   node --import tsx tests/bench/stability.bench.ts [--width 6144] [--d 768] [--noise 0.02] [--narrow 4096]
 */
import { parseArgs } from 'node:util';
import { decoderCosines } from '../../electron/engine/paper-evals/stability/decoder-similarity.js';
import { matchFeatures, matchStatistics } from '../../electron/engine/paper-evals/stability/feature-matching.js';
import { SeededRandom } from '../../native-models/common/seeded-random.js';
import { initialSaeWeights } from '../../native-models/sae/sae-weights.js';

const { values } = parseArgs({ options: { width: { type: 'string', default: '6144' }, d: { type: 'string', default: '768' }, noise: { type: 'string', default: '0.02' }, narrow: { type: 'string', default: '4096' } } });
const width = Number(values.width);
const d = Number(values.d);
const noise = Number(values.noise);
const narrow = Number(values.narrow);
const random = new SeededRandom(3);

const base = initialSaeWeights(d, width, 1).W_dec;
const order = Int32Array.from({ length: width }, (_, i) => i);
for (let i = width - 1; i > 0; i--) {
  const j = Math.floor(random.uniform() * (i + 1));
  [order[i], order[j]] = [order[j]!, order[i]!];
}
const copy = new Float32Array(width * d);
for (let i = 0; i < width; i++) for (let c = 0; c < d; c++) copy[i * d + c] = base[order[i]! * d + c]! + noise * random.normal();
const unrelated = initialSaeWeights(d, width, 2).W_dec;

async function time(name: string, a: Float32Array, aRows: number, b: Float32Array, bRows: number, check?: (aToB: Int32Array) => boolean): Promise<void> {
  const t0 = performance.now();
  const cosines = await decoderCosines(a, aRows, b, bRows, d);
  const t1 = performance.now();
  const match = matchFeatures(cosines.values, aRows, bRows);
  const t2 = performance.now();
  const stats = matchStatistics(match.similarities, 0.7, 40);
  console.log(
    JSON.stringify({
      case: name,
      shape: `${aRows}x${d} vs ${bRows}x${d}`,
      cosineSeconds: +((t1 - t0) / 1000).toFixed(2),
      assignmentSeconds: +((t2 - t1) / 1000).toFixed(2),
      consistentShare: +stats.consistentShare.toFixed(4),
      meanSimilarity: +stats.meanSimilarity.toFixed(4),
      ...(check ? { permutationRecovered: check(match.aToB) } : {}),
    }),
  );
}

await time('permuted copy + noise', copy, width, base, width, (aToB) => aToB.every((j, i) => j === order[i]));
await time('unrelated random', unrelated, width, base, width);
if (narrow > 0 && narrow < width) await time('rectangular, unrelated random', unrelated, width, base.subarray(0, narrow * d), narrow);
