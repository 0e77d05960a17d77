/** Layout registry, metadata readers and query helpers of the dataset importer (issue 4). */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDelimited, parseTable } from '../../../electron/engine/datasets/layouts/csv.js';
import { defaultLayouts, LayoutRegistry } from '../../../electron/engine/datasets/layouts/index.js';
import { genericLayout } from '../../../electron/engine/datasets/layouts/generic.js';
import { toFtsQuery } from '../../../electron/engine/store/datasets-repo.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

test('the layout registry throws on a duplicate and on an unknown name', () => {
  const registry = new LayoutRegistry().register(genericLayout);
  assert.throws(() => registry.register(genericLayout), /already registered: generic/, 'duplicate');
  assert.throws(() => registry.get('timit'), /Unknown dataset layout "timit"/, 'unknown');
  assert.deepEqual(
    defaultLayouts().names(),
    ['esc50', 'fsd50k', 'librispeech', 'musan', 'wham', 'commonvoice', 'generic'],
    'every contract layout but auto, generic last',
  );
});

test('auto detection reads marker files and falls back to generic', async () => {
  const dir = makeTempDir();
  try {
    const layouts = defaultLayouts();
    const cases: [string, string[], string][] = [
      ['esc', ['meta/esc50.csv'], 'esc50'],
      ['fsd', ['FSD50K.ground_truth/dev.csv'], 'fsd50k'],
      ['libri', ['train-clean-100/19/198/19-198.trans.txt'], 'librispeech'],
      ['musan', ['musan/speech/x/ANNOTATIONS', 'musan/noise/y/ANNOTATIONS'], 'musan'],
      ['wham', ['wham_noise/tr/a.wav', 'wham_noise/tt/b.wav'], 'wham'],
      ['cv', ['validated.tsv', 'clips/a.mp3'], 'commonvoice'],
      ['plain', ['a.wav', 'notes.csv'], 'generic'],
    ];
    for (const [name, files, expected] of cases) {
      for (const f of files) {
        mkdirSync(join(dir.path, name, f, '..'), { recursive: true });
        writeFileSync(join(dir.path, name, f), '');
      }
      assert.equal((await layouts.detect(join(dir.path, name))).name, expected, `${name} detected as ${expected}`);
    }
  } finally {
    dir.cleanup();
  }
});

test('CSV: quoted fields with commas, doubled quotes and CRLF; TSV keeps quotes as text', () => {
  assert.deepEqual(parseDelimited('a,b\r\n"x, y","say ""hi"""\n'), [['a', 'b'], ['x, y', 'say "hi"']], 'csv');
  assert.deepEqual(parseTable('path\tsentence\nc.mp3\t"Quoted," she said\n', '\t'), [{ path: 'c.mp3', sentence: '"Quoted," she said' }], 'tsv');
  assert.deepEqual(parseTable('\uFEFFfname,labels\n1,"A,B"'), [{ fname: '1', labels: 'A,B' }], 'BOM, no final newline');
});

test('transcript search text becomes a safe FTS5 query: quoted words, ANDed, * for a prefix', () => {
  assert.equal(toFtsQuery('quick  fox'), '"quick" "fox"', 'words');
  assert.equal(toFtsQuery('sea* "shell'), '"sea"* "shell"', 'prefix and stray quote');
  assert.equal(toFtsQuery('OR NOT ***'), '"OR" "NOT"', 'operators are words; lone stars dropped');
});
