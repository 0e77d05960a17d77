import { isFinalJobStatus, type JobSnapshot } from '../../electron/common/jobs.js';
import type { RpcClient } from '../../electron/common/rpc-client.js';

/** Waits for a job to end, through events with a polling fallback (events may race the call). */
export async function waitForJob(client: RpcClient, jobId: number, timeoutMs = 60_000): Promise<JobSnapshot> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await client.call('jobs.get', { jobId });
    if (isFinalJobStatus(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`Job ${jobId} still ${job.status} after ${timeoutMs} ms`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 50);
      const listener = client.onEvent((e) => {
        if (e.type === 'job' && e.job.id === jobId && isFinalJobStatus(e.job.status)) {
          clearTimeout(timer);
          listener.dispose();
          resolve();
        }
      });
    });
  }
}
