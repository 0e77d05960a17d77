/**
 * The clip label an evaluation form classifies by: the label keys and values (with clip counts) of
 * the run's dataset, fetched when the dataset changes, and the chosen key (`folder` when present,
 * else the first). Create it while a component initialises (its effects belong to that component).
 */
import type { LabelCount } from '../../../electron/common/contract.js';
import { paperEvalsApi } from './paper-evals-api.js';

export class LabelKeyChoice {
  #counts = $state.raw<LabelCount[]>([]);
  #error = $state<string | null>(null);
  key = $state('');
  readonly keys = $derived([...new Set(this.#counts.map((c) => c.key))].sort());
  /** The chosen key's values, by name. */
  readonly values = $derived(this.#counts.filter((c) => c.key === this.key).sort((a, b) => a.value.localeCompare(b.value)));

  constructor(datasetId: () => number | undefined) {
    $effect(() => {
      const id = datasetId();
      this.#counts = [];
      this.#error = null;
      if (id === undefined) return;
      const controller = new AbortController();
      paperEvalsApi
        .labelCounts(id, undefined, { signal: controller.signal })
        .then((counts) => (this.#counts = counts))
        .catch((error: unknown) => {
          if (!controller.signal.aborted) this.#error = error instanceof Error ? error.message : String(error);
        });
      return () => controller.abort();
    });
    $effect(() => {
      if (!this.keys.includes(this.key)) this.key = this.keys.includes('folder') ? 'folder' : (this.keys[0] ?? '');
    });
  }

  /** Why the labels could not be loaded, or null. */
  get error(): string | null {
    return this.#error;
  }
}
