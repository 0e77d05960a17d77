/**
 * A fixed-capacity ring of float32 samples: appends overwrite the oldest audio, and the newest
 * `n` samples can be copied out in order. `totalWritten` counts every sample ever appended, so a
 * session knows its audio time even after the ring wrapped.
 */
import { AppError } from '../../common/errors.js';

export class SampleRing {
  readonly #data: Float32Array;
  #next = 0;
  #total = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new AppError('bad_input', `A sample ring needs a positive integer capacity; got ${capacity}.`);
    this.#data = new Float32Array(capacity);
  }

  /** Samples ever appended. */
  get totalWritten(): number {
    return this.#total;
  }

  /** Samples held now (at most the capacity). */
  get length(): number {
    return Math.min(this.#total, this.capacity);
  }

  append(samples: Float32Array): void {
    const { capacity } = this;
    // Only the newest `capacity` samples of a huge append can survive.
    const source = samples.length > capacity ? samples.subarray(samples.length - capacity) : samples;
    const first = Math.min(source.length, capacity - this.#next);
    this.#data.set(source.subarray(0, first), this.#next);
    this.#data.set(source.subarray(first), 0);
    this.#next = (this.#next + source.length) % capacity;
    this.#total += samples.length;
  }

  /** A copy of the newest `count` samples (fewer if fewer are held), oldest first. */
  latest(count: number): Float32Array {
    const n = Math.max(0, Math.min(Math.floor(count), this.length));
    const out = new Float32Array(n);
    const start = (this.#next - n + this.capacity) % this.capacity;
    const first = Math.min(n, this.capacity - start);
    out.set(this.#data.subarray(start, start + first));
    out.set(this.#data.subarray(0, n - first), first);
    return out;
  }
}
