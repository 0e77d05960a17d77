/**
 * A list's selected row and its detail, loaded when selected: a newer selection wins over a slower
 * earlier load, and a failed load is reported through `onError`.
 */
import { describeError, type ErrorDescription } from './errors.js';

export class SelectedDetail<T> {
  #id = $state<number | null>(null);
  #detail = $state.raw<T | null>(null);
  #request = 0;

  constructor(
    private readonly load: (id: number) => Promise<T>,
    private readonly onError: (error: ErrorDescription) => void,
  ) {}

  get id(): number | null {
    return this.#id;
  }
  get detail(): T | null {
    return this.#detail;
  }

  select(id: number | null): void {
    this.#id = id;
    this.#detail = null;
    void this.#load();
  }

  async #load(): Promise<void> {
    const id = this.#id;
    const request = ++this.#request;
    if (id === null) return;
    try {
      const detail = await this.load(id);
      if (request === this.#request) this.#detail = detail;
    } catch (error) {
      if (request === this.#request) this.onError(describeError(error));
    }
  }
}
