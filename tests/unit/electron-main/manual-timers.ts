/** Timers a test advances by hand (for EngineHost's restart delays and timeouts). */
export class ManualTimers {
  #now = 0;
  #nextId = 1;
  readonly #pending = new Map<number, { at: number; callback: () => void }>();

  get now(): number {
    return this.#now;
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  setTimeout = (callback: () => void, ms: number): unknown => {
    const id = this.#nextId++;
    this.#pending.set(id, { at: this.#now + ms, callback });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.#pending.delete(handle as number);
  };

  /** Moves time forward, running every timer that falls due, in order. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const due = [...this.#pending.entries()]
        .filter(([, t]) => t.at <= until)
        .sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      this.#pending.delete(due[0]);
      this.#now = due[1].at;
      due[1].callback();
    }
    this.#now = until;
  }
}
