/**
 * The hub's file identities: LFS files are named by the sha256 of their content, other files by
 * their git blob sha1 (sha1 of "blob {size}\0" + content). The download verifies against them.
 */
import { createHash, type Hash } from 'node:crypto';

export type ChecksumKind = 'sha256' | 'git-sha1';

export function checksumKindOf(etag: string): ChecksumKind | undefined {
  if (/^[0-9a-f]{64}$/.test(etag)) return 'sha256';
  if (/^[0-9a-f]{40}$/.test(etag)) return 'git-sha1';
  return undefined;
}

/** An incremental hash over a file of known size, fed in order. */
export function createFileHasher(kind: ChecksumKind, size: number): Hash {
  if (kind === 'sha256') return createHash('sha256');
  return createHash('sha1').update(`blob ${size}\0`);
}

/** ETag header values come quoted, sometimes weak (W/"…"). */
export function normalizeEtag(header: string | null): string | undefined {
  if (header === null) return undefined;
  return header.replace(/^W\//, '').replace(/^"|"$/g, '').trim() || undefined;
}
