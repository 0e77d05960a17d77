/**
 * The dataset commands of the CLI (issue 4): `audiosae dataset import|list|show` (singular alias
 * of `datasets`), with `--layout`, on the generated corpus; run from the TypeScript source.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ensureCorpus } from '../corpus/generate-corpus.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const ROOT = join(import.meta.dirname, '..', '..');
let dir: ReturnType<typeof makeTempDir>;
let corpus: Awaited<ReturnType<typeof ensureCorpus>>;

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'electron/engine/cli/cli.ts'), '--data-dir', join(dir.path, 'data'), ...args],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

before(async () => {
  corpus = await ensureCorpus();
  dir = makeTempDir();
});
after(() => dir.cleanup());

test('dataset import detects the layout; list and show print counts, labels and failures', () => {
  const imported = cli('dataset', 'import', join(corpus.root, 'esc50'), '--name', 'esc');
  assert.equal(imported.status, 0, `import exit: ${imported.stderr}`);
  assert.match(imported.stdout, /Dataset 1 \(esc50\): 10 clips imported, 0 already there\./, 'import summary');

  const forced = cli('datasets', 'import', join(corpus.root, 'musan'), '--name', 'musan', '--layout', 'generic', '--json');
  assert.equal(forced.status, 0, `forced layout exit: ${forced.stderr}`);
  assert.equal((JSON.parse(forced.stdout) as { result: { layout: string } }).result.layout, 'generic', 'layout as given');

  const list = cli('dataset', 'list', '--json');
  assert.equal(list.status, 0, 'list exit');
  const rows = JSON.parse(list.stdout) as { name: string; layout: string; clipCount: number }[];
  assert.deepEqual(rows.map((r) => [r.name, r.layout, r.clipCount]), [['esc', 'esc50', 10], ['musan', 'generic', 6]], 'list rows');

  const show = cli('dataset', 'show', '1');
  assert.equal(show.status, 0, 'show exit');
  assert.match(show.stdout, /class=rain\t2/, 'label counts shown');
  assert.match(show.stdout, /0 file\(s\) failed/, 'failures shown');

  const bad = cli('dataset', 'import', join(corpus.root, 'esc50'), '--name', 'x', '--layout', 'timit');
  assert.notEqual(bad.status, 0, 'an unknown layout is refused');
  assert.match(bad.stderr, /timit/, 'the refusal names it');
});
