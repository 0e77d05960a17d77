/** The Hugging Face hub client: downloads into (and reads from) the standard HF cache. */
export { downloadRepoFiles, type DownloadRepoFilesOptions, type DownloadedSnapshot } from './download-files.js';
export type { DownloadProgress, DownloadProgressCallback } from './download-progress.js';
export { RepoCache, isCommitHash } from './hub-cache.js';
export { resolveHubOptions, DEFAULT_HUB_ENDPOINT, type HubOptions, type ResolvedHubOptions } from './hub-options.js';
export { fetchRepoInfo, type RepoInfo } from './repo-info.js';
export { removeSnapshot, repoDirOfSnapshot, snapshotSizeBytes } from './cache-maintenance.js';
