import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'audiosae_token';

export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

function sameToken(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(request: IncomingMessage): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return value.join('=');
  }
  return undefined;
}

export interface RequestAuth {
  /** The token came in the query string (the printed URL): set the cookie for later asset requests. */
  viaQuery: boolean;
  ok: boolean;
}

export function authenticate(request: IncomingMessage, url: URL, token: string): RequestAuth {
  if (sameToken(url.searchParams.get('token'), token)) return { ok: true, viaQuery: true };
  return { ok: sameToken(cookieToken(request), token), viaQuery: false };
}

export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

/**
 * Only loopback host names: a page on another site that rebinds its DNS name to
 * 127.0.0.1 sends its own Host header and is refused.
 */
export function isLoopbackHost(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(hostHeader.toLowerCase());
}
