/** The `audiosae` command line as a user runs it: exit codes, messages, --json output. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { makeTempDir } from '../helpers/temp-dir.js';
import { writeWavFolder } from '../helpers/wav-folder.js';

// Resolved here, because the CLI runs with another working directory (to test relative paths).
const TSX = import.meta.resolve('tsx');
const CLI = join(import.meta.dirname, '..', '..', 'electron', 'engine', 'cli', 'cli.ts');

describe('audiosae CLI', () => {
  const dir = makeTempDir('audiosae-cli-');
  const dataDir = join(dir.path, 'data');
  after(() => dir.cleanup());

  function audiosae(...args: string[]) {
    const result = spawnSync(process.execPath, ['--import', TSX, CLI, '--data-dir', dataDir, ...args], {
      cwd: dir.path,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  test('every command explains itself with --help', () => {
    for (const command of [[], ['serve'], ['datasets', 'import'], ['models', 'download'], ['activations'], ['jobs', 'resume'], ['fixtures', 'hub']]) {
      const { code, stdout } = audiosae(...command, '--help');
      assert.equal(code, 0, `${command.join(' ')} --help exits 0`);
      assert.match(stdout, /Usage: audiosae/, `${command.join(' ')} --help prints usage`);
    }
  });

  test('bad input gets a clear message and a non-zero exit, and writes no dataset', () => {
    mkdirSync(join(dir.path, 'empty'));
    mkdirSync(join(dir.path, 'bad'));
    writeFileSync(join(dir.path, 'bad', 'fake.wav'), 'not audio');
    const cases: [string[], RegExp][] = [
      [['datasets', 'import', join(dir.path, 'missing'), '--name', 'x'], /Folder does not exist/],
      [['datasets', 'import', join(dir.path, 'empty'), '--name', 'x'], /No audio files/],
      [['datasets', 'import', join(dir.path, 'bad'), '--name', 'x'], /could be read[\s\S]*fake\.wav: Not a WAV file/],
      [['clips', '0'], /positive whole number/],
      [['datasets', 'import', join(dir.path, 'bad')], /required option '--name <name>'/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = audiosae(...args);
      assert.notEqual(code, 0, `${args.join(' ')} fails`);
      assert.match(stderr, message, `${args.join(' ')} explains why`);
    }
    const { stdout } = audiosae('--json', 'datasets', 'list');
    assert.deepEqual(JSON.parse(stdout), [], 'no dataset was written');
  });

  test('imports a folder given relative to the current directory and lists it as JSON', () => {
    const audio = join(dir.path, 'wavs');
    mkdirSync(audio);
    const clips = writeWavFolder(audio);
    const imported = audiosae('datasets', 'import', 'wavs', '--name', 'relative');
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, new RegExp(`${clips.length} clips imported`));
    const list = JSON.parse(audiosae('--json', 'datasets', 'list').stdout) as { name: string; clipCount: number; rootPath: string }[];
    assert.deepEqual(list.map((d) => [d.name, d.clipCount, d.rootPath]), [['relative', clips.length, audio]]);
  });
});
