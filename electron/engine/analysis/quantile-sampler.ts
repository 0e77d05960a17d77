/**
 * Second pass over an SAE's codes: for each feature, `samples` frames drawn uniformly (seeded
 * reservoir sampling) from each lower band of its activation range. Band i holds activations in
 * (edge_{i-1} · max, edge_i · max] with edge_{-1} = 0; the example's quantile is the band's upper edge.
 */
import { SeededRandom } from '../../../native-models/common/seeded-random.js';
import type { FrameExample } from './feature-statistics.js';
import type { RowRefs } from './shard-rows.js';
import type { SparseCodes } from './sparse-codes.js';

/** Upper edges of the bands, as fractions of each feature's max. */
export const QUANTILE_BAND_EDGES = [0.2, 0.4, 0.6, 0.8] as const;

export interface QuantileExample extends FrameExample {
  quantile: number;
}

export class QuantileSampler {
  readonly #rng: SeededRandom;
  readonly #bands: number;
  readonly #seen: Float64Array;
  readonly #clip: Int32Array;
  readonly #frame: Int32Array;
  readonly #time: Float64Array;
  readonly #value: Float32Array;
  readonly #limits: Float32Array;

  constructor(
    readonly dSae: number,
    max: ArrayLike<number>,
    readonly samples: number,
    seed: number,
    readonly edges: readonly number[] = QUANTILE_BAND_EDGES,
  ) {
    this.#rng = new SeededRandom(seed);
    this.#bands = edges.length;
    const slots = dSae * this.#bands * samples;
    this.#seen = new Float64Array(dSae * this.#bands);
    this.#clip = new Int32Array(slots);
    this.#frame = new Int32Array(slots);
    this.#time = new Float64Array(slots);
    this.#value = new Float32Array(slots);
    this.#limits = new Float32Array(dSae * this.#bands);
    for (let j = 0; j < dSae; j++) for (let b = 0; b < this.#bands; b++) this.#limits[j * this.#bands + b] = edges[b]! * max[j]!;
  }

  add(codes: SparseCodes, refs: RowRefs): void {
    const { samples } = this;
    const bands = this.#bands;
    if (samples === 0) return;
    const { rowStart, features, values } = codes;
    for (let r = 0; r < codes.rows; r++) {
      for (let t = rowStart[r]!; t < rowStart[r + 1]!; t++) {
        const j = features[t]!;
        const v = values[t]!;
        let b = 0;
        while (b < bands && v > this.#limits[j * bands + b]!) b++;
        if (b === bands) continue;
        const cell = j * bands + b;
        const n = ++this.#seen[cell]!;
        const slot = n <= samples ? n - 1 : Math.floor(this.#rng.uniform() * n);
        if (slot >= samples) continue;
        const at = cell * samples + slot;
        this.#clip[at] = refs.clipIds[r]!;
        this.#frame[at] = refs.frames[r]!;
        this.#time[at] = refs.times[r]!;
        this.#value[at] = v;
      }
    }
  }

  /** One feature's samples, highest band first, within a band by value (largest first). */
  examples(feature: number): QuantileExample[] {
    const out: QuantileExample[] = [];
    for (let b = this.#bands - 1; b >= 0; b--) {
      const cell = feature * this.#bands + b;
      const band: QuantileExample[] = [];
      for (let s = 0; s < Math.min(this.samples, this.#seen[cell]!); s++) {
        const at = cell * this.samples + s;
        band.push({ clipId: this.#clip[at]!, frame: this.#frame[at]!, timeSec: this.#time[at]!, value: this.#value[at]!, quantile: this.edges[b]! });
      }
      band.sort((x, y) => y.value - x.value || x.clipId - y.clipId || x.frame - y.frame);
      out.push(...band);
    }
    return out;
  }
}
