/**
 * An endless stream of shuffled training batches over an activation run, one batch per layer
 * per step, the same rows for every layer (so one read feeds every SAE of the job).
 *
 * - Shards are visited in a seeded random order, re-drawn each epoch; each is read in row
 *   ranges (fp16 widened to fp32) into a shuffle buffer of `bufferRows` rows per layer, the only
 *   RAM that grows with the data (bufferRows x layers x d x 4 B).
 * - Before each batch the buffer is topped up to capacity; the batch's rows are drawn uniformly
 *   from it (swap-remove). One PRNG seeded by `seed` drives the shard order and the draws, so
 *   batch N is a pure function of (seed, run, layers, batchSize, bufferRows, N): a resumed job
 *   replays the stream up to its checkpoint (reading, not training) and continues identically.
 * - Non-finite values are refused when read, naming the shard, layer and row.
 */
import { basename } from 'node:path';
import { AppError } from '../../common/errors.js';
import { SeededRandom } from '../../../native-models/common/seeded-random.js';
import { readSafetensorsTensor } from '../../../native-models/formats/safetensors.js';
import { layerTensorName } from '../extraction/extract-job.js';

/** Rows [start, end) of one layer of a shard as float32 (fp16 widened); refuses non-finite values and a width other than `dIn`. */
export async function readShardRows(path: string, layer: number, dIn: number, start: number, end: number): Promise<Float32Array> {
  const name = layerTensorName(layer);
  const { shape, data } = await readSafetensorsTensor(path, name, { start, end });
  if (shape[1] !== dIn) throw new AppError('bad_input', `Activation shard ${basename(path)} holds ${name} rows of width ${shape[1]}, expected ${dIn}: re-extract the run.`, { shard: path, layer });
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      throw new AppError('bad_input', `Activation shard ${basename(path)} holds a non-finite value (${data[i]}) in ${name}, row ${start + Math.floor(i / dIn)}: re-extract the run.`, { shard: path, layer });
    }
  }
  return data;
}

export interface ShardSource {
  path: string;
  frames: number;
}

export interface BatchStreamOptions {
  shards: readonly ShardSource[];
  layers: readonly number[];
  dIn: number;
  batchSize: number;
  bufferRows: number;
  seed: number;
}

export class ShuffledBatches {
  readonly #rng: SeededRandom;
  readonly #buffers: Float32Array[];
  readonly #capacity: number;
  readonly #shards: ShardSource[];
  #count = 0;
  #order: number[] = [];
  #orderPos = 0;
  #row = 0;

  constructor(private readonly options: BatchStreamOptions) {
    this.#shards = options.shards.filter((s) => s.frames > 0);
    if (this.#shards.length === 0) throw new AppError('bad_input', 'The activation run holds no frames to train on.');
    this.#rng = new SeededRandom(options.seed);
    this.#capacity = Math.max(options.bufferRows, options.batchSize);
    this.#buffers = options.layers.map(() => new Float32Array(this.#capacity * options.dIn));
    this.#newEpoch();
  }

  /** The next batch: one row-major [batchSize, dIn] array per layer, in `layers` order. */
  async next(): Promise<Float32Array[]> {
    await this.#fill();
    const { dIn, batchSize } = this.options;
    const batches = this.#buffers.map(() => new Float32Array(batchSize * dIn));
    for (let b = 0; b < batchSize; b++) {
      const i = Math.floor(this.#rng.uniform() * this.#count);
      const last = this.#count - 1;
      this.#buffers.forEach((buffer, l) => {
        batches[l]!.set(buffer.subarray(i * dIn, (i + 1) * dIn), b * dIn);
        if (i !== last) buffer.copyWithin(i * dIn, last * dIn, (last + 1) * dIn);
      });
      this.#count--;
    }
    return batches;
  }

  #newEpoch(): void {
    const order = this.#shards.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(this.#rng.uniform() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    this.#order = order;
    this.#orderPos = 0;
    this.#row = 0;
  }

  async #fill(): Promise<void> {
    const { dIn, layers } = this.options;
    while (this.#count < this.#capacity) {
      const shard = this.#shards[this.#order[this.#orderPos]!]!;
      const rows = Math.min(this.#capacity - this.#count, shard.frames - this.#row);
      for (let l = 0; l < layers.length; l++) {
        const data = await readShardRows(shard.path, layers[l]!, dIn, this.#row, this.#row + rows);
        this.#buffers[l]!.set(data, this.#count * dIn);
      }
      this.#count += rows;
      this.#row += rows;
      if (this.#row >= shard.frames) {
        this.#orderPos++;
        this.#row = 0;
        if (this.#orderPos >= this.#order.length) this.#newEpoch();
      }
    }
  }
}
