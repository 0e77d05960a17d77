/**
 * The CLI talks to an engine in its own process through the same RPC contract the UI
 * uses (an in-process channel), so every command goes through the validated boundary.
 */
import type { JobSnapshot } from '../../common/jobs.js';
import { isFinalJobStatus } from '../../common/jobs.js';
import { RpcClient } from '../../common/rpc-client.js';
import { Engine, type EngineOptions } from '../engine.js';
import { createInProcessChannelPair } from '../transports/in-process-channel.js';

export interface EngineSession {
  engine: Engine;
  client: RpcClient;
  close(): Promise<void>;
}

export function openEngineSession(options: EngineOptions): EngineSession {
  const engine = Engine.open(options);
  const [clientEnd, engineEnd] = createInProcessChannelPair();
  engine.connect(engineEnd);
  const client = new RpcClient(clientEnd);
  return {
    engine,
    client,
    async close() {
      client.dispose();
      await engine.close();
    },
  };
}

export function formatEta(seconds: number | null): string {
  if (seconds === null) return '';
  if (seconds < 60) return `${Math.ceil(seconds)} s left`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.ceil(seconds % 60)} s left`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min left`;
}

export function formatProgress(job: JobSnapshot): string {
  const { done, total, unit, etaSeconds, message } = job.progress;
  const amount = total === null ? `${done} ${unit}` : `${done}/${total} ${unit} (${((done / Math.max(total, 1)) * 100).toFixed(0)}%)`;
  return [job.status, amount, formatEta(etaSeconds), message ?? ''].filter(Boolean).join(' · ');
}

/** Waits for a job, printing progress to stderr; Ctrl-C cancels it. */
export async function followJob(client: RpcClient, jobId: number, log = (s: string) => process.stderr.write(s)): Promise<JobSnapshot> {
  const onSigint = () => void client.call('jobs.cancel', { jobId }).catch(() => undefined);
  process.once('SIGINT', onSigint);
  try {
    return await new Promise<JobSnapshot>((resolve, reject) => {
      const listener = client.onEvent((event) => {
        if (event.type !== 'job' || event.job.id !== jobId) return;
        // On a terminal, one line rewritten in place; in a log file, a line per update.
        if (process.stderr.isTTY) log(`\r\x1b[2K${formatProgress(event.job).slice(0, (process.stderr.columns || 120) - 1)}`);
        else log(`${formatProgress(event.job)}\n`);
        if (isFinalJobStatus(event.job.status)) {
          listener.dispose();
          if (process.stderr.isTTY) log('\n');
          resolve(event.job);
        }
      });
      client.call('jobs.get', { jobId }).then((job) => {
        if (isFinalJobStatus(job.status)) {
          listener.dispose();
          resolve(job);
        }
      }, reject);
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
}
