import { readdir, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative } from 'node:path';
import { AppError } from '../../common/errors.js';

export const SUPPORTED_AUDIO_EXTENSIONS = new Set(['.wav']);
/** Audio we recognise but cannot decode yet: reported per file rather than ignored. */
export const RECOGNISED_AUDIO_EXTENSIONS = new Set(['.wav', '.flac', '.mp3', '.ogg', '.opus', '.m4a', '.aac']);

export interface ScannedFile {
  path: string;
  relativePath: string;
  supported: boolean;
}

/** Checks a user-chosen folder before a job is queued, so the error reaches the user at once. */
export async function assertReadableFolder(folder: string): Promise<void> {
  if (!isAbsolute(folder)) throw new AppError('bad_input', `Give an absolute folder path, not "${folder}".`);
  let info;
  try {
    info = await stat(folder);
  } catch {
    throw new AppError('not_found', `Folder does not exist: ${folder}`);
  }
  if (!info.isDirectory()) throw new AppError('bad_input', `Not a folder: ${folder}`);
}

/** Audio files below `root`, sorted by relative path. Symlinked folders are not followed. */
export async function scanAudioFiles(root: string, signal?: AbortSignal): Promise<ScannedFile[]> {
  const found: ScannedFile[] = [];
  const pending = [root];
  while (pending.length > 0) {
    signal?.throwIfAborted();
    const dir = pending.pop()!;
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        pending.push(path);
      } else if (entry.isFile()) {
        const ext = extname(entry.name).toLowerCase();
        if (RECOGNISED_AUDIO_EXTENSIONS.has(ext)) {
          found.push({ path, relativePath: relative(root, path), supported: SUPPORTED_AUDIO_EXTENSIONS.has(ext) });
        }
      }
    }
  }
  return found.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
}
