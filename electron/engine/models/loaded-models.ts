/**
 * Keeps onnxruntime sessions of models in use, so a second request does not reload them.
 * Sessions are released when the engine shuts down.
 */
import type { ModelRow } from '../../common/contract.js';
import type { Disposable } from '../../common/lifecycle.js';
import { WhisperEncoder } from '../../../native-models/encoders/whisper-encoder.js';
import { WhisperLogMel } from '../../../native-models/frontends/whisper-log-mel.js';
import type { ExecutionDevice } from '../../../native-models/onnx/runtime.js';

export class LoadedModels implements Disposable {
  readonly #encoders = new Map<number, Promise<WhisperEncoder>>();
  readonly #frontends = new Map<number, Promise<WhisperLogMel>>();

  constructor(private readonly device: ExecutionDevice = 'cpu') {}

  encoder(model: ModelRow): Promise<WhisperEncoder> {
    return this.#cached(this.#encoders, model.id, () => WhisperEncoder.load(model.snapshotDir, { device: this.device }));
  }

  /** Releases the model's session, if loaded (before its files are deleted). */
  async unload(modelId: number): Promise<void> {
    const pending = this.#encoders.get(modelId);
    this.#encoders.delete(modelId);
    await pending?.then((m) => m.dispose()).catch(() => undefined);
  }

  logMel(nMels: number): Promise<WhisperLogMel> {
    return this.#cached(this.#frontends, nMels, () =>
      WhisperLogMel.create({ nMels: nMels as 80 | 128, device: this.device }),
    );
  }

  #cached<K, T>(cache: Map<K, Promise<T>>, key: K, load: () => Promise<T>): Promise<T> {
    let pending = cache.get(key);
    if (!pending) {
      pending = load();
      cache.set(key, pending);
      pending.catch(() => cache.delete(key));
    }
    return pending;
  }

  dispose(): void {
    for (const pending of [...this.#encoders.values(), ...this.#frontends.values()]) {
      pending.then((m) => m.dispose()).catch(() => undefined);
    }
    this.#encoders.clear();
    this.#frontends.clear();
  }
}
