/**
 * The `app://renderer/...` protocol: the renderer's only origin. It serves files from the
 * built renderer folder and nothing else, each response carrying the app's CSP.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../common/csp.js';
import type { CustomScheme, ProtocolSurface } from './electron-surface.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'renderer';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

/** Registered before `ready`: a standard, secure origin that may use fetch and stream media. */
export const APP_SCHEME_REGISTRATION: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
};

/**
 * `scheme://host` of a URL or origin string, lower-cased, or null when it does not parse.
 * (Node's URL says `origin === 'null'` for schemes it does not know, so build it by hand.)
 */
export function originOf(urlOrOrigin: string): string | null {
  try {
    const url = new URL(urlOrOrigin);
    if (url.host === '') return null;
    return `${url.protocol}//${url.host}`.toLowerCase();
  } catch {
    return null;
  }
}

export function isAppOrigin(urlOrOrigin: string | undefined): boolean {
  return urlOrOrigin !== undefined && originOf(urlOrOrigin) === APP_ORIGIN;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.flac': 'audio/flac',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file under `rendererRoot` an `app://renderer/...` URL names, or null when the URL is
 * for another scheme or host, is malformed, or would leave the folder. Lexical only; the
 * handler also checks the real path, so a symlink cannot lead out either.
 */
export function resolveRendererFile(rendererRoot: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host.toLowerCase() !== APP_HOST) return null;
  let relative: string;
  try {
    relative = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (relative.includes('\0')) return null;
  if (relative === '' || relative === '/') relative = '/index.html';
  const root = path.resolve(rendererRoot);
  const file = path.resolve(root, `.${path.sep}${relative}`);
  return isInside(root, file) ? file : null;
}

function isInside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  if (relative === '' || path.isAbsolute(relative)) return false;
  return relative !== '..' && !relative.startsWith(`..${path.sep}`);
}

export interface AppProtocolOptions {
  readonly rendererRoot: string;
}

/** A `protocol.handle` handler serving the renderer folder with the CSP header. */
export function createAppProtocolHandler(options: AppProtocolOptions): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return textResponse(405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
    }
    const file = resolveRendererFile(options.rendererRoot, request.url);
    if (file === null) return textResponse(404, 'Not Found');
    const real = await realFileInside(options.rendererRoot, file);
    if (real === null) return textResponse(404, 'Not Found');
    const body = request.method === 'HEAD' ? null : new Uint8Array(await readFile(real));
    return new Response(body, {
      status: 200,
      headers: { ...securityHeaders(), 'Content-Type': contentTypeFor(real), 'Cache-Control': 'no-cache' },
    });
  };
}

/** The file's real path when it exists, is a regular file, and really lies inside the root. */
async function realFileInside(rendererRoot: string, file: string): Promise<string | null> {
  try {
    const [realRoot, realFile] = await Promise.all([realpath(rendererRoot), realpath(file)]);
    if (!isInside(realRoot, realFile)) return null;
    return (await stat(realFile)).isFile() ? realFile : null;
  } catch {
    return null;
  }
}

function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
  };
}

function textResponse(status: number, text: string, extraHeaders: Record<string, string> = {}): Response {
  return new Response(text, {
    status,
    headers: { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8', ...extraHeaders },
  });
}

export function registerAppProtocolHandler(
  protocol: Pick<ProtocolSurface, 'handle'>,
  options: AppProtocolOptions,
): void {
  protocol.handle(APP_SCHEME, createAppProtocolHandler(options));
}
