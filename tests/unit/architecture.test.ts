/** The layering rules of DESIGN.md / STYLE.md, enforced on the source tree. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir))) {
    const path = join(root, dir, entry);
    if (entry === 'node_modules' || entry === 'dist') continue;
    if (statSync(path).isDirectory()) out.push(...sourceFiles(relative(root, path)));
    else if (/\.(ts|cts|mts|js|svelte)$/.test(entry)) out.push(relative(root, path));
  }
  return out;
}

function importsOf(file: string): { specifier: string; typeOnly: boolean }[] {
  const text = readFileSync(join(root, file), 'utf8');
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const pattern = /(?:^|\n)\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(pattern)) {
    const specifier = m[3] ?? m[4] ?? m[5];
    if (specifier) found.push({ specifier, typeOnly: Boolean(m[2]) });
  }
  return found;
}

function filesImporting(dirs: string[], matches: (specifier: string) => boolean): string[] {
  return dirs.flatMap(sourceFiles).filter((f) => importsOf(f).some((i) => matches(i.specifier)));
}

test('the engine and native-models never import electron (they run under plain Node)', () => {
  assert.deepEqual(filesImporting(['electron/engine', 'native-models'], (s) => s === 'electron' || s.startsWith('electron/')), []);
});

test('electron/common imports neither Node built-ins nor electron', () => {
  assert.deepEqual(
    filesImporting(['electron/common'], (s) => s.startsWith('node:') || s === 'electron' || s === 'better-sqlite3' || s === 'onnxruntime-node'),
    [],
  );
});

test('only the ONNX backend module imports onnxruntime-node', () => {
  const all = ['electron', 'native-models', 'renderer/src'];
  assert.deepEqual(filesImporting(all, (s) => s.startsWith('onnxruntime-node')), ['native-models/onnx/runtime.ts']);
});

test('only the store database module imports better-sqlite3', () => {
  assert.deepEqual(
    filesImporting(['electron', 'native-models', 'renderer/src'], (s) => s === 'better-sqlite3'),
    ['electron/engine/store/database.ts', 'electron/engine/store/migrations.ts'].filter((f) =>
      importsOf(f).some((i) => i.specifier === 'better-sqlite3'),
    ),
  );
  for (const file of filesImporting(['electron', 'native-models'], (s) => s === 'better-sqlite3')) {
    if (file === 'electron/engine/store/database.ts') continue;
    assert.ok(importsOf(file).filter((i) => i.specifier === 'better-sqlite3').every((i) => i.typeOnly), `${file} imports better-sqlite3 at runtime`);
  }
});

test('the renderer uses the contract types only, and never Node or engine code', () => {
  const files = sourceFiles('renderer/src');
  assert.ok(files.length > 0, 'renderer sources exist');
  for (const file of files) {
    for (const { specifier, typeOnly } of importsOf(file)) {
      assert.ok(!specifier.startsWith('node:'), `${file} imports ${specifier}`);
      assert.ok(!/electron\/(engine|main|preload)\b/.test(specifier), `${file} imports ${specifier}`);
      assert.ok(!/native-models/.test(specifier), `${file} imports ${specifier}`);
      if (/common\/contract(\.js)?$/.test(specifier)) assert.ok(typeOnly, `${file} imports the contract at runtime`);
    }
  }
});
