/**
 * The engine's log file, `<userData>/logs/engine.log`: its stdout and stderr plus the host's
 * own lines (starts, exits, restarts). Rotated once (to engine.1.log) when it grows too big.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { Disposable } from '../common/lifecycle.js';

export interface LogSink {
  write(chunk: string | Uint8Array): void;
}

export interface EngineLog extends LogSink, Disposable {
  readonly file: string;
  /** Settles once the file is closed after dispose() (everything written is on disk). */
  readonly closed: Promise<void>;
}

export const ENGINE_LOG_NAME = 'engine.log';
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

export function openEngineLog(logsDir: string, maxBytes = DEFAULT_MAX_BYTES): EngineLog {
  mkdirSync(logsDir, { recursive: true });
  const file = path.join(logsDir, ENGINE_LOG_NAME);
  rotateIfLarge(file, maxBytes);
  const stream: WriteStream = createWriteStream(file, { flags: 'a' });
  const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
  let failed = false;
  stream.on('error', (error) => {
    if (!failed) console.error(`[engine-log] cannot write ${file}:`, error);
    failed = true;
  });
  return {
    file,
    closed,
    write(chunk) {
      if (!failed && !stream.destroyed) stream.write(chunk);
    },
    dispose() {
      stream.end();
    },
  };
}

function rotateIfLarge(file: string, maxBytes: number): void {
  try {
    if (existsSync(file) && statSync(file).size > maxBytes) {
      renameSync(file, file.replace(/\.log$/, '.1.log'));
    }
  } catch {
    // A log we cannot rotate is appended to.
  }
}

/** One host line: `2026-01-02T03:04:05.678Z [engine-host] text`. */
export function hostLogLine(text: string, now: Date = new Date()): string {
  return `${now.toISOString()} [engine-host] ${text}\n`;
}
