/**
 * The Activations page: which model and clip, and the last frame-norm result.
 * Dataset and clip selection are shared with the Datasets page (the datasets store).
 */
import type { FrameNorms } from '../../../electron/common/contract.js';
import { api } from './api.js';
import { datasets } from './datasets.svelte.js';
import { describeError, isCancelled, type ErrorDescription } from './errors.js';
import { models } from './models.svelte.js';

class ActivationStore {
  #chosenModelId = $state<number | null>(null);
  #result = $state.raw<FrameNorms | null>(null);
  #computing = $state(false);
  #error = $state<ErrorDescription | null>(null);
  #request: AbortController | null = null;

  /** The chosen model, or the first one while none is chosen (or the chosen one is gone). */
  readonly modelId = $derived(
    models.list.some((m) => m.id === this.#chosenModelId) ? this.#chosenModelId : (models.list[0]?.id ?? null),
  );
  /** The clip selected on the Datasets page, or the first clip of the page shown. */
  readonly clipId = $derived(datasets.selectedClipId ?? datasets.clips[0]?.id ?? null);
  readonly model = $derived(models.list.find((m) => m.id === this.modelId) ?? null);
  readonly canCompute = $derived(this.modelId != null && this.clipId != null && !this.#computing);
  /** The model and clip the shown result belongs to. */
  #resultLabel = $state('');

  get result(): FrameNorms | null {
    return this.#result;
  }
  get resultLabel(): string {
    return this.#resultLabel;
  }
  get computing(): boolean {
    return this.#computing;
  }
  get error(): ErrorDescription | null {
    return this.#error;
  }

  dismissError(): void {
    this.#error = null;
  }

  chooseModel(modelId: number | null): void {
    this.#chosenModelId = modelId;
  }

  async compute(): Promise<void> {
    const modelId = this.modelId;
    const clipId = this.clipId;
    if (modelId == null || clipId == null) {
      this.#error = { message: 'Choose a model and a clip first.', details: [], code: null };
      return;
    }
    this.#request?.abort();
    const request = new AbortController();
    this.#request = request;
    this.#error = null;
    this.#computing = true;
    const label = `${this.model?.repoId ?? `model ${modelId}`} · ${
      datasets.clips.find((c) => c.id === clipId)?.relativePath ?? `clip ${clipId}`
    }`;
    try {
      const result = await api.frameNorms(modelId, clipId, { signal: request.signal });
      if (request.signal.aborted) return;
      this.#result = result;
      this.#resultLabel = label;
    } catch (error) {
      if (!request.signal.aborted && !isCancelled(error)) this.#error = describeError(error);
    } finally {
      if (this.#request === request) {
        this.#request = null;
        this.#computing = false;
      }
    }
  }

  cancel(): void {
    this.#request?.abort();
  }
}

export const activations = new ActivationStore();
