/**
 * Machinery of the crash suite: an `audiosae serve` supervisor that restarts its engine however
 * often it is killed, a seeded kill -9 at a random point of a running job (while label bursts are
 * being saved), and the checks every restart must pass: the database's integrity and foreign keys,
 * every acknowledged label still there with its text, and no job left queued or running.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import type { JobKind, JobSnapshot } from '../../electron/common/jobs.js';
import { RpcClient } from '../../electron/common/rpc-client.js';
import { generateToken } from '../../electron/engine/server/auth.js';
import { ServeSupervisor, type SupervisorEvent } from '../../electron/engine/serve/supervisor.js';
import { connectWebSocket } from '../../electron/engine/transports/websocket-client.js';
import { waitForJob } from '../helpers/jobs.js';
import { SeededRandom } from '../../native-models/common/seeded-random.js';

/** The span an early kill is drawn from (after the request that starts the job). */
const EARLY_KILL_MS = 150;

type ListeningEvent = Extract<SupervisorEvent, { type: 'listening' }>;

/** A label save the engine acknowledged (labels.set returned). */
export interface AckedLabel {
  saeId: number;
  feature: number;
  revision: number;
  label: string;
  notes: string;
}

export interface CrashFigures {
  killPoints: number;
  /** Kills that landed while the job was still running (the rest hit just after it finished). */
  killedMidJob: number;
  jobsResumed: number;
  labelsAcknowledged: number;
  labelsLost: number;
  integrityChecks: number;
}

export class CrashEngine {
  readonly figures: CrashFigures = { killPoints: 0, killedMidJob: 0, jobsResumed: 0, labelsAcknowledged: 0, labelsLost: 0, integrityChecks: 0 };
  readonly acked: AckedLabel[] = [];
  client!: RpcClient;
  databasePath = '';
  /** The engine process's pid (asked at connection: a busy engine answers late, a kill must not wait). */
  pid = 0;
  #labelCounter = 0;

  private constructor(
    readonly supervisor: ServeSupervisor,
    readonly random: SeededRandom,
    private readonly token: string,
    private port: number,
  ) {}

  static async start(dataDir: string, seed: number): Promise<CrashEngine> {
    const token = generateToken();
    // No crash-loop limit: the suite kills the engine many times a minute on purpose.
    const supervisor = new ServeSupervisor({ dataDir, port: 0, token, staticDir: `${dataDir}/no-renderer`, restartPolicy: { baseDelayMs: 20, maxDelayMs: 20, maxRestarts: 100_000 } });
    const engine = new CrashEngine(supervisor, new SeededRandom(seed), token, 0);
    const first = engine.#nextListening();
    supervisor.start();
    engine.port = (await first).port;
    await engine.#connect();
    return engine;
  }

  #nextListening(): Promise<ListeningEvent> {
    return new Promise((resolve, reject) => {
      const listener = this.supervisor.onEvent((event) => {
        if (event.type === 'listening') {
          listener.dispose();
          resolve(event);
        } else if (event.type === 'gave-up') {
          listener.dispose();
          reject(new Error(`the supervisor gave up: ${event.reason}`));
        }
      });
    });
  }

  async #connect(): Promise<void> {
    this.client = new RpcClient(await connectWebSocket(`ws://127.0.0.1:${this.port}/rpc?token=${this.token}`));
    const info = await this.client.call('engine.info', {});
    this.databasePath = info.databasePath;
    this.pid = info.pid;
  }

  async stop(): Promise<void> {
    this.client?.dispose();
    await this.supervisor.stop();
  }

  /** kill -9 of the engine process, then a new connection once the supervisor restarted it. */
  async killAndRestart(): Promise<void> {
    const { pid } = this;
    const restarted = this.#nextListening();
    process.kill(pid, 'SIGKILL');
    await restarted;
    this.client.dispose();
    await this.#connect();
    assert.notEqual((await this.client.call('engine.info', {})).pid, pid, 'a new engine process');
    this.figures.killPoints++;
  }

  /**
   * Saves labels of `saeId` one after another (as autosave does, a few in flight at once) until
   * `stop` resolves; records each acknowledged save. Calls cut off by the kill are not acknowledged.
   */
  labelBurst(saeId: number, width: number, stop: Promise<void>): Promise<void> {
    let stopped = false;
    void stop.then(() => (stopped = true));
    const writer = async (lane: number) => {
      while (!stopped) {
        const feature = randomInt(this.random, width);
        const n = ++this.#labelCounter;
        const label = `crash label lbl${n}q lane ${lane}`;
        const notes = this.random.uniform() < 0.3 ? `notes ${n} ${'x'.repeat(randomInt(this.random, 200))}` : '';
        try {
          const saved = await this.client.call('labels.set', { saeId, feature, patch: notes ? { label, notes } : { label } });
          assert.equal(saved.label, label);
          this.acked.push({ saeId, feature, revision: saved.revision, label, notes: saved.notes });
          this.figures.labelsAcknowledged++;
          // A typist's pace, a few keystrokes apart, so the job being killed gets the CPU too.
          await new Promise((resolve) => setTimeout(resolve, 5 + randomInt(this.random, 25)));
        } catch (error) {
          if (stopped) return; // cut off by the kill: never acknowledged
          throw error;
        }
      }
    };
    return Promise.all([writer(0), writer(1), writer(2)]).then(() => undefined);
  }

  /**
   * Starts `start()`'s job, saves label bursts while it runs and kill -9s the engine at a seeded
   * random point: once the job's progress passes a random fraction (plus a random delay), or, for
   * jobs too short for their progress events, a random share of `durationMs` after the request.
   * Returns the killed job's id, or -1 when the kill came before the job was created.
   */
  async killDuring(kind: JobKind, start: () => Promise<number>, labels: { saeId: number; width: number } | null, options: { durationMs?: number } = {}): Promise<number> {
    const fraction = 0.05 + this.random.uniform() * 0.85;
    const extraMs = randomInt(this.random, 120);
    let jobId = -1;
    let last = 'queued';
    const reached = new Promise<void>((resolve) => {
      const listener = this.client.onEvent((e) => {
        if (e.type !== 'job' || e.job.kind !== kind || (jobId >= 0 && e.job.id !== jobId)) return;
        const { done, total, unit } = e.job.progress;
        last = e.job.status === 'running' ? `${done}/${total ?? '?'} ${unit}` : e.job.status;
        const finished = e.job.status !== 'running' && e.job.status !== 'queued';
        if (finished || (e.job.status === 'running' && total !== null && total > 0 && done >= fraction * total)) {
          listener.dispose();
          resolve();
        }
      });
    });
    let stopLabels!: () => void;
    const labelsStopped = new Promise<void>((resolve) => (stopLabels = resolve));
    const before = (await this.client.call('jobs.list', { limit: 1 }))[0]?.id ?? 0;
    const t0 = performance.now();
    let target: string;
    let burst: Promise<void>;
    // One kill in five lands early, whatever the progress: in the job's set-up, or before it exists.
    const durationMs = options.durationMs ?? (this.random.uniform() < 0.2 ? EARLY_KILL_MS : undefined);
    if (durationMs === undefined) {
      jobId = await start();
      burst = labels ? this.labelBurst(labels.saeId, labels.width, labelsStopped) : Promise.resolve();
      await reached;
      await new Promise((resolve) => setTimeout(resolve, extraMs));
      target = `${(100 * fraction).toFixed(0)}% + ${extraMs} ms`;
    } else {
      // A short job may run to its end before the engine even answers the call that queued it:
      // the kill is timed from the request, and may land before the job exists.
      const waitMs = Math.round(fraction * durationMs);
      const started = start().then((id) => (jobId = id), () => undefined);
      burst = labels ? this.labelBurst(labels.saeId, labels.width, labelsStopped) : Promise.resolve();
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      void started;
      target = options.durationMs === undefined ? `early: ${waitMs} ms` : `${waitMs} ms of a ~${durationMs} ms job`;
    }
    const killedAt = Math.round(performance.now() - t0);
    stopLabels();
    await this.killAndRestart();
    await burst;
    if (jobId < 0) {
      const created = (await this.client.call('jobs.list', { limit: 5 })).find((j) => j.kind === kind && j.id > before);
      jobId = created?.id ?? -1;
    }
    console.log(`crash suite: kill -9 during ${kind} job ${jobId < 0 ? '(not created yet)' : jobId}, ${killedAt} ms after the request (target ${target}; last progress event ${last})`);
    return jobId;
  }

  /** The checks every restart must pass. */
  async checkAfterRestart(killedJobId: number): Promise<JobSnapshot | null> {
    const db = new Database(this.databasePath, { readonly: true, fileMustExist: true });
    try {
      assert.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }], 'PRAGMA integrity_check');
      assert.deepEqual(db.pragma('foreign_key_check'), [], 'PRAGMA foreign_key_check');
    } finally {
      db.close();
    }
    this.figures.integrityChecks++;
    await this.checkLabels();
    const jobs = await this.client.call('jobs.list', { limit: 500 });
    for (const job of jobs) {
      assert.ok(job.status === 'succeeded' || job.status === 'interrupted', `job ${job.id} (${job.kind}) is ${job.status} after the restart: ${JSON.stringify(job.error)}`);
    }
    if (killedJobId < 0) return null;
    const killed = await this.client.call('jobs.get', { jobId: killedJobId });
    assert.ok(killed.status === 'interrupted' || killed.status === 'succeeded', `the killed job is ${killed.status}`);
    return killed;
  }

  /** Every acknowledged label save is in its feature's history with its text; FTS still answers. */
  async checkLabels(): Promise<void> {
    const byFeature = new Map<string, AckedLabel[]>();
    for (const a of this.acked) {
      const key = `${a.saeId}/${a.feature}`;
      byFeature.set(key, [...(byFeature.get(key) ?? []), a]);
    }
    for (const acked of byFeature.values()) {
      const history = await this.client.call('labels.history', { saeId: acked[0]!.saeId, feature: acked[0]!.feature });
      const byRevision = new Map(history.map((h) => [h.revision, h]));
      for (const a of acked) {
        const found = byRevision.get(a.revision);
        if (!found || found.label !== a.label || found.notes !== a.notes) {
          this.figures.labelsLost++;
          assert.fail(`acknowledged label lost: SAE ${a.saeId} feature ${a.feature} revision ${a.revision} "${a.label}" (found ${JSON.stringify(found)})`);
        }
      }
    }
    const last = this.acked.at(-1);
    if (last) {
      const [current] = await this.client.call('labels.history', { saeId: last.saeId, feature: last.feature });
      const word = /lbl\d+q/.exec(current!.label)![0];
      const hits = await this.client.call('labels.search', { query: word, saeId: last.saeId, limit: 1000 });
      assert.deepEqual(hits.map((h) => [h.feature, h.label]), [[last.feature, current!.label]], 'FTS finds the newest label after the restart');
    }
  }

  /** Resumes an interrupted job and waits for it to succeed. */
  async resume(jobId: number, timeoutMs = 120_000): Promise<JobSnapshot> {
    const { jobId: resumedId } = await this.client.call('jobs.resume', { jobId });
    this.#resumed.add(jobId);
    const job = await waitFor(this.client, resumedId, timeoutMs);
    assert.equal(job.status, 'succeeded', `resumed job ${resumedId} (${job.kind}, from ${jobId}): ${JSON.stringify(job.error)}`);
    this.figures.jobsResumed++;
    return job;
  }

  /**
   * Resumes, oldest first, every interrupted job not resumed yet (the killed one, and any queued
   * behind it); each must succeed. Returns the finished jobs by the id of the job they resumed.
   */
  async resumeInterrupted(): Promise<Map<number, JobSnapshot>> {
    const jobs = await this.client.call('jobs.list', { limit: 500 });
    const pending = jobs.filter((j) => j.status === 'interrupted' && !this.#resumed.has(j.id)).sort((a, b) => a.id - b.id);
    const done = new Map<number, JobSnapshot>();
    for (const job of pending) done.set(job.id, await this.resume(job.id));
    return done;
  }

  readonly #resumed = new Set<number>();
}

export function waitFor(client: RpcClient, jobId: number, timeoutMs = 120_000): Promise<JobSnapshot> {
  return waitForJob(client, jobId, timeoutMs);
}

/**
 * The suite's seed: AUDIOSAE_CRASH_SEED (a number, or `random` for a new one each run), else a
 * fixed default. Kill moments still vary with timing; the seed fixes the targets and the labels.
 */
export function crashSeed(fallback: number): number {
  const fromEnv = process.env.AUDIOSAE_CRASH_SEED;
  if (fromEnv === 'random') return Math.floor(Math.random() * 2 ** 31);
  return fromEnv !== undefined && fromEnv !== '' && Number.isInteger(Number(fromEnv)) ? Number(fromEnv) : fallback;
}

/** Kill points per job kind: AUDIOSAE_CRASH_ITERATIONS, else `fallback` (bounded for `npm test`). */
export function crashIterations(fallback: number): number {
  const fromEnv = Number(process.env.AUDIOSAE_CRASH_ITERATIONS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : fallback;
}

export function randomInt(random: SeededRandom, n: number): number {
  return Math.min(n - 1, Math.floor(random.uniform() * n));
}
