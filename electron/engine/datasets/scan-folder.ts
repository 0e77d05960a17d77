import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { AppError } from '../../common/errors.js';
import { AUDIO_EXTENSIONS, formatOfPath } from '../audio/formats.js';

/** Every audio extension the engine decodes. */
export const SUPPORTED_AUDIO_EXTENSIONS = AUDIO_EXTENSIONS;

export interface ScannedFile {
  path: string;
  relativePath: string;
  supported: boolean;
  /** Why the file cannot be imported though it looks like audio (symlink loop, broken link). */
  problem?: string;
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

function linkProblem(error: NodeJS.ErrnoException): string {
  if (error.code === 'ELOOP') return 'Symlink loop: the link never reaches a file.';
  if (error.code === 'ENOENT') return 'Broken symlink: its target does not exist.';
  return `Unreadable symlink (${error.code ?? error.message}).`;
}

/** Whether `file` lies strictly inside `root` (both already absolute and resolved). */
export function isPathInside(root: string, file: string): boolean {
  const rel = relative(root, file);
  if (rel === '' || isAbsolute(rel)) return false;
  return rel !== '..' && !rel.startsWith(`..${sep}`);
}

/**
 * Audio files below `root`, sorted by relative path. Symlinked files are followed only when
 * their real path lies inside the folder (a link out of it, a loop or a dangling link is
 * reported as a problem, never read); symlinked folders are not followed, so a folder loop
 * cannot make the scan endless. Unreadable sub-folders are reported as problems too.
 */
export async function scanAudioFiles(root: string, signal?: AbortSignal): Promise<ScannedFile[]> {
  const found: ScannedFile[] = [];
  let realRoot: string | undefined;
  const pending = [root];
  while (pending.length > 0) {
    signal?.throwIfAborted();
    const dir = pending.pop()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (dir === root) throw error;
      found.push({
        path: dir,
        relativePath: relative(root, dir),
        supported: false,
        problem: `Unreadable folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
      });
      continue;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        pending.push(path);
        continue;
      }
      if (!formatOfPath(entry.name)) continue;
      const file: ScannedFile = { path, relativePath: relative(root, path), supported: true };
      if (entry.isSymbolicLink()) {
        try {
          const target = await realpath(path);
          if (!(await stat(target)).isFile()) continue;
          realRoot ??= await realpath(root);
          if (!isPathInside(realRoot, target)) {
            file.supported = false;
            file.problem = `Symlink to a file outside the chosen folder (${target}): not imported; only files inside the folder are read.`;
          }
        } catch (error) {
          file.supported = false;
          file.problem = linkProblem(error as NodeJS.ErrnoException);
        }
      } else if (!entry.isFile()) {
        continue;
      }
      found.push(file);
    }
  }
  return found.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
}

/** Whether `path` is a folder (not following a final symlink). */
export async function isRealFolder(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch {
    return false;
  }
}
