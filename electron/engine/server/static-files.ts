import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, isAbsolute, join, normalize, relative as relativeTo, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
  '.map': 'application/json',
};

/** Resolves a URL path inside `root`, or null when it would escape it. */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = normalize(decoded === '/' ? '/index.html' : decoded).replace(/^[/\\]+/, '');
  const full = join(root, relative);
  return full === root || full.startsWith(root.endsWith(sep) ? root : root + sep) ? full : null;
}

/** Whether `file` lies strictly inside `root` (both real, absolute paths). */
function isInside(root: string, file: string): boolean {
  const rel = relativeTo(root, file);
  return rel !== '' && !isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`);
}

/** Serves a file of `root`; a symlink whose real path leaves `root` is not served. */
export async function serveStatic(root: string, urlPath: string, response: ServerResponse): Promise<boolean> {
  const lexical = resolveInside(root, urlPath);
  if (!lexical) return false;
  try {
    const [realRoot, file] = await Promise.all([realpath(root), realpath(lexical)]);
    if (!isInside(realRoot, file)) return false;
    const info = await stat(file);
    if (!info.isFile()) return false;
    response.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': info.size,
      'Cache-Control': file.endsWith('.html') ? 'no-store' : 'public, max-age=3600',
    });
    createReadStream(file).pipe(response);
    return true;
  } catch {
    return false;
  }
}
