/**
 * Display formatting for numbers the engine sends (seconds, sample rates, progress, timestamps).
 * Pure functions; no DOM, no Svelte.
 */
import type { JobProgress } from '../../../electron/common/jobs.js';

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Always h:mm:ss (dataset totals): 0:00:03, 1:02:03, 27:46:40. */
export function formatHms(totalSeconds: number): string {
  if (!Number.isFinite(totalSeconds) || totalSeconds < 0) return '—';
  const s = Math.round(totalSeconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${pad2(m)}:${pad2(s % 60)}`;
}

/** Clip lengths: "3.25 s" under a minute, then m:ss.s ("2:03.5"), then h:mm:ss. */
export function formatClipDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 60) return `${seconds.toFixed(2)} s`;
  if (seconds < 3600) {
    const m = Math.floor(seconds / 60);
    const rest = (seconds - m * 60).toFixed(1).padStart(4, '0');
    return `${m}:${rest}`;
  }
  return formatHms(seconds);
}

/** Time left on a job: "ETA 12s", "ETA 3m 05s", "ETA 1h 02m"; "" while unknown. */
export function formatEta(etaSeconds: number | null | undefined): string {
  if (etaSeconds == null || !Number.isFinite(etaSeconds) || etaSeconds < 0) return '';
  const s = Math.round(etaSeconds);
  if (s < 1) return 'ETA <1s';
  if (s < 60) return `ETA ${s}s`;
  if (s < 3600) return `ETA ${Math.floor(s / 60)}m ${pad2(s % 60)}s`;
  return `ETA ${Math.floor(s / 3600)}h ${pad2(Math.floor((s % 3600) / 60))}m`;
}

/** 1536 -> "1.5 KB" (powers of 1024, as download sizes are usually shown). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

const BYTE_UNITS = new Set(['B', 'byte', 'bytes']);

/** "12 / 40 files", "3.0 / 39.0 MB", or "12 files" while the total is unknown. */
export function formatProgressCounts(progress: JobProgress): string {
  const { done, total, unit } = progress;
  if (BYTE_UNITS.has(unit)) {
    return total == null ? formatBytes(done) : `${formatBytes(done)} / ${formatBytes(total)}`;
  }
  const suffix = unit ? ` ${unit}` : '';
  return total == null ? `${formatCount(done)}${suffix}` : `${formatCount(done)} / ${formatCount(total)}${suffix}`;
}

/** Fraction done in [0, 1], or null when the total is unknown (an indeterminate bar). */
export function progressFraction(progress: JobProgress): number | null {
  const { done, total } = progress;
  if (total == null) return null;
  if (total <= 0) return 1;
  return Math.min(1, Math.max(0, done / total));
}

/** 16000 -> "16 kHz", 44100 -> "44.1 kHz", 8000 -> "8 kHz". */
export function formatSampleRate(hz: number): string {
  if (hz >= 1000) return `${Number((hz / 1000).toFixed(3))} kHz`;
  return `${hz} Hz`;
}

/** 123.4 -> "123 ms", 2450 -> "2.45 s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** ISO timestamp -> local "2026-02-05 14:03"; the input unchanged when it does not parse. */
export function formatTimestamp(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return (
    `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())} ` +
    `${pad2(date.getHours())}:${pad2(date.getMinutes())}`
  );
}

/** A git commit as usually shown: its first 7 hex digits. */
export function shortCommit(commit: string): string {
  return /^[0-9a-f]{8,}$/i.test(commit) ? commit.slice(0, 7) : commit;
}

/** 50 -> "50 frames/s", 49.95 -> "49.95 frames/s". */
export function formatFrameRate(hz: number): string {
  return `${Number(hz.toFixed(2))} frames/s`;
}
