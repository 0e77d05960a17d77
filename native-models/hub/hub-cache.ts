/**
 * The Hugging Face cache layout (huggingface_hub's "cache-system"):
 *   {cacheDir}/models--{owner}--{name}/blobs/{etag}
 *                                     /snapshots/{commit}/{path}  -> relative symlink to ../blobs/{etag}
 *                                     /refs/{revision}            -> commit sha
 */
import { copyFile, mkdir, readFile, readdir, rm, symlink, unlink, writeFile, rename } from 'node:fs/promises';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { AppError } from '../../electron/common/errors.js';

const COMMIT_PATTERN = /^[0-9a-f]{40}$/;

export function isCommitHash(revision: string): boolean {
  return COMMIT_PATTERN.test(revision);
}

export function assertRepoId(repoId: string): void {
  if (!/^([\w.-]+\/)?[\w.-]+$/.test(repoId) || repoId.split('/').some((p) => p === '.' || p === '..' || p.includes('--'))) {
    throw new AppError('bad_input', `"${repoId}" is not a Hugging Face repo id; expected "owner/name", e.g. onnx-community/whisper-tiny.`);
  }
}

/** Rejects paths that would escape the snapshot folder (a repo listing is untrusted input). */
export function assertRepoFilePath(path: string): void {
  const parts = path.split('/');
  if (path === '' || path.startsWith('/') || path.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new AppError('bad_input', `"${path}" is not a valid file path inside a repo.`);
  }
}

export class RepoCache {
  readonly repoDir: string;

  constructor(
    cacheDir: string,
    readonly repoId: string,
  ) {
    assertRepoId(repoId);
    this.repoDir = join(cacheDir, `models--${repoId.split('/').join('--')}`);
  }

  blobPath(etag: string): string {
    return join(this.repoDir, 'blobs', etag);
  }

  snapshotDir(commit: string): string {
    return join(this.repoDir, 'snapshots', commit);
  }

  snapshotFile(commit: string, path: string): string {
    return join(this.snapshotDir(commit), ...path.split('/'));
  }

  /** True when the snapshot entry exists and (through its symlink) reaches a blob. */
  hasSnapshotFile(commit: string, path: string): boolean {
    return existsSync(this.snapshotFile(commit, path));
  }

  hasBlob(etag: string): boolean {
    return existsSync(this.blobPath(etag));
  }

  /** The commit a revision points to, from refs/ (or the revision itself when it is a commit). */
  readRef(revision: string): string | undefined {
    if (isCommitHash(revision)) return revision;
    try {
      const commit = readFileSync(join(this.repoDir, 'refs', ...revision.split('/')), 'utf8').trim();
      return isCommitHash(commit) ? commit : undefined;
    } catch {
      return undefined;
    }
  }

  async writeRef(revision: string, commit: string): Promise<void> {
    if (isCommitHash(revision)) return;
    const path = join(this.repoDir, 'refs', ...revision.split('/'));
    await mkdir(dirname(path), { recursive: true });
    if (existsSync(path) && (await readFile(path, 'utf8')).trim() === commit) return;
    await writeFile(`${path}.tmp`, commit);
    await rename(`${path}.tmp`, path);
  }

  /** Files present in a snapshot, as repo paths. */
  async listSnapshot(commit: string): Promise<string[]> {
    const root = this.snapshotDir(commit);
    const walk = async (dir: string): Promise<string[]> => {
      const entries = await readdir(dir, { withFileTypes: true });
      const nested = await Promise.all(
        entries.map(async (entry) => {
          const path = join(dir, entry.name);
          if (entry.isDirectory()) return walk(path);
          return existsSync(path) && statSync(path).isFile() ? [relative(root, path).split(/[\\/]/).join('/')] : [];
        }),
      );
      return nested.flat();
    };
    return existsSync(root) ? (await walk(root)).sort() : [];
  }

  /**
   * Points snapshots/{commit}/{path} at the blob with a relative symlink, so the cache can move.
   * Where symlinks are not allowed (Windows without developer mode) the blob is copied instead.
   */
  async linkSnapshotFile(commit: string, path: string, etag: string): Promise<void> {
    const target = this.snapshotFile(commit, path);
    await mkdir(dirname(target), { recursive: true });
    await rm(target, { force: true });
    try {
      await symlink(relative(dirname(target), this.blobPath(etag)), target);
    } catch {
      await copyFile(this.blobPath(etag), target);
    }
  }

  async removeIncomplete(etag: string): Promise<void> {
    await unlink(`${this.blobPath(etag)}.incomplete`).catch(() => undefined);
  }
}
