/** Test doubles for transport tests. */
import { Emitter } from '../../../electron/common/lifecycle.js';
import type { Channel, WireMessage } from '../../../electron/common/wire.js';

/** A Channel whose far end the test drives. */
export class FakeChannel implements Channel {
  readonly #onMessage = new Emitter<WireMessage>();
  readonly #onClose = new Emitter<void>();
  readonly onMessage = this.#onMessage.event;
  readonly onClose = this.#onClose.event;
  readonly sent: WireMessage[] = [];
  closed = false;

  send(message: WireMessage): void {
    this.sent.push(message);
  }

  /** The engine went away. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.#onClose.fire();
  }

  receive(message: WireMessage): void {
    this.#onMessage.fire(message);
  }

  dispose(): void {
    this.close();
  }
}

/** Manual timers: `advance(ms)` runs what falls due, in order. */
export class FakeTimers {
  #now = 0;
  #nextId = 1;
  #pending = new Map<number, { at: number; callback: () => void }>();

  readonly setTimeout = (callback: () => void, ms: number): unknown => {
    const id = this.#nextId++;
    this.#pending.set(id, { at: this.#now + ms, callback });
    return id;
  };

  readonly clearTimeout = (handle: unknown): void => {
    this.#pending.delete(handle as number);
  };

  readonly now = (): number => this.#now;

  /** Delays of the timers waiting now, relative to now. */
  get waiting(): number[] {
    return [...this.#pending.values()].map((t) => t.at - this.#now).sort((a, b) => a - b);
  }

  async advance(ms: number): Promise<void> {
    const until = this.#now + ms;
    for (;;) {
      const due = [...this.#pending.entries()]
        .filter(([, t]) => t.at <= until)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#pending.delete(due[0]);
      this.#now = due[1].at;
      due[1].callback();
      await flush();
    }
    this.#now = until;
    await flush();
  }
}

/** Lets pending promise callbacks run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
