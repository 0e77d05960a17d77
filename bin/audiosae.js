#!/usr/bin/env node
// The `audiosae` command: runs the built engine CLI (npm ci builds it; `npm run build` rebuilds).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'electron', 'engine', 'cli', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write(`AudioSAE Lab is not built yet (${cli} is missing).\nRun: npm run build\n`);
  process.exit(1);
}
await import(pathToFileURL(cli).href);
