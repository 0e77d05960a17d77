import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PatchAutosaver, type SaveState, type Scheduler } from '../../../renderer/src/lib/labels-autosave.js';

interface Patch {
  label: string;
  notes: string;
  unclear: boolean;
}

/** A manual clock: timers run when the test advances it. */
class FakeClock implements Scheduler {
  now = 0;
  #timers = new Map<number, { at: number; fn: () => void }>();
  #next = 1;
  set(fn: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#timers.set(id, { at: this.now + ms, fn });
    return id;
  }
  clear(handle: unknown): void {
    this.#timers.delete(handle as number);
  }
  advance(ms: number): void {
    this.now += ms;
    for (const [id, timer] of [...this.#timers].sort((a, b) => a[1].at - b[1].at)) {
      if (timer.at <= this.now && this.#timers.has(id)) {
        this.#timers.delete(id);
        timer.fn();
      }
    }
  }
  get count(): number {
    return this.#timers.size;
  }
}

/** A save function whose calls the test resolves or rejects. */
function controlledSave() {
  const calls: { patch: Partial<Patch>; resolve: () => void; reject: (e: Error) => void }[] = [];
  const save = (patch: Partial<Patch>) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ patch, resolve, reject });
    });
  return { calls, save };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('PatchAutosaver', () => {
  it('debounces: keystrokes within the delay become one save of the merged fields', async () => {
    const clock = new FakeClock();
    const { calls, save } = controlledSave();
    const states: SaveState[] = [];
    const saver = new PatchAutosaver<Patch>({ delayMs: 300, save, scheduler: clock, onState: (s) => states.push(s) });
    saver.edit({ label: 't' });
    clock.advance(100);
    saver.edit({ label: 'to' });
    clock.advance(100);
    saver.edit({ notes: 'n' });
    clock.advance(299);
    assert.equal(calls.length, 0, 'nothing sent while typing');
    assert.equal(saver.isDirty('label'), true, 'label is dirty while pending');
    clock.advance(1);
    assert.equal(calls.length, 1, 'one save after 300 ms of quiet');
    assert.deepEqual(calls[0]!.patch, { label: 'to', notes: 'n' }, 'the merged, newest values');
    assert.equal(saver.state, 'saving');
    assert.equal(saver.isDirty('label'), true, 'dirty until acknowledged');
    calls[0]!.resolve();
    await settle();
    assert.equal(saver.state, 'saved');
    assert.equal(saver.isDirty('label'), false, 'clean once saved');
    assert.equal(saver.isDirty('unclear'), false, 'untouched field was never dirty');
    assert.deepEqual(states, ['pending', 'pending', 'pending', 'saving', 'saved']);
  });

  it('flush sends at once (blur / navigation) and waits for the save', async () => {
    const clock = new FakeClock();
    const { calls, save } = controlledSave();
    const saver = new PatchAutosaver<Patch>({ delayMs: 300, save, scheduler: clock });
    saver.edit({ label: 'dog' });
    const flushed = saver.flush();
    assert.equal(calls.length, 1, 'sent without waiting for the delay');
    assert.equal(clock.count, 0, 'the debounce timer is gone');
    let done = false;
    void flushed.then(() => (done = true));
    await settle();
    assert.equal(done, false, 'flush waits for the engine');
    calls[0]!.resolve();
    await flushed;
    assert.equal(saver.state, 'saved');
    await saver.flush();
    assert.equal(calls.length, 1, 'flushing with nothing pending sends nothing');
  });

  it('edits made while a save is in flight wait for it, then go (one save at a time)', async () => {
    const clock = new FakeClock();
    const { calls, save } = controlledSave();
    const saver = new PatchAutosaver<Patch>({ delayMs: 300, save, scheduler: clock });
    saver.edit({ label: 'a' });
    clock.advance(300);
    saver.edit({ label: 'ab', unclear: true });
    clock.advance(300);
    assert.equal(calls.length, 1, 'second save waits for the first');
    assert.equal(saver.isDirty('unclear'), true);
    calls[0]!.resolve();
    await settle();
    assert.equal(calls.length, 2, 'then the second goes');
    assert.deepEqual(calls[1]!.patch, { label: 'ab', unclear: true });
    calls[1]!.resolve();
    await settle();
    assert.equal(saver.state, 'saved');
  });

  it('a failed save keeps its fields (newer edits win) and retries; nothing is lost', async () => {
    const clock = new FakeClock();
    const { calls, save } = controlledSave();
    const saver = new PatchAutosaver<Patch>({ delayMs: 300, retryMs: 2000, save, scheduler: clock });
    saver.edit({ label: 'x', notes: 'keep' });
    const flushed = saver.flush();
    saver.edit({ label: 'xy' });
    calls[0]!.reject(new Error('engine restarting'));
    await flushed;
    assert.equal(saver.state, 'error', 'error shown');
    assert.deepEqual(saver.pending, { label: 'xy', notes: 'keep' }, 'failed fields kept under newer edits');
    assert.equal(saver.isDirty('notes'), true);
    clock.advance(2000);
    assert.equal(calls.length, 2, 'retried');
    assert.deepEqual(calls[1]!.patch, { label: 'xy', notes: 'keep' });
    calls[1]!.resolve();
    await settle();
    assert.equal(saver.state, 'saved');
    assert.equal(saver.busy, false);
  });
});
