import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobSnapshot } from '../../../electron/common/jobs.js';
import { JobManager } from '../../../electron/engine/jobs/job-manager.js';
import { ProgressTracker } from '../../../electron/engine/jobs/progress.js';
import { Store } from '../../../electron/engine/store/store.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

function setup() {
  const dir = makeTempDir();
  const store = Store.open(dir.path);
  const jobs = new JobManager(store.jobs);
  const events: JobSnapshot[] = [];
  jobs.onJobChanged((job) => events.push(job));
  return {
    store,
    jobs,
    events,
    cleanup() {
      jobs.dispose();
      store.dispose();
      dir.cleanup();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('jobs run one at a time in submission order and succeed with their result', async () => {
  const t = setup();
  try {
    const order: string[] = [];
    t.jobs.register<{ name: string }>('datasets.import', {
      title: (p) => p.name,
      async run({ params, progress }) {
        order.push(`start ${params.name}`);
        for (let i = 1; i <= 3; i++) {
          await sleep(5);
          progress({ done: i, total: 3, unit: 'files' });
        }
        order.push(`end ${params.name}`);
        return { name: params.name };
      },
    });
    const a = t.jobs.enqueue('datasets.import', { name: 'a' });
    const b = t.jobs.enqueue('datasets.import', { name: 'b' });
    assert.equal(a.status, 'queued');
    const finishedB = await t.jobs.waitFor(b.id);
    assert.deepEqual(order, ['start a', 'end a', 'start b', 'end b']);
    assert.equal(finishedB.status, 'succeeded');
    assert.deepEqual(finishedB.result, { name: 'b' });
    assert.deepEqual(
      { done: finishedB.progress.done, total: finishedB.progress.total, eta: finishedB.progress.etaSeconds },
      { done: 3, total: 3, eta: 0 },
    );
    // Events for one job: queued first, final last, and progress never goes backwards.
    const ofA = t.events.filter((e) => e.id === a.id);
    assert.equal(ofA[0]!.status, 'queued');
    assert.equal(ofA.at(-1)!.status, 'succeeded');
    for (let i = 1; i < ofA.length; i++) assert.ok(ofA[i]!.progress.done >= ofA[i - 1]!.progress.done);
  } finally {
    t.cleanup();
  }
});

test('cancel aborts a running job and a queued one; both end cancelled and can be resumed', async () => {
  const t = setup();
  try {
    let started = 0;
    t.jobs.register<{ n: number }>('datasets.import', {
      title: (p) => `job ${p.n}`,
      async run({ signal, throwIfCancelled }) {
        started++;
        while (!signal.aborted) await sleep(2);
        throwIfCancelled();
        return null;
      },
    });
    const running = t.jobs.enqueue('datasets.import', { n: 1 });
    const queued = t.jobs.enqueue('datasets.import', { n: 2 });
    await sleep(20);
    assert.equal(t.jobs.get(running.id).status, 'running');
    assert.equal(t.jobs.cancel(queued.id).status, 'cancelled');
    t.jobs.cancel(running.id);
    const final = await t.jobs.waitFor(running.id);
    assert.equal(final.status, 'cancelled');
    assert.equal(final.error?.code, 'cancelled');
    assert.equal(started, 1, 'the cancelled queued job never started');

    const resumed = t.jobs.resume(queued.id);
    assert.deepEqual(resumed.params, { n: 2 });
    assert.notEqual(resumed.id, queued.id);
    t.jobs.cancel(resumed.id);
    await t.jobs.waitFor(resumed.id);
    assert.throws(() => t.jobs.resume(9999), /No job with id 9999/);
  } finally {
    t.cleanup();
  }
});

test('a job that throws ends failed with the error shape; succeeded jobs do not resume', async () => {
  const t = setup();
  try {
    t.jobs.register('datasets.import', {
      title: () => 'boom',
      async run() {
        throw new Error('disk on fire');
      },
    });
    t.jobs.register('models.download', { title: () => 'ok', run: async () => 1 });
    const failed = await t.jobs.waitFor(t.jobs.enqueue('datasets.import', {}).id);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.message, 'disk on fire');
    const ok = await t.jobs.waitFor(t.jobs.enqueue('models.download', {}).id);
    assert.throws(() => t.jobs.resume(ok.id), /only interrupted, failed or cancelled/);
    assert.throws(() => t.jobs.register('models.download', { title: () => '', run: async () => 0 }), /already registered/);
  } finally {
    t.cleanup();
  }
});

test('ETA comes from the rate so far; progress never decreases', () => {
  let now = 0;
  const tracker = new ProgressTracker({ done: 0, total: null, unit: 'files', etaSeconds: null }, () => now);
  now = 1000;
  assert.equal(tracker.update({ done: 10, total: 100 }).etaSeconds, 9); // 10 files in 1 s, 90 left
  now = 2000;
  const p = tracker.update({ done: 20, total: 100 });
  assert.equal(p.etaSeconds, 8); // 20 files in 2 s -> 10/s, 80 left
  assert.equal(tracker.update({ done: 5 }).done, 20);
  assert.deepEqual(tracker.complete(), { done: 100, total: 100, unit: 'files', etaSeconds: 0 });
});
