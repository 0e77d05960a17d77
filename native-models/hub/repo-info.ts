/** Which commit a revision is at and which files it has: from the hub, or from the cache offline. */
import { z } from 'zod';
import { AppError } from '../../electron/common/errors.js';
import { RepoCache, assertRepoId } from './hub-cache.js';
import { hubFetch, isNetworkFailure } from './hub-http.js';
import { resolveHubOptions, type HubOptions, type ResolvedHubOptions } from './hub-options.js';

export interface RepoInfo {
  commit: string;
  files: string[];
}

const revisionResponse = z.object({
  sha: z.string().regex(/^[0-9a-f]{40}$/),
  siblings: z.array(z.object({ rfilename: z.string() })),
});

export async function fetchRepoInfo(
  repoId: string,
  revision = 'main',
  options: HubOptions & { signal?: AbortSignal } = {},
): Promise<RepoInfo> {
  assertRepoId(repoId);
  const resolved = resolveHubOptions(options);
  if (resolved.offline) return cachedRepoInfo(repoId, revision, resolved);
  try {
    return await fetchRemoteRepoInfo(repoId, revision, resolved, options.signal);
  } catch (error) {
    // Like huggingface_hub: when the hub cannot be reached, a cached snapshot still works.
    if (isNetworkFailure(error)) {
      const cached = await cachedRepoInfoOrUndefined(repoId, revision, resolved);
      if (cached) return cached;
    }
    throw error;
  }
}

export async function fetchRemoteRepoInfo(
  repoId: string,
  revision: string,
  options: ResolvedHubOptions,
  signal?: AbortSignal,
): Promise<RepoInfo> {
  const url = `${options.endpoint}/api/models/${repoId}/revision/${encodeURIComponent(revision)}`;
  const response = await hubFetch(url, { signal }, { repoId, revision }, options);
  const parsed = revisionResponse.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) {
    throw new AppError('unavailable', `${options.endpoint} sent an unexpected answer for ${repoId}@${revision} (no commit sha or file list). Is HF_ENDPOINT a Hugging Face hub?`);
  }
  return { commit: parsed.data.sha, files: parsed.data.siblings.map((s) => s.rfilename) };
}

export async function cachedRepoInfo(repoId: string, revision: string, options: ResolvedHubOptions): Promise<RepoInfo> {
  const cached = await cachedRepoInfoOrUndefined(repoId, revision, options);
  if (cached === undefined) {
    throw new AppError(
      'unavailable',
      `Cannot load ${repoId}@${revision}: offline and not cached (HF_HUB_OFFLINE is set; cache ${options.cacheDir}). Connect and unset HF_HUB_OFFLINE to download it first.`,
    );
  }
  return cached;
}

async function cachedRepoInfoOrUndefined(repoId: string, revision: string, options: ResolvedHubOptions): Promise<RepoInfo | undefined> {
  const cache = new RepoCache(options.cacheDir, repoId);
  const commit = cache.readRef(revision);
  if (commit === undefined) return undefined;
  const files = await cache.listSnapshot(commit);
  return files.length > 0 ? { commit, files } : undefined;
}
