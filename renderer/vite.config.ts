import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY } from '../electron/common/csp.js';

const rendererDir = fileURLToPath(new URL('.', import.meta.url));

/**
 * Puts the app's one CSP (electron/common/csp.ts) into index.html's meta tag, minus the
 * directives a meta tag cannot carry (browsers ignore them there, with a console warning).
 */
function contentSecurityPolicyMeta(): Plugin {
  const placeholder = '%AUDIOSAE_CSP%';
  const metaPolicy = CONTENT_SECURITY_POLICY.split(';')
    .map((directive) => directive.trim())
    .filter((directive) => !/^(frame-ancestors|report-uri|sandbox)\b/.test(directive))
    .join('; ');
  return {
    name: 'audiosae-csp-meta',
    transformIndexHtml(html) {
      if (!html.includes(placeholder)) throw new Error(`index.html lacks the ${placeholder} placeholder`);
      return html.replace(placeholder, metaPolicy);
    },
  };
}

export default defineConfig({
  root: rendererDir,
  // Relative asset URLs, so the same build loads from app:// (Electron) and http:// (audiosae serve).
  base: './',
  plugins: [svelte(), contentSecurityPolicyMeta()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The CSP has no 'unsafe-inline': keep every asset a file, never a data: URL script/style.
    assetsInlineLimit: 0,
  },
});
