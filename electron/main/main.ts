/**
 * Electron main-process entry (compiled to dist/electron/main/main.js, package.json "main").
 * Thin on purpose: everything is in modules that take the electron API as a parameter.
 * Static imports only, so the scheme registration in runShell happens before `ready`.
 */
import * as electron from 'electron';
import { runShell } from './app-shell.js';

void runShell(electron, {
  argv: process.argv,
  env: process.env,
  cwd: process.cwd(),
  platform: process.platform,
  versions: process.versions,
});
