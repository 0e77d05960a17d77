/**
 * The last few SAEs' weights in memory, for the feature page's decoder neighbours (unit-normalised
 * decoder rows) and for per-clip activations (an ONNX encoder, created on first use).
 */
import type { SaeSummary } from '../../common/contract.js';
import { AppError } from '../../common/errors.js';
import { saeArchitecture } from '../../../native-models/sae/architecture-registry.js';
import { createSaeEncoder, inferenceSelectionFor, type SaeEncoder } from '../../../native-models/sae/inference-graph.js';
import { loadSaeCheckpoint } from '../../../native-models/sae/sae-checkpoint.js';
import type { SaeWeights } from '../../../native-models/sae/sae-weights.js';

export interface LoadedSae {
  weights: SaeWeights;
  /** W_dec rows scaled to unit length [dSae, dIn] (a zero row stays zero). */
  unitDecoder: Float32Array;
  encoder: Promise<SaeEncoder> | null;
}

export function unitRows(matrix: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(matrix.length);
  for (let r = 0; r < rows; r++) {
    const base = r * columns;
    let sum = 0;
    for (let c = 0; c < columns; c++) sum += matrix[base + c]! ** 2;
    const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let c = 0; c < columns; c++) out[base + c] = matrix[base + c]! * scale;
  }
  return out;
}

/** The `count` features whose decoder directions are most similar (cosine) to `feature`'s, most similar first. */
export function decoderNeighbours(unitDecoder: Float32Array, dSae: number, dIn: number, feature: number, count: number): { feature: number; cosine: number }[] {
  if (count === 0) return [];
  const base = feature * dIn;
  const best: { feature: number; cosine: number }[] = [];
  for (let other = 0; other < dSae; other++) {
    if (other === feature) continue;
    const o = other * dIn;
    let dot = 0;
    for (let c = 0; c < dIn; c++) dot += unitDecoder[base + c]! * unitDecoder[o + c]!;
    if (best.length < count) best.push({ feature: other, cosine: dot });
    else if (dot > best[count - 1]!.cosine) best[count - 1] = { feature: other, cosine: dot };
    else continue;
    for (let i = best.length - 1; i > 0 && best[i - 1]!.cosine < best[i]!.cosine; i--) [best[i - 1], best[i]] = [best[i]!, best[i - 1]!];
  }
  return best;
}

export class SaeModelCache {
  readonly #entries = new Map<string, Promise<LoadedSae>>();

  constructor(private readonly capacity = 3) {}

  get(sae: SaeSummary): Promise<LoadedSae> {
    if (sae.checkpointPath === null) throw new AppError('not_found', `SAE ${sae.id} has no saved weights yet; wait for its training to write a checkpoint.`);
    const key = `${sae.id}:${sae.checkpointPath}`;
    let entry = this.#entries.get(key);
    if (entry) {
      this.#entries.delete(key);
    } else {
      entry = this.#load(sae.checkpointPath);
      entry.catch(() => this.#entries.delete(key));
    }
    this.#entries.set(key, entry);
    while (this.#entries.size > this.capacity) {
      const [oldest, evicted] = this.#entries.entries().next().value as [string, Promise<LoadedSae>];
      this.#entries.delete(oldest);
      void evicted.then((e) => e.encoder?.then((enc) => enc.dispose())).catch(() => undefined);
    }
    return entry;
  }

  async encoder(sae: SaeSummary): Promise<SaeEncoder> {
    const loaded = await this.get(sae);
    loaded.encoder ??= createSaeEncoder(loaded.weights, inferenceSelectionFor(saeArchitecture(sae.architecture).inferenceSelection, sae.k));
    return loaded.encoder;
  }

  async #load(folder: string): Promise<LoadedSae> {
    const { weights } = await loadSaeCheckpoint(folder);
    return { weights, unitDecoder: unitRows(weights.W_dec, weights.dSae, weights.dIn), encoder: null };
  }

  async dispose(): Promise<void> {
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    for (const entry of entries) {
      const loaded = await entry.catch(() => null);
      if (loaded?.encoder) await (await loaded.encoder).dispose();
    }
  }
}
