/**
 * Downloads repo files into the Hugging Face cache: resumable (`.incomplete` + Range), verified
 * against the hub's checksum, moved into `blobs/` atomically, linked from `snapshots/{commit}/`.
 * A file already in the snapshot costs no request; a blob shared with another commit costs a HEAD.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError, CancelledError } from '../../electron/common/errors.js';
import type { DownloadProgress, DownloadProgressCallback } from './download-progress.js';
import { checksumKindOf, createFileHasher, normalizeEtag, type ChecksumKind } from './file-checksum.js';
import { RepoCache, assertRepoFilePath, assertRepoId, isCommitHash } from './hub-cache.js';
import { hubFetch, isNetworkFailure, toTransportError, type HubTarget } from './hub-http.js';
import { resolveHubOptions, type HubOptions, type ResolvedHubOptions } from './hub-options.js';
import { fetchRemoteRepoInfo } from './repo-info.js';

export interface DownloadRepoFilesOptions extends HubOptions {
  /** Branch, tag or commit; 'main' when omitted. */
  revision?: string;
  signal?: AbortSignal;
  onProgress?: DownloadProgressCallback;
}

export interface DownloadedSnapshot {
  commit: string;
  snapshotDir: string;
}

interface FileMetadata {
  etag: string;
  size: number;
  checksum: ChecksumKind;
}

const PROGRESS_INTERVAL_MS = 100;

export async function downloadRepoFiles(
  repoId: string,
  files: readonly string[],
  options: DownloadRepoFilesOptions = {},
): Promise<DownloadedSnapshot> {
  assertRepoId(repoId);
  files.forEach(assertRepoFilePath);
  const hub = resolveHubOptions(options);
  const revision = options.revision ?? 'main';
  const cache = new RepoCache(hub.cacheDir, repoId);
  const report = options.onProgress ?? (() => undefined);
  throwIfAborted(options.signal);

  const { commit, online } = await resolveCommit(cache, revision, files, hub, options.signal);
  for (const file of files) {
    throwIfAborted(options.signal);
    report({ status: 'initiate', name: repoId, file });
    if (cache.hasSnapshotFile(commit, file)) {
      const { size } = await stat(cache.snapshotFile(commit, file));
      report({ status: 'done', name: repoId, file, loaded: size, total: size, cached: true });
      continue;
    }
    if (!online) throw notCachedOffline(repoId, revision, file, hub);
    const url = resolveUrl(hub, repoId, commit, file);
    const metadata = await fetchFileMetadata(url, { repoId, revision: commit, file }, hub, options.signal);
    const cached = cache.hasBlob(metadata.etag);
    if (!cached) {
      await oneDownloadPerBlob(cache.blobPath(metadata.etag), async () => {
        if (!cache.hasBlob(metadata.etag)) await downloadBlob(cache, url, { repoId, revision: commit, file }, metadata, hub, options.signal, report);
      });
    }
    await cache.linkSnapshotFile(commit, file, metadata.etag);
    report({ status: 'done', name: repoId, file, loaded: metadata.size, total: metadata.size, cached });
  }
  if (online) await cache.writeRef(revision, commit);
  const snapshotDir = cache.snapshotDir(commit);
  report({ status: 'ready', name: repoId, files: [...files], commit, snapshotDir });
  return { commit, snapshotDir };
}

/**
 * The commit to download. Offline, or when the hub is unreachable but every file is cached, it
 * comes from refs/ (huggingface_hub behaves the same way).
 */
async function resolveCommit(
  cache: RepoCache,
  revision: string,
  files: readonly string[],
  hub: ResolvedHubOptions,
  signal?: AbortSignal,
): Promise<{ commit: string; online: boolean }> {
  const cachedCommit = cache.readRef(revision);
  const fullyCached = cachedCommit !== undefined && files.every((f) => cache.hasSnapshotFile(cachedCommit, f));
  if (hub.offline) {
    if (cachedCommit === undefined) throw notCachedOffline(cache.repoId, revision, files[0], hub);
    return { commit: cachedCommit, online: false };
  }
  // A commit never changes, so a fully cached one needs no request at all.
  if (isCommitHash(revision) && fullyCached) return { commit: revision, online: false };
  try {
    const { commit } = await fetchRemoteRepoInfo(cache.repoId, revision, hub, signal);
    return { commit, online: true };
  } catch (error) {
    if (isNetworkFailure(error) && fullyCached) return { commit: cachedCommit, online: false };
    throw error;
  }
}

function notCachedOffline(repoId: string, revision: string, file: string | undefined, hub: ResolvedHubOptions): AppError {
  return new AppError(
    'unavailable',
    `Cannot load ${file ? `${file} of ` : ''}${repoId}@${revision}: offline and not cached (HF_HUB_OFFLINE is set; cache ${hub.cacheDir}). Connect and unset HF_HUB_OFFLINE to download it first.`,
  );
}

function resolveUrl(hub: ResolvedHubOptions, repoId: string, commit: string, file: string): string {
  return `${hub.endpoint}/${repoId}/resolve/${commit}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * HEAD without following redirects: for LFS files the Hub answers 302 to its CDN and the 302 itself
 * carries X-Linked-Etag / X-Linked-Size. A relative redirect (renamed repo) is followed once.
 */
async function fetchFileMetadata(
  url: string,
  target: { repoId: string; revision: string; file: string },
  hub: ResolvedHubOptions,
  signal?: AbortSignal,
): Promise<FileMetadata> {
  const head = (u: string) => hubFetch(u, { method: 'HEAD', redirect: 'manual', headers: { 'Accept-Encoding': 'identity' }, signal }, target, hub);
  let response = await head(url);
  const location = response.headers.get('location');
  if (response.status >= 300 && response.status < 400 && location?.startsWith('/') && !response.headers.has('x-repo-commit')) {
    response = await head(new URL(location, url).toString());
  }
  const etag = normalizeEtag(response.headers.get('x-linked-etag') ?? response.headers.get('etag'));
  const size = Number(response.headers.get('x-linked-size') ?? response.headers.get('content-length'));
  const checksum = etag === undefined ? undefined : checksumKindOf(etag);
  if (etag === undefined || checksum === undefined || !Number.isSafeInteger(size) || size < 0) {
    throw new AppError(
      'unavailable',
      `${hub.endpoint} did not send a usable ETag and size for ${target.file} in ${target.repoId} (ETag ${etag ?? 'missing'}), so the download cannot be verified. Is HF_ENDPOINT a Hugging Face hub?`,
    );
  }
  return { etag, size, checksum };
}

async function downloadBlob(
  cache: RepoCache,
  url: string,
  target: HubTarget & { file: string },
  metadata: FileMetadata,
  hub: ResolvedHubOptions,
  signal: AbortSignal | undefined,
  report: (progress: DownloadProgress) => void,
): Promise<void> {
  const blobPath = cache.blobPath(metadata.etag);
  const incompletePath = `${blobPath}.incomplete`;
  await mkdir(dirname(blobPath), { recursive: true });
  const { file } = target;

  let resumeFrom = await fileSize(incompletePath);
  if (resumeFrom > metadata.size) {
    await cache.removeIncomplete(metadata.etag);
    resumeFrom = 0;
  }
  let hasher = createFileHasher(metadata.checksum, metadata.size);
  if (resumeFrom > 0) await hashFilePrefix(incompletePath, resumeFrom, hasher);

  let loaded = resumeFrom;
  let reported = resumeFrom;
  let lastReportAt = 0;
  const reportProgress = (force: boolean) => {
    const now = Date.now();
    if (loaded <= reported || (!force && now - lastReportAt < PROGRESS_INTERVAL_MS)) return;
    reported = loaded;
    lastReportAt = now;
    report({ status: 'progress', name: cache.repoId, file, loaded, total: metadata.size, progress: metadata.size === 0 ? 100 : (100 * loaded) / metadata.size });
  };
  report({ status: 'download', name: cache.repoId, file, loaded, total: metadata.size });

  if (resumeFrom < metadata.size || metadata.size === 0) {
    const headers: Record<string, string> = { 'Accept-Encoding': 'identity' };
    if (resumeFrom > 0) headers['Range'] = `bytes=${resumeFrom}-`;
    const response = await hubFetch(url, { headers, signal }, target, hub);
    if (resumeFrom > 0 && response.status !== 206) {
      // The server ignored the Range header and sends the whole file: start over.
      hasher = createFileHasher(metadata.checksum, metadata.size);
      loaded = 0;
      resumeFrom = 0;
    }
    const handle = await open(incompletePath, resumeFrom > 0 ? 'a' : 'w');
    try {
      if (response.body) {
        for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
          await handle.write(chunk);
          hasher.update(chunk);
          loaded += chunk.length;
          reportProgress(false);
        }
      }
    } catch (error) {
      const cause = toTransportError(error, hub.endpoint, signal);
      if (cause instanceof CancelledError) throw cause;
      throw new AppError('unavailable', `The download of ${file} from ${cache.repoId} was interrupted (${cause.message}). Run it again to resume.`, {
        network: true,
      });
    } finally {
      await handle.close();
    }
  }

  if (loaded !== metadata.size) {
    throw new AppError(
      'unavailable',
      `The download of ${file} from ${cache.repoId} ended after ${loaded} of ${metadata.size} bytes. Run it again to resume.`,
      { network: true },
    );
  }
  const actual = hasher.digest('hex');
  if (actual !== metadata.etag) {
    await cache.removeIncomplete(metadata.etag);
    const kind = metadata.checksum === 'sha256' ? 'sha256' : 'git blob sha1';
    throw new AppError(
      'bad_input',
      `checksum mismatch for ${file} from ${cache.repoId}: expected ${kind} ${metadata.etag}, got ${actual}. The damaged download was deleted; try again.`,
    );
  }
  reportProgress(true);
  await rename(incompletePath, blobPath);
}

/**
 * Two downloads of one blob in this process (say, two jobs for models sharing a file) would
 * append to the same .incomplete file; the second waits for the first instead.
 * Other processes sharing the cache are not coordinated (huggingface_hub's .locks are not used).
 */
const blobDownloads = new Map<string, Promise<void>>();

async function oneDownloadPerBlob(blobPath: string, download: () => Promise<void>): Promise<void> {
  while (blobDownloads.has(blobPath)) await blobDownloads.get(blobPath)!.catch(() => undefined);
  const running = download();
  blobDownloads.set(blobPath, running);
  try {
    await running;
  } finally {
    blobDownloads.delete(blobPath);
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function hashFilePrefix(path: string, length: number, hasher: { update(data: Uint8Array): unknown }): Promise<void> {
  for await (const chunk of createReadStream(path, { start: 0, end: length - 1 })) hasher.update(chunk as Buffer);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError('Download cancelled');
}
