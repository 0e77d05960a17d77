/**
 * Download progress, keyed on `status` like transformers.js' progress callback. Per file:
 * initiate -> (download -> progress* ->) done; then one `ready` for the whole call.
 * `loaded` never decreases for a file and `done` reports loaded === total.
 */
export type DownloadProgress =
  | { status: 'initiate'; name: string; file: string }
  /** A network transfer starts; `loaded` > 0 when it resumes a partial download. */
  | { status: 'download'; name: string; file: string; loaded: number; total: number }
  | { status: 'progress'; name: string; file: string; loaded: number; total: number; progress: number }
  | { status: 'done'; name: string; file: string; loaded: number; total: number; cached: boolean }
  | { status: 'ready'; name: string; files: readonly string[]; commit: string; snapshotDir: string };

export type DownloadProgressCallback = (progress: DownloadProgress) => void;
