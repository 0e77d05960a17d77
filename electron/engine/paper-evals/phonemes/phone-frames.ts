/**
 * Encoder frames labelled with phones: frame f of a clip covers [t, t + 1/frameRate) (t = its
 * start from the clip's beginning) and takes the phone whose interval holds the frame's centre;
 * frames in silence (no interval, or labels sil / sp / spn / <eps>) are left out. At most
 * `maxPerPhone` frames per phone are kept, a seeded uniform sample (reservoir), each tagged with
 * its clip so folds can keep a clip's frames together.
 */
import { SeededRandom } from '../../../../native-models/common/seeded-random.js';
import type { AlignedInterval } from '../../alignments/alignment-formats.js';
import type { LabelledCode } from '../../evaluation-probing/probing-sweep.js';
import type { CodeBatch } from '../run-codes.js';

const SILENCE = new Set(['', 'sil', 'sp', 'spn', '<eps>', '<sil>', 'silence']);

export function isSilence(label: string): boolean {
  return SILENCE.has(label.toLowerCase());
}

/** The interval (sorted by start) holding time t, or undefined. */
export function intervalAt(intervals: readonly AlignedInterval[], t: number): AlignedInterval | undefined {
  let lo = 0;
  let hi = intervals.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const i = intervals[mid]!;
    if (t < i.startSec) hi = mid - 1;
    else if (t >= i.endSec) lo = mid + 1;
    else return i;
  }
  return undefined;
}

/** The phone of a frame starting at `startSec` (seconds from the clip's start), or undefined in silence. */
export function phoneOfFrame(intervals: readonly AlignedInterval[], startSec: number, frameRateHz: number): string | undefined {
  const label = intervalAt(intervals, startSec + 0.5 / frameRateHz)?.label;
  return label === undefined || isSilence(label) ? undefined : label;
}

interface Kept {
  features: Int32Array;
  values: Float32Array;
  clipId: number;
}

export class PhoneFrameSampler {
  readonly #kept = new Map<string, Kept[]>();
  readonly #seen = new Map<string, number>();
  readonly #random: SeededRandom;

  constructor(
    private readonly alignments: ReadonlyMap<number, readonly AlignedInterval[]>,
    private readonly frameRateHz: number,
    private readonly maxPerPhone: number,
    seed: number,
  ) {
    this.#random = new SeededRandom(seed);
  }

  add(batch: CodeBatch): void {
    const { codes } = batch;
    for (let r = 0; r < codes.rows; r++) {
      const intervals = this.alignments.get(batch.clipIds[r]!);
      if (!intervals) continue;
      const phone = phoneOfFrame(intervals, batch.times[r]!, this.frameRateHz);
      if (phone === undefined) continue;
      const seen = (this.#seen.get(phone) ?? 0) + 1;
      this.#seen.set(phone, seen);
      const kept = this.#kept.get(phone) ?? [];
      this.#kept.set(phone, kept);
      const slot = kept.length < this.maxPerPhone ? kept.length : Math.floor(this.#random.uniform() * seen);
      if (slot >= this.maxPerPhone) continue;
      const from = codes.rowStart[r]!;
      const to = codes.rowStart[r + 1]!;
      kept[slot] = { features: codes.features.slice(from, to), values: codes.values.slice(from, to), clipId: batch.clipIds[r]! };
    }
  }

  /** Phones with at least `minFrames` aligned frames (sorted), and their samples. */
  samples(minFrames: number): { phones: string[]; samples: LabelledCode[]; frames: Record<string, number> } {
    const phones = [...this.#kept.keys()].filter((p) => (this.#seen.get(p) ?? 0) >= minFrames).sort();
    const samples: LabelledCode[] = [];
    const frames: Record<string, number> = {};
    phones.forEach((phone, label) => {
      const kept = this.#kept.get(phone)!;
      frames[phone] = kept.length;
      for (const k of kept) samples.push({ features: k.features, values: k.values, label, group: k.clipId });
    });
    return { phones, samples, frames };
  }
}
