/**
 * The one Content-Security-Policy of the UI, wherever it is served from: the Electron
 * `app://` protocol handler, the engine's HTTP server (`audiosae serve`) and the
 * renderer's index.html meta tag all use this string. No 'unsafe-eval', no 'unsafe-inline'.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
