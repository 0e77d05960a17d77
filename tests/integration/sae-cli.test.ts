/** `audiosae sae import|export|list` as a user runs them: relative paths, --json, exit codes and messages. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SaeSummary } from '../../electron/common/contract.js';
import { Store } from '../../electron/engine/store/store.js';
import { saveSaeCheckpoint } from '../../native-models/sae/sae-checkpoint.js';
import { parseSaeConfig } from '../../native-models/sae/sae-config.js';
import { initialSaeWeights } from '../../native-models/sae/sae-weights.js';
import { randomDl, writeDictionaryLearningFolder, DL_D_IN } from '../helpers/dictionary-learning-fixture.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { pythonMissing } from '../helpers/torch-checkpoint-writer.js';

const TSX = import.meta.resolve('tsx');
const CLI = join(import.meta.dirname, '..', '..', 'electron', 'engine', 'cli', 'cli.ts');

describe('audiosae sae', () => {
  const dir = makeTempDir('sae-cli-');
  const dataDir = join(dir.path, 'data');
  let modelId: number;
  after(() => dir.cleanup());

  function audiosae(...args: string[]) {
    const result = spawnSync(process.execPath, ['--import', TSX, CLI, '--data-dir', dataDir, ...args], { cwd: dir.path, encoding: 'utf8', timeout: 60_000 });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  before(() => {
    const store = Store.open(dataDir);
    try {
      modelId = store.models.upsert({ repoId: 'fixture/tiny-encoder', revision: 'main', commit: 'c0ffee', architecture: 'whisper', snapshotDir: dir.path, nMels: 80, dModel: DL_D_IN, layers: 4 }).id;
    } finally {
      store.dispose();
    }
    saveSaeCheckpoint(join(dir.path, 'mine'), parseSaeConfig({ architecture: 'topk', dIn: DL_D_IN, dSae: 16, k: 3 }), initialSaeWeights(DL_D_IN, 16, 4));
    saveSaeCheckpoint(join(dir.path, 'wide'), parseSaeConfig({ dIn: 10, dSae: 20, k: 3 }), initialSaeWeights(10, 20, 4));
  });

  test('imports a relative folder, lists it, exports it as SAELens and imports that back', () => {
    const imported = audiosae('sae', 'import', 'mine', '--model', String(modelId), '--layer', '2');
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /^SAE 1: topk k=3 x 16, layer 2 of model \d+ \(audiosae\)$/m);
    const exported = audiosae('sae', 'export', '1', 'exported');
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /SAE 1 written to .*exported: cfg\.json, sae_weights\.safetensors/);
    assert.ok(existsSync(join(dir.path, 'exported', 'sae_weights.safetensors')), 'resolved against the working directory');
    const again = audiosae('--json', 'sae', 'import', 'exported', '--model', String(modelId), '--layer', '2', '--format', 'saelens');
    assert.equal(again.code, 0, again.stderr);
    assert.equal((JSON.parse(again.stdout) as SaeSummary).sourceFormat, 'saelens');
    const list = audiosae('--json', 'sae', 'list');
    const rows = JSON.parse(list.stdout) as SaeSummary[];
    assert.deepEqual(rows.map((r) => [r.id, r.source, r.sourceFormat]), [[2, 'imported', 'saelens'], [1, 'imported', 'audiosae']]);
    assert.match(audiosae('sae', 'list').stdout, /^1\tmodel \d+ layer 2\ttopk k=3 x 16\tcomplete\timported \(audiosae\) from /m, 'human-readable list');
  });

  test('imports a dictionary_learning ae.pt', { skip: pythonMissing() }, () => {
    writeDictionaryLearningFolder(join(dir.path, 'release', 'layer_1'), randomDl(2, 0.2), 'BatchTopKSAE', { layer: 1 });
    const result = audiosae('sae', 'import', join('release', 'layer_1', 'ae.pt'), '--model', String(modelId), '--layer', '1');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /batchtopk k=4 x 32, layer 1 of model \d+ \(dictionary_learning\)/);
  });

  test('bad input: a clear message and a non-zero exit', () => {
    const cases: [string[], RegExp][] = [
      [['sae', 'import', 'wide', '--model', String(modelId), '--layer', '1'], /reads 10-wide activations \(d_in\), but layer 1 of fixture\/tiny-encoder is 8 wide/],
      [['sae', 'import', 'mine', '--model', String(modelId), '--layer', '1', '--format', 'onnx'], /Expected one of: auto, audiosae, saelens, dictionary_learning/],
      [['sae', 'import', 'mine', '--layer', '1'], /required option '--model <id>'/],
      [['sae', 'import', 'nowhere', '--model', String(modelId), '--layer', '1'], /nowhere does not exist/],
      [['sae', 'export', '42', 'out'], /No SAE with id 42/],
      [['train', '--steps', '10'], /Give --run <id>, or --model <id>/],
      [['train', '--model', String(modelId), '--steps', '10'], /Model \d+ has no complete activation run: run `audiosae extract` first/],
      [['train', '--run', '1', '--layers', '5-3', '--steps', '10'], /The layer range 5-3 runs backwards/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = audiosae(...args);
      assert.notEqual(code, 0, `${args.join(' ')} fails`);
      assert.match(stderr, message, `${args.join(' ')} explains why`);
    }
  });
});
