/**
 * Autosave of a label's fields: edits are merged into one pending patch and sent `delayMs` after the
 * last keystroke (or at once by flush(): blur, navigation, page hide). One save is in flight at a
 * time; edits made meanwhile wait for it. A failed save keeps its fields pending and retries, so an
 * edit is never dropped. `isDirty(field)` says a field has local changes the engine has not
 * acknowledged (another window's update must not overwrite it).
 * Pure TypeScript: timers are injectable for tests.
 */

export type SaveState = 'idle' | 'pending' | 'saving' | 'saved' | 'error';

export interface Scheduler {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Scheduler = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface AutosaverOptions<P extends object> {
  /** Quiet time after the last edit before it is sent. */
  delayMs: number;
  /** How long after a failed save it is tried again. */
  retryMs?: number;
  save(patch: Partial<P>): Promise<void>;
  onState?(state: SaveState, error: unknown): void;
  scheduler?: Scheduler;
}

export class PatchAutosaver<P extends object> {
  #pending: Partial<P> = {};
  #inflight: Partial<P> | null = null;
  #running: Promise<void> | null = null;
  #timer: unknown = null;
  #state: SaveState = 'idle';
  #error: unknown = null;
  readonly #options: AutosaverOptions<P>;
  readonly #scheduler: Scheduler;

  constructor(options: AutosaverOptions<P>) {
    this.#options = options;
    this.#scheduler = options.scheduler ?? realTimers;
  }

  get state(): SaveState {
    return this.#state;
  }
  get error(): unknown {
    return this.#error;
  }
  /** Fields waiting to be sent (merged). */
  get pending(): Partial<P> {
    return { ...this.#pending };
  }

  /** Records an edit; it is sent after `delayMs` without further edits. */
  edit(patch: Partial<P>): void {
    Object.assign(this.#pending, patch);
    if (this.#state !== 'saving') this.#setState('pending');
    this.#restartTimer(this.#options.delayMs);
  }

  /** Sends whatever is pending now and waits until every save has finished (or one failed). */
  async flush(): Promise<void> {
    this.#clearTimer();
    let failed = false;
    for (;;) {
      if (this.#running) {
        await this.#running;
        if (this.#state === 'error') failed = true;
        continue;
      }
      // After a failure the retry timer takes over (a flush does not spin on a dead engine).
      if (!hasFields(this.#pending) || failed) return;
      this.#send();
    }
  }

  /** Local changes to `field` not yet acknowledged (pending or being saved). */
  isDirty(field: keyof P): boolean {
    return field in this.#pending || (this.#inflight != null && field in this.#inflight);
  }

  /** True while anything is pending or in flight. */
  get busy(): boolean {
    return this.#running != null || hasFields(this.#pending);
  }

  /** Stops the timer (the owner flushes first when it must not lose edits). */
  dispose(): void {
    this.#clearTimer();
  }

  #send(): void {
    const patch = this.#pending;
    this.#pending = {};
    this.#inflight = patch;
    this.#setState('saving');
    this.#running = this.#options.save(patch).then(
      () => {
        this.#inflight = null;
        this.#running = null;
        this.#error = null;
        if (!hasFields(this.#pending)) this.#setState('saved');
        else {
          this.#setState('pending');
          // Edits made during the save whose quiet time already passed go now.
          if (this.#timer == null) this.#send();
        }
      },
      (error: unknown) => {
        // Keep the fields (newer edits win) and try again later.
        this.#pending = { ...patch, ...this.#pending };
        this.#inflight = null;
        this.#running = null;
        this.#error = error;
        this.#setState('error');
        this.#restartTimer(this.#options.retryMs ?? 2000);
      },
    );
  }

  #fire(): void {
    this.#timer = null;
    if (this.#running) return; // sent when the running save ends
    if (hasFields(this.#pending)) this.#send();
  }

  #restartTimer(ms: number): void {
    this.#clearTimer();
    this.#timer = this.#scheduler.set(() => this.#fire(), ms);
  }

  #clearTimer(): void {
    if (this.#timer != null) this.#scheduler.clear(this.#timer);
    this.#timer = null;
  }

  #setState(state: SaveState): void {
    this.#state = state;
    this.#options.onState?.(state, this.#error);
  }
}

function hasFields(patch: object): boolean {
  return Object.keys(patch).length > 0;
}
