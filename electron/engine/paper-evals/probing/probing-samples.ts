/**
 * Probing samples from an SAE's codes of a run: at audio level one sample per clip (each feature's
 * maximum over the clip's frames), at frame level a seeded reservoir of frames per class whose
 * `group` is the clip (so folds keep a clip's frames together).
 */
import { SeededRandom } from '../../../../native-models/common/seeded-random.js';
import type { SparseCodes } from '../../analysis/sparse-codes.js';
import type { LabelledCode } from '../../evaluation-probing/probing-sweep.js';

export interface SampleCollector {
  add(clipIds: Int32Array, codes: SparseCodes): void;
  finish(): LabelledCode[];
}

function sortedCode(entries: Iterable<[number, number]>, label: number, group?: number): LabelledCode {
  const sorted = [...entries].sort((a, b) => a[0] - b[0]);
  return { label, features: Int32Array.from(sorted, (e) => e[0]), values: Float32Array.from(sorted, (e) => e[1]), ...(group === undefined ? {} : { group }) };
}

/** One sample per labelled clip: max-pooled codes. A clip is closed once all its rows (`clipRows`) are seen. */
export class AudioLevelSamples implements SampleCollector {
  readonly #classOf: ReadonlyMap<number, number>;
  readonly #clipRows: ReadonlyMap<number, number>;
  readonly #open = new Map<number, { seen: number; max: Map<number, number> }>();
  readonly #done = new Map<number, LabelledCode>();

  constructor(classOf: ReadonlyMap<number, number>, clipRows: ReadonlyMap<number, number>) {
    this.#classOf = classOf;
    this.#clipRows = clipRows;
  }

  add(clipIds: Int32Array, codes: SparseCodes): void {
    const { rowStart, features, values } = codes;
    for (let r = 0; r < codes.rows; r++) {
      const clipId = clipIds[r]!;
      const label = this.#classOf.get(clipId);
      if (label === undefined) continue;
      let clip = this.#open.get(clipId);
      if (!clip) {
        clip = { seen: 0, max: new Map() };
        this.#open.set(clipId, clip);
      }
      for (let i = rowStart[r]!; i < rowStart[r + 1]!; i++) {
        const value = values[i]!;
        if (value > (clip.max.get(features[i]!) ?? 0)) clip.max.set(features[i]!, value);
      }
      clip.seen++;
      if (clip.seen >= (this.#clipRows.get(clipId) ?? Number.POSITIVE_INFINITY)) this.#close(clipId, label, clip.max);
    }
  }

  finish(): LabelledCode[] {
    for (const [clipId, clip] of this.#open) this.#close(clipId, this.#classOf.get(clipId)!, clip.max);
    return [...this.#done].sort((a, b) => a[0] - b[0]).map(([, code]) => code);
  }

  #close(clipId: number, label: number, max: Map<number, number>): void {
    this.#done.set(clipId, sortedCode(max, label));
    this.#open.delete(clipId);
  }
}

/** Up to `maxPerClass` frames of each class, a uniform seeded sample (reservoir sampling, Algorithm R). */
export class FrameLevelSamples implements SampleCollector {
  readonly #classOf: ReadonlyMap<number, number>;
  readonly #maxPerClass: number;
  readonly #rng: SeededRandom;
  readonly #reservoirs: LabelledCode[][];
  readonly #seen: number[];

  constructor(classOf: ReadonlyMap<number, number>, classCount: number, maxPerClass: number, seed: number) {
    this.#classOf = classOf;
    this.#maxPerClass = maxPerClass;
    this.#rng = new SeededRandom(seed);
    this.#reservoirs = Array.from({ length: classCount }, () => []);
    this.#seen = new Array<number>(classCount).fill(0);
  }

  add(clipIds: Int32Array, codes: SparseCodes): void {
    const { rowStart, features, values } = codes;
    for (let r = 0; r < codes.rows; r++) {
      const clipId = clipIds[r]!;
      const label = this.#classOf.get(clipId);
      if (label === undefined) continue;
      const seen = this.#seen[label]!++;
      const slot = seen < this.#maxPerClass ? seen : Math.floor(this.#rng.uniform() * (seen + 1));
      if (slot >= this.#maxPerClass) continue;
      const from = rowStart[r]!;
      const to = rowStart[r + 1]!;
      const entries: [number, number][] = [];
      for (let i = from; i < to; i++) if (values[i]! > 0) entries.push([features[i]!, values[i]!]);
      this.#reservoirs[label]![slot] = sortedCode(entries, label, clipId);
    }
  }

  finish(): LabelledCode[] {
    return this.#reservoirs.flat();
  }
}
