#!/usr/bin/env node
// `npm test`: type check, lint, build, then every test file (unit, integration, e2e) under
// node's test runner. Ends with one line "N passed, N failed" and a non-zero exit on failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const only = process.argv.slice(2); // optional: test files or folders to run instead of all
const started = Date.now();

function step(name, command, args) {
  const t0 = Date.now();
  process.stdout.write(`\n▶ ${name}: ${[command, ...args].join(' ')}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stdout.write(`✖ ${name} failed after ${seconds} s\n0 passed, 1 failed\n`);
    process.exit(result.status ?? 1);
  }
  process.stdout.write(`✔ ${name} (${seconds} s)\n`);
}

function testFiles(dirs) {
  return dirs
    .flatMap((dir) => {
      const full = join(root, dir);
      if (full.endsWith('.ts')) return [full];
      if (!existsSync(full)) return [];
      return readdirSync(full, { recursive: true })
        .map((f) => join(full, String(f)))
        .filter((f) => f.endsWith('.test.ts') && !f.includes('node_modules'));
    })
    .map((f) => relative(root, f))
    .sort();
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
if (only.length === 0) {
  step('type check (engine, main, native-models, tests)', npx, ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  step('type check (renderer build config)', npx, ['tsc', '-p', 'renderer/tsconfig.node.json', '--noEmit']);
  step('type check (renderer, svelte-check)', npx, ['svelte-check', '--tsconfig', 'renderer/tsconfig.json', '--fail-on-warnings', '--output', 'machine']);
  step('lint', npx, ['eslint', '.']);
  step('build', 'npm', ['run', 'build']);
}

const files = testFiles(only.length > 0 ? only : ['tests/unit', 'tests/integration', 'tests/security', 'tests/bad-input', 'tests/crash', 'tests/e2e']);
mkdirSync(join(root, 'test-results'), { recursive: true });
const tapFile = join(root, 'test-results', 'tests.tap');
const t0 = Date.now();
process.stdout.write(`\n▶ tests: ${files.length} files\n`);
const run = spawnSync(
  process.execPath,
  [
    '--import', 'tsx',
    '--test',
    '--test-timeout=180000',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
    ...files,
  ],
  { cwd: root, stdio: 'inherit', env: process.env },
);

const tap = readFileSync(tapFile, 'utf8');
const count = (name) => Number(tap.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
const passed = count('pass');
const failed = count('fail') + count('cancelled');
const minutes = ((Date.now() - started) / 60000).toFixed(1);
process.stdout.write(`\nTests took ${((Date.now() - t0) / 1000).toFixed(1)} s; everything ${minutes} min. TAP log: ${relative(root, tapFile)}\n`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
