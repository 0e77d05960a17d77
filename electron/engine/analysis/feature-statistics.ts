/**
 * First pass over an SAE's codes: per feature the number of frames it fired on (> 0), the sum
 * and max of its activations, and its top-N clips, each represented once, by its peak frame.
 *
 * A clip's frames are contiguous in row order (extraction writes clip by clip), so each feature's
 * peak is tracked for the current clip and offered to the top list when the clip changes; the top
 * list still keeps one entry per clip should a clip come back later.
 */
import type { RowRefs } from './shard-rows.js';
import type { SparseCodes } from './sparse-codes.js';

export interface FrameExample {
  clipId: number;
  frame: number;
  timeSec: number;
  value: number;
}

/** The N largest values, at most one per clip, largest first (ties: lower clip id first). */
export class TopPerClip {
  readonly items: FrameExample[] = [];

  constructor(private readonly capacity: number) {}

  /** The value an offer must beat to enter a full list. */
  get floor(): number {
    return this.items.length < this.capacity ? 0 : this.items[this.items.length - 1]!.value;
  }

  offer(example: FrameExample): void {
    const existing = this.items.findIndex((e) => e.clipId === example.clipId);
    if (existing >= 0) {
      if (this.items[existing]!.value >= example.value) return;
      this.items.splice(existing, 1);
    } else if (this.items.length >= this.capacity && !before(example, this.items[this.items.length - 1]!)) {
      return;
    }
    let at = this.items.length;
    while (at > 0 && before(example, this.items[at - 1]!)) at--;
    this.items.splice(at, 0, example);
    if (this.items.length > this.capacity) this.items.pop();
  }
}

const before = (a: FrameExample, b: FrameExample): boolean => a.value > b.value || (a.value === b.value && a.clipId < b.clipId);

export class FeatureStatistics {
  readonly counts: Float64Array;
  readonly sums: Float64Array;
  readonly max: Float32Array;
  frames = 0;
  readonly #top: (TopPerClip | undefined)[];
  readonly #peakValue: Float32Array;
  readonly #peakFrame: Int32Array;
  readonly #peakTime: Float64Array;
  readonly #touched: Int32Array;
  #touchedCount = 0;
  #clip = -1;

  constructor(
    readonly dSae: number,
    readonly topN: number,
  ) {
    this.counts = new Float64Array(dSae);
    this.sums = new Float64Array(dSae);
    this.max = new Float32Array(dSae);
    this.#top = new Array<TopPerClip | undefined>(dSae);
    this.#peakValue = new Float32Array(dSae);
    this.#peakFrame = new Int32Array(dSae);
    this.#peakTime = new Float64Array(dSae);
    this.#touched = new Int32Array(dSae);
  }

  /** Adds a batch of codes for the frames `refs`. */
  add(codes: SparseCodes, refs: RowRefs): void {
    const { rowStart, features, values } = codes;
    for (let r = 0; r < codes.rows; r++) {
      const clip = refs.clipIds[r]!;
      if (clip !== this.#clip) {
        this.#flush();
        this.#clip = clip;
      }
      for (let t = rowStart[r]!; t < rowStart[r + 1]!; t++) {
        const j = features[t]!;
        const v = values[t]!;
        this.counts[j]!++;
        this.sums[j]! += v;
        if (v > this.max[j]!) this.max[j] = v;
        const peak = this.#peakValue[j]!;
        if (v > peak) {
          if (peak === 0) this.#touched[this.#touchedCount++] = j;
          this.#peakValue[j] = v;
          this.#peakFrame[j] = refs.frames[r]!;
          this.#peakTime[j] = refs.times[r]!;
        }
      }
    }
    this.frames += codes.rows;
  }

  /** Top examples per feature (empty for a feature that never fired); ends the current clip. */
  top(): FrameExample[][] {
    this.#flush();
    return Array.from(this.#top, (t) => t?.items ?? []);
  }

  #flush(): void {
    for (let i = 0; i < this.#touchedCount; i++) {
      const j = this.#touched[i]!;
      const value = this.#peakValue[j]!;
      const top = (this.#top[j] ??= new TopPerClip(this.topN));
      // Below a full list's floor nothing changes (a clip already listed holds a value >= floor).
      if (value >= top.floor) top.offer({ clipId: this.#clip, frame: this.#peakFrame[j]!, timeSec: this.#peakTime[j]!, value });
      this.#peakValue[j] = 0;
    }
    this.#touchedCount = 0;
  }
}

export interface DensityHistogram {
  log10Edges: number[];
  counts: number[];
  dead: number;
}

/** Bin width of the density histogram, in decades. */
export const HISTOGRAM_BIN_DECADES = 0.25;

/**
 * Histogram of log10(density) over the features that fired; bins are [edge_i, edge_i+1) on a fixed
 * grid of HISTOGRAM_BIN_DECADES, spanning the fired features (a density of 1 gets a bin [0, 0.25)).
 */
export function densityHistogram(densities: ArrayLike<number>): DensityHistogram {
  const bins: number[] = [];
  let dead = 0;
  for (let j = 0; j < densities.length; j++) {
    const d = densities[j]!;
    if (d > 0) bins.push(Math.floor(Math.log10(d) / HISTOGRAM_BIN_DECADES));
    else dead++;
  }
  if (bins.length === 0) return { log10Edges: [], counts: [], dead };
  let lo = bins[0]!;
  let hi = bins[0]!;
  for (const b of bins) {
    lo = Math.min(lo, b);
    hi = Math.max(hi, b);
  }
  const counts = new Array<number>(hi - lo + 1).fill(0);
  for (const b of bins) counts[b - lo]!++;
  const log10Edges = Array.from({ length: hi - lo + 2 }, (_, i) => (lo + i) * HISTOGRAM_BIN_DECADES);
  return { log10Edges, counts, dead };
}
