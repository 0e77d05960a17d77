import type { RpcErrorShape } from './errors.js';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const FINAL_JOB_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled', 'interrupted'];

export type JobKind = 'datasets.import' | 'models.download' | 'activations.extract' | 'saes.train' | 'saes.analyze' | 'steering.discover' | 'steering.evaluate' | 'evals.run';

export interface JobProgress {
  /** Units of work finished so far (files, bytes, steps). Never decreases. */
  done: number;
  /** Total units, or null while unknown. */
  total: number | null;
  unit: string;
  /** Seconds left, estimated from the rate so far; null while unknown. */
  etaSeconds: number | null;
  message?: string;
}

export interface JobSnapshot {
  id: number;
  kind: JobKind;
  title: string;
  status: JobStatus;
  params: unknown;
  progress: JobProgress;
  result: unknown;
  error: RpcErrorShape | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export function isFinalJobStatus(status: JobStatus): boolean {
  return FINAL_JOB_STATUSES.includes(status);
}
