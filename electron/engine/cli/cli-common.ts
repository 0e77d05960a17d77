/** Argument parsers and the context every command group gets (printing, an engine session, job results). */
import { InvalidArgumentError } from 'commander';
import type { JobSnapshot } from '../../common/jobs.js';
import type { EngineSession } from './engine-session.js';

export interface CliContext {
  /** Prints `value` as JSON with --json, else `human()`. */
  print(value: unknown, human: () => string): void;
  /** Runs `fn` against an engine on the data folder, closing it after. */
  withEngine<T>(fn: (session: EngineSession) => Promise<T>): Promise<T>;
  /** Prints a finished job's summary, or its error (exit code 1). */
  finishJob(job: JobSnapshot, summary: () => string): void;
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('Expected a positive whole number.');
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('Expected a whole number >= 0.');
  return n;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** `all`, or layer numbers and ranges: `1-12`, `0,4,8`, `1-3,6`. Sorted, without repeats. */
export function layerList(value: string): number[] | 'all' {
  if (value.trim() === 'all') return 'all';
  const layers = new Set<number>();
  for (const part of value.split(',')) {
    const range = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (from > to) throw new InvalidArgumentError(`The layer range ${part.trim()} runs backwards.`);
      for (let l = from; l <= to; l++) layers.add(l);
    } else {
      layers.add(nonNegativeInt(part.trim()));
    }
  }
  return [...layers].sort((a, b) => a - b);
}
