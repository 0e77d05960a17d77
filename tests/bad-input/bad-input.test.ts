/**
 * The bad-input suite (issue 10): a corpus of malformed audio files, model repos, SAE checkpoints,
 * alignments and EEG files (malformed RPC payloads: tests/security) tried through the real engine.
 * Every item must be refused with a clear, actionable error, the engine must keep answering, and
 * nothing may be half-written (no clip, model, SAE or alignment row, no SAE folder). EEG files go
 * through the readers evals.start's check and the job use. Prints the counts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RpcClient } from '../../electron/common/rpc-client.js';
import { Engine } from '../../electron/engine/engine.js';
import { createInProcessChannelPair } from '../../electron/engine/transports/in-process-channel.js';
import { generateFixtureRepos, TINY_WHISPER_REPO } from '../../native-models/fixtures/generate-fixtures.js';
import { startFixtureHub, type FixtureHub } from '../../native-models/fixtures/fixture-hub-server.js';
import { saveSaeCheckpoint } from '../../native-models/sae/sae-checkpoint.js';
import { parseSaeConfig } from '../../native-models/sae/sae-config.js';
import { initialSaeWeights } from '../../native-models/sae/sae-weights.js';
import { waitForJob } from '../helpers/jobs.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { pythonMissing } from '../helpers/torch-checkpoint-writer.js';
import { encodeWav, tone } from '../helpers/wav-folder.js';
import { badAudioFiles } from './audio-corpus.js';
import { AppError } from '../../electron/common/errors.js';
import { checkEegChannel, eegFormatOf, readEegChannel } from '../../electron/engine/paper-evals/eeg/eeg-recording.js';
import { writeEdf } from '../helpers/edf-writer.js';
import { classifyError, isClearMessage, Tally } from './outcomes.js';

const D_MODEL = 64;

/** What evals.start's check and the job do with an EEG file: format, channel, then the samples. */
async function readEegForCheck(path: string): Promise<void> {
  const format = eegFormatOf(path, 'auto');
  checkEegChannel(path, format, 'Pz');
  readEegChannel(path, format, 'Pz');
}
const tally = new Tally();

describe('bad-input suite', () => {
  const dir = makeTempDir('audiosae-bad-input-');
  const dataDir = join(dir.path, 'data');
  let hub: FixtureHub;
  let engine: Engine;
  let client: RpcClient;

  const tableCount = (table: string): number => (engine.store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  const alive = async (): Promise<boolean> => {
    try {
      await client.call('engine.info', {});
      return true;
    } catch {
      return false;
    }
  };

  before(async () => {
    const repos = join(dir.path, 'repos');
    await generateFixtureRepos(repos);
    const whisper = join(repos, ...TINY_WHISPER_REPO.split('/'));
    const variant = (name: string, change: (folder: string) => void): void => {
      const folder = join(repos, 'bad', name);
      cpSync(whisper, folder, { recursive: true });
      change(folder);
    };
    variant('text-model', (f) => {
      const config = JSON.parse(readFileSync(join(f, 'config.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(join(f, 'config.json'), JSON.stringify({ ...config, model_type: 'bert', architectures: ['BertModel'] }));
    });
    variant('garbage-onnx', (f) => writeFileSync(join(f, 'onnx', 'encoder_model.onnx'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256))));
    variant('truncated-onnx', (f) => {
      const onnx = join(f, 'onnx', 'encoder_model.onnx');
      writeFileSync(onnx, readFileSync(onnx).subarray(0, 3000));
    });
    variant('no-onnx', (f) => rmSync(join(f, 'onnx'), { recursive: true }));
    variant('config-not-json', (f) => writeFileSync(join(f, 'config.json'), '{"model_type": "whisper", '));
    variant('flipped-in-transit', () => undefined);
    hub = await startFixtureHub({ root: repos, corrupt: (repoId, path) => repoId === 'bad/flipped-in-transit' && path.endsWith('.onnx') });
    engine = Engine.open({ dataDir, hub: { endpoint: hub.url, cacheDir: join(dir.path, 'hf-cache') } });
    const [clientEnd, engineEnd] = createInProcessChannelPair();
    engine.connect(engineEnd);
    client = new RpcClient(clientEnd);
  });

  after(async () => {
    client.dispose();
    await engine.close();
    await hub.close();
    dir.cleanup();
    console.log(`# ${tally.summary()}`);
    for (const p of tally.problems()) console.log(`# problem: ${p.category} / ${p.name}: ${p.outcome} (${p.message})`);
  });

  test('malformed audio files are each refused in the import report; only the good clip is imported', async () => {
    const folder = join(dir.path, 'audio');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'good.wav'), encodeWav([tone(440, 1, 16000)], 16000));
    const bad = badAudioFiles();
    for (const file of bad) writeFileSync(join(folder, file.name), file.bytes);
    const { jobId } = await client.call('datasets.importFolder', { name: 'bad audio', folder, layout: 'generic' });
    const job = await waitForJob(client, jobId);
    assert.equal(job.status, 'succeeded', 'one bad file never stops the import');
    const dataset = (await client.call('datasets.list', {})).find((d) => d.name === 'bad audio')!;
    const clips = await client.call('clips.list', { datasetId: dataset.id, limit: 100 });
    const report = await client.call('datasets.importReport', { datasetId: dataset.id });
    for (const file of bad) {
      const failure = report.failures.find((f) => f.path.endsWith(file.name));
      const imported = clips.clips.some((c) => c.relativePath === file.name);
      const outcome = imported ? 'accepted' : failure && isClearMessage(failure.reason) ? 'clear' : 'unclear';
      tally.add('audio', file.name, outcome, failure?.reason ?? (imported ? 'imported as a clip' : 'neither imported nor reported'));
    }
    assert.deepEqual(clips.clips.map((c) => c.relativePath), ['good.wav'], 'only the good file became a clip');
    assert.deepEqual(tally.problems().filter((p) => p.category === 'audio'), []);
  });

  test('model repos that are not usable audio encoders fail their download with a clear error and register nothing', async () => {
    const repos = ['bad/text-model', 'bad/garbage-onnx', 'bad/truncated-onnx', 'bad/no-onnx', 'bad/config-not-json', 'bad/flipped-in-transit', 'bad/does-not-exist'];
    const modelsBefore = tableCount('models');
    for (const repoId of repos) {
      try {
        const { jobId } = await client.call('models.download', { repoId, revision: 'main' });
        const job = await waitForJob(client, jobId, 120_000);
        const message = job.error?.message ?? '';
        const outcome = job.status === 'succeeded' ? 'accepted' : job.error && job.error.code !== 'internal' && isClearMessage(message) ? 'clear' : 'unclear';
        tally.add('models', repoId, outcome, `${job.status}: ${job.error?.code ?? ''} ${message}`);
      } catch (error) {
        const { outcome, message } = classifyError(error);
        tally.add('models', repoId, outcome, message);
      }
      if (!(await alive())) tally.add('models', `${repoId} (engine)`, 'crash', 'engine stopped answering');
    }
    const models = await client.call('models.list', {});
    const registered = models.filter((m) => repos.includes(m.repoId));
    if (registered.length > 0) tally.add('models', 'registered rows', 'half-written', registered.map((m) => m.repoId).join(', '));
    assert.equal(tableCount('models'), modelsBefore, 'no model row written');
    assert.deepEqual(tally.problems().filter((p) => p.category === 'models'), []);
  });

  test('malformed SAE checkpoints are refused; no SAE row or folder is left', async () => {
    const model = engine.store.models.upsert({ repoId: 'fixture/for-saes', revision: 'main', commit: 'c0ffee', architecture: 'whisper', snapshotDir: dir.path, nMels: 80, dModel: D_MODEL, layers: 4 });
    const saesBefore = tableCount('saes');
    const root = join(dir.path, 'saes');
    const items: { name: string; format: 'auto' | 'audiosae' | 'saelens' | 'dictionary_learning'; write(folder: string): void; python?: boolean }[] = [
      { name: 'empty folder', format: 'auto', write: () => undefined },
      { name: 'cfg.json not JSON', format: 'audiosae', write: (f) => writeFileSync(join(f, 'cfg.json'), '{"architecture": "topk",') },
      { name: 'weights missing', format: 'audiosae', write: (f) => writeFileSync(join(f, 'cfg.json'), JSON.stringify({ architecture: 'topk', dIn: D_MODEL, dSae: 128, k: 4 })) },
      {
        name: 'truncated safetensors',
        format: 'audiosae',
        write: (f) => {
          saveSaeCheckpoint(f, parseSaeConfig({ architecture: 'topk', dIn: D_MODEL, dSae: 128, k: 4 }), initialSaeWeights(D_MODEL, 128, 1));
          const file = join(f, 'sae.safetensors');
          writeFileSync(file, readFileSync(file).subarray(0, 5000));
        },
      },
      {
        name: 'safetensors header length beyond the file',
        format: 'audiosae',
        write: (f) => {
          writeFileSync(join(f, 'cfg.json'), JSON.stringify({ architecture: 'topk', dIn: D_MODEL, dSae: 128, k: 4 }));
          const bytes = Buffer.alloc(64);
          bytes.writeBigUInt64LE(2n ** 40n, 0);
          writeFileSync(join(f, 'sae.safetensors'), bytes);
        },
      },
      { name: 'width does not match the layer', format: 'audiosae', write: (f) => saveSaeCheckpoint(f, parseSaeConfig({ architecture: 'topk', dIn: 96, dSae: 128, k: 4 }), initialSaeWeights(96, 128, 1)) },
      {
        name: 'NaN in the encoder weights',
        format: 'audiosae',
        write: (f) => {
          const weights = initialSaeWeights(D_MODEL, 128, 2);
          weights.W_enc[17] = Number.NaN;
          saveSaeCheckpoint(f, parseSaeConfig({ architecture: 'topk', dIn: D_MODEL, dSae: 128, k: 4 }), weights);
        },
      },
      {
        name: 'k larger than the width',
        format: 'audiosae',
        write: (f) => {
          saveSaeCheckpoint(f, parseSaeConfig({ architecture: 'topk', dIn: D_MODEL, dSae: 128, k: 4 }), initialSaeWeights(D_MODEL, 128, 3));
          writeFileSync(join(f, 'cfg.json'), JSON.stringify({ architecture: 'topk', dIn: D_MODEL, dSae: 128, k: 500 }));
        },
      },
      { name: 'SAELens architecture it cannot run', format: 'saelens', write: (f) => (writeFileSync(join(f, 'cfg.json'), JSON.stringify({ architecture: 'gated', d_in: D_MODEL, d_sae: 128 })), writeFileSync(join(f, 'sae_weights.safetensors'), Buffer.alloc(16))) },
      { name: 'ae.pt that is not a zip', format: 'dictionary_learning', write: (f) => (writeFileSync(join(f, 'ae.pt'), 'not a zip at all, just text'), writeFileSync(join(f, 'config.json'), JSON.stringify({ trainer: { dict_class: 'BatchTopKSAE', activation_dim: D_MODEL, dict_size: 128, k: 4 } }))) },
      {
        name: 'ae.pt whose pickle calls os.system',
        format: 'dictionary_learning',
        python: true,
        write: (f) => {
          writeFileSync(join(f, 'config.json'), JSON.stringify({ trainer: { dict_class: 'BatchTopKSAE', activation_dim: D_MODEL, dict_size: 128, k: 4 } }));
          // A torch.save-shaped zip whose data.pkl is `os.system("touch pwned")`.
          execFileSync('python3', ['-c', `import zipfile,pickle,os\nclass P:\n  def __reduce__(self): return (os.system, ("touch ${join(f, 'pwned')}",))\nz=zipfile.ZipFile(${JSON.stringify(join(f, 'ae.pt'))},'w')\nz.writestr('ae/data.pkl', pickle.dumps(P(), protocol=2))\nz.writestr('ae/version','3')\nz.close()`]);
        },
      },
    ];
    for (const [i, item] of items.entries()) {
      if (item.python && pythonMissing()) continue;
      const folder = join(root, String(i));
      mkdirSync(folder, { recursive: true });
      item.write(folder);
      try {
        await client.call('saes.import', { path: folder, format: item.format, modelId: model.id, layer: 2 });
        tally.add('sae checkpoints', item.name, 'accepted', 'imported');
      } catch (error) {
        const { outcome, message } = classifyError(error);
        tally.add('sae checkpoints', item.name, outcome, message);
      }
      if (readdirSync(folder).includes('pwned')) tally.add('sae checkpoints', `${item.name} (ran code)`, 'crash', 'the pickle ran os.system');
      if (!(await alive())) tally.add('sae checkpoints', `${item.name} (engine)`, 'crash', 'engine stopped answering');
    }
    const saesDir = join(dataDir, 'saes');
    const leftovers = (existsSync(saesDir) ? readdirSync(saesDir, { withFileTypes: true }) : []).filter((e) => e.isDirectory()).map((e) => e.name);
    if (tableCount('saes') !== saesBefore || leftovers.length > 0) tally.add('sae checkpoints', 'rows/folders', 'half-written', `rows ${tableCount('saes') - saesBefore}, folders ${leftovers.join(', ')}`);
    assert.deepEqual(tally.problems().filter((p) => p.category === 'sae checkpoints'), []);
  });

  test('malformed alignments and EEG files are refused with the file and what is wrong; nothing is stored', async () => {
    const dataset = (await client.call('datasets.list', {})).find((d) => d.name === 'bad audio')!;
    const files: [string, string | Buffer][] = [
      ['empty.TextGrid', ''],
      ['not-textgrid.TextGrid', 'File type = "ooTextFile"\nObject class = "Pitch"\n'],
      ['cut.TextGrid', 'File type = "ooTextFile"\nObject class = "TextGrid"\n\nxmin = 0\nxmax = 1\ntiers? <exists>\nsize = 1\nitem []:\n  item [1]:\n    class = "IntervalTier"\n    name = "phones"\n'],
      ['backwards.TextGrid', 'File type = "ooTextFile"\nObject class = "TextGrid"\n0\n1\n<exists>\n1\n"IntervalTier"\n"phones"\n0\n1\n1\n0.5\n0.2\n"AA"\n'],
      ['binary.TextGrid', Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256))],
      ['short-line.ctm', 'good 1 0.1 AA\n'],
      ['negative.ctm', 'good 1 -0.5 0.1 AA\n'],
    ];
    const alignmentsBefore = tableCount('clip_alignments');
    for (const [name, content] of files) {
      const file = join(dir.path, 'alignments', name);
      mkdirSync(join(dir.path, 'alignments'), { recursive: true });
      writeFileSync(file, content);
      try {
        const r = await client.call('alignments.import', { datasetId: dataset.id, path: file });
        const error = r.errors[0]?.message ?? '';
        tally.add('alignments', name, r.intervals === 0 && error !== '' && isClearMessage(error) ? 'clear' : 'accepted', error || `${r.intervals} intervals stored`);
      } catch (error) {
        const { outcome, message } = classifyError(error);
        tally.add('alignments', name, outcome, message);
      }
    }
    if (tableCount('clip_alignments') !== alignmentsBefore) tally.add('alignments', 'rows', 'half-written', `${tableCount('clip_alignments') - alignmentsBefore} intervals stored`);

    const evaluationsBefore = tableCount('paper_evaluations');
    const good = join(dir.path, 'eeg-good.edf');
    writeEdf(good, { format: 'edf', rateHz: 100, signals: [{ label: 'Pz', samples: Array.from({ length: 1000 }, (_, i) => Math.sin(i)), physicalMin: -2, physicalMax: 2 }] });
    const goodBytes = readFileSync(good);
    const eegFiles: [string, Buffer | string][] = [
      ['empty.edf', ''],
      ['text.edf', 'this is not an EDF file at all, but it is long enough to hold a header of 256 bytes... '.repeat(4)],
      ['cut-records.edf', goodBytes.subarray(0, goodBytes.length - 150)],
      ['cut-header.edf', goodBytes.subarray(0, 300)],
      ['bad-samples-field.edf', Buffer.concat([goodBytes.subarray(0, 256 + 216), Buffer.from('abc     '), goodBytes.subarray(256 + 224)])],
      ['no-time-column.csv', 'Pz,Cz\n1,2\n3,4\n'],
      ['nan.csv', 'time,Pz\n0,1\n0.01,NaN\n'],
      ['wrong-channel.csv', 'time,Cz\n0,1\n0.01,2\n'],
      ['notes.txt.weird', 'x'],
    ];
    for (const [name, content] of eegFiles) {
      const file = join(dir.path, 'eeg', name);
      mkdirSync(join(dir.path, 'eeg'), { recursive: true });
      writeFileSync(file, content);
      try {
        await readEegForCheck(file);
        tally.add('eeg files', name, 'accepted', 'read without complaint');
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        tally.add('eeg files', name, error instanceof AppError && error.code === 'bad_input' && isClearMessage(message) ? 'clear' : 'unclear', message);
      }
    }
    if (tableCount('paper_evaluations') !== evaluationsBefore) tally.add('eeg files', 'rows', 'half-written', 'an evaluation row was written');
    assert.deepEqual(tally.problems().filter((p) => p.category === 'alignments' || p.category === 'eeg files'), []);
  });

  test('the database is intact after every bad input', () => {
    assert.equal(engine.store.integrityCheck(), 'ok');
    assert.deepEqual(engine.store.db.pragma('foreign_key_check'), []);
  });
});
