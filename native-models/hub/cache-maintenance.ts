/**
 * Size and removal of one snapshot in the Hugging Face cache. The cache is shared with other tools
 * (transformers.js, huggingface_hub), so removal stays inside one repo folder
 * (`models--{owner}--{name}`) and keeps every blob another snapshot there still links to.
 */
import { lstat, readdir, readFile, realpath, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { AppError } from '../../electron/common/errors.js';
import { assertRepoId, isCommitHash } from './hub-cache.js';

/** Every file path (not following directory symlinks) under `dir`; [] when it does not exist. */
async function walkFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? walkFiles(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))));
  return nested.flat();
}

/** Bytes of a snapshot's files, following symlinks to their blobs; a blob linked twice counts once. */
export async function snapshotSizeBytes(snapshotDir: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  for (const path of await walkFiles(snapshotDir)) {
    try {
      const real = await realpath(path);
      if (seen.has(real)) continue;
      seen.add(real);
      const info = await stat(real);
      if (info.isFile()) total += info.size;
    } catch {
      // A dangling link (blob removed by another tool) takes no space.
    }
  }
  return total;
}

/** `{cache}/models--owner--name` for a snapshot path `{cache}/models--owner--name/snapshots/{commit}`, checked. */
export function repoDirOfSnapshot(repoId: string, snapshotDir: string): { repoDir: string; commit: string } {
  assertRepoId(repoId);
  const dir = resolve(snapshotDir);
  const commit = basename(dir);
  const snapshots = dirname(dir);
  const repoDir = dirname(snapshots);
  const expected = `models--${repoId.split('/').join('--')}`;
  if (!isCommitHash(commit) || basename(snapshots) !== 'snapshots' || basename(repoDir) !== expected) {
    throw new AppError('conflict', `${snapshotDir} is not a snapshot of ${repoId} in a Hugging Face cache (expected …/${expected}/snapshots/<commit>); its files were left alone.`);
  }
  return { repoDir, commit };
}

function inside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && !rel.includes(`..${sep}`);
}

/**
 * Removes snapshots/{commit}, the blobs only it linked to, refs/* naming it, and the repo folder
 * itself when nothing else is left in it. Returns the bytes freed.
 */
export async function removeSnapshot(repoId: string, snapshotDir: string): Promise<number> {
  const { repoDir, commit } = repoDirOfSnapshot(repoId, snapshotDir);
  const snapshot = join(repoDir, 'snapshots', commit);
  const blobsDir = join(repoDir, 'blobs');
  const realBlobs = await realpath(blobsDir).catch(() => blobsDir);

  const blobTargets = async (dir: string): Promise<Set<string>> => {
    const targets = new Set<string>();
    for (const path of await walkFiles(dir)) {
      if (!(await lstat(path)).isSymbolicLink()) continue;
      const target = await realpath(path).catch(() => undefined);
      if (target !== undefined && inside(realBlobs, target)) targets.add(target);
    }
    return targets;
  };

  const mine = await blobTargets(snapshot);
  const others = new Set<string>();
  for (const entry of await readdir(join(repoDir, 'snapshots')).catch(() => [] as string[])) {
    if (entry !== commit) for (const t of await blobTargets(join(repoDir, 'snapshots', entry))) others.add(t);
  }

  let freed = 0;
  // Copied (not linked) files, where symlinks are not allowed, are freed with the snapshot folder.
  for (const path of await walkFiles(snapshot)) {
    const info = await lstat(path);
    if (info.isFile()) freed += info.size;
  }
  await rm(snapshot, { recursive: true, force: true });
  for (const blob of mine) {
    if (others.has(blob)) continue;
    freed += (await stat(blob)).size;
    await rm(blob, { force: true });
  }

  for (const ref of await walkFiles(join(repoDir, 'refs'))) {
    const value = await readFile(ref, 'utf8').catch(() => '');
    if (value.trim() === commit) await rm(ref, { force: true });
  }
  const remainingSnapshots = await readdir(join(repoDir, 'snapshots')).catch(() => [] as string[]);
  const remainingBlobs = await readdir(blobsDir).catch(() => [] as string[]);
  if (remainingSnapshots.length === 0 && remainingBlobs.length === 0) await rm(repoDir, { recursive: true, force: true });
  return freed;
}
