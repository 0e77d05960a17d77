#!/usr/bin/env node
/**
 * `audiosae` — the engine's command line: `serve` for browser mode, and commands that
 * run the same RPC calls the UI makes. `audiosae <command> --help` explains each.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { join, resolve } from 'node:path';
import { DATASET_LAYOUTS, type DatasetLayout } from '../../common/contract.js';
import { RpcError } from '../../common/errors.js';
import type { JobSnapshot } from '../../common/jobs.js';
import { resolveDataDir } from '../data-dir.js';
import { APP_ROOT, APP_VERSION } from '../version.js';
import { followJob, openEngineSession, type EngineSession } from './engine-session.js';
import { runServe } from './serve-command.js';
import { runFixtureHub } from './fixtures-command.js';
import { formatBytes, layerList, nonNegativeInt, positiveInt, type CliContext } from './cli-common.js';
import { registerFeatureCommands } from './feature-commands.js';
import { registerSaeCommands } from './sae-commands.js';
import { registerSteerCommands } from './steer-commands.js';
import { registerEvaluateCommands } from './evaluate-commands.js';
import { registerAlignmentCommands } from '../alignments/alignments-cli.js';

interface GlobalOptions {
  dataDir?: string;
  json?: boolean;
}

const program = new Command()
  .name('audiosae')
  .description('AudioSAE Lab engine: sparse-autoencoder interpretability of audio models.')
  .version(APP_VERSION)
  .option('--data-dir <path>', 'where the store lives (default: the app data folder; env AUDIOSAE_DATA_DIR)')
  .option('--json', 'print machine-readable JSON')
  .showHelpAfterError();

function globals(): GlobalOptions {
  return program.opts<GlobalOptions>();
}

function print(value: unknown, human: () => string): void {
  process.stdout.write(globals().json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

async function withEngine<T>(fn: (session: EngineSession) => Promise<T>): Promise<T> {
  const session = openEngineSession({ dataDir: resolveDataDir(globals().dataDir) });
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

function finishJob(job: JobSnapshot, summary: () => string): void {
  if (job.status !== 'succeeded') {
    process.stderr.write(`Job ${job.id} ${job.status}: ${job.error?.message ?? 'no reason given'}\n`);
    const failures = (job.error?.details as { failures?: { path: string; reason: string }[] } | undefined)?.failures;
    for (const f of failures ?? []) process.stderr.write(`  ${f.path}: ${f.reason}\n`);
    process.exitCode = 1;
    return;
  }
  print(job, summary);
}

program
  .command('serve')
  .description('serve the app to a browser on 127.0.0.1 (prints a URL with a one-time token)')
  .option('--port <port>', 'port to listen on (default: a free one)', nonNegativeInt, 0)
  .action(async (options: { port: number }) => {
    await runServe({
      dataDir: resolveDataDir(globals().dataDir),
      port: options.port,
      staticDir: join(APP_ROOT, 'dist', 'renderer'),
    });
  });

program
  .command('info')
  .description('show versions, the data folder and the available compute devices')
  .action(() =>
    withEngine(async ({ client }) => {
      const info = await client.call('engine.info', {});
      print(info, () =>
        [
          `AudioSAE Lab ${info.version} (node ${info.node}, onnxruntime ${info.onnxruntime})`,
          `data:     ${info.dataDir}`,
          `database: ${info.databasePath}`,
          `devices:  ${info.devices.join(', ')}`,
        ].join('\n'),
      );
    }),
  );

const datasets = program.command('datasets').alias('dataset').description('import, list and show datasets (alias: dataset)');
datasets
  .command('import')
  .description('import every audio file below a folder as a dataset (files are referenced, never copied)')
  .argument('<folder>', 'the folder (absolute, or relative to the current directory)')
  .requiredOption('--name <name>', 'dataset name (importing again under the same name and folder resumes/updates it)')
  .addOption(
    new Option('--layout <layout>', 'corpus layout; auto detects it from marker files').choices(DATASET_LAYOUTS).default('auto'),
  )
  .action((folder: string, options: { name: string; layout: DatasetLayout }) =>
    withEngine(async ({ client }) => {
      // The UI needs absolute paths; on the command line a path is relative to where you are.
      const { jobId } = await client.call('datasets.importFolder', {
        name: options.name,
        folder: resolve(folder),
        layout: options.layout,
      });
      const job = await followJob(client, jobId);
      finishJob(job, () => {
        const result = job.result as {
          datasetId: number;
          layout: string;
          imported: number;
          skipped: number;
          failedCount: number;
          failures: { path: string; reason: string }[];
        };
        const lines = [
          `Dataset ${result.datasetId} (${result.layout}): ${result.imported} clips imported, ${result.skipped} already there.`,
        ];
        if (result.failedCount > 0) {
          lines.push(`${result.failedCount} file(s) failed${result.failedCount > result.failures.length ? ' (first ones shown; see datasets show)' : ''}:`);
          for (const f of result.failures) lines.push(`  ${f.path}: ${f.reason}`);
        }
        return lines.join('\n');
      });
    }),
  );
datasets
  .command('list')
  .description('list datasets with clip counts and durations')
  .action(() =>
    withEngine(async ({ client }) => {
      const rows = await client.call('datasets.list', {});
      print(rows, () =>
        rows.length === 0
          ? 'No datasets yet. Import one: audiosae datasets import <folder> --name <name>'
          : rows
              .map(
                (d) =>
                  `${d.id}\t${d.name}\t${d.layout}\t${d.clipCount} clips\t${d.totalDurationSec.toFixed(1)} s\t${d.failedFiles} failed\t${d.rootPath}`,
              )
              .join('\n'),
      );
    }),
  );
datasets
  .command('show')
  .description('a dataset: summary, label counts, and every file its import could not read')
  .argument('<datasetId>', 'dataset id (see `audiosae datasets list`)', positiveInt)
  .action((datasetId: number) =>
    withEngine(async ({ client }) => {
      const summary = await client.call('datasets.get', { datasetId });
      const labels = await client.call('datasets.labelCounts', { datasetId });
      const report = await client.call('datasets.importReport', { datasetId });
      print({ ...summary, labelCounts: labels, failures: report.failures }, () =>
        [
          `${summary.id}\t${summary.name} (${summary.layout})`,
          `  ${summary.clipCount} clips, ${(summary.totalDurationSec / 3600).toFixed(2)} h, from ${summary.rootPath}`,
          labels.length === 0 ? '  no labels' : '  labels:',
          ...labels.map((l) => `    ${l.key}=${l.value}\t${l.count}`),
          `  ${report.failures.length} file(s) failed${report.failures.length > 0 ? ':' : ''}`,
          ...report.failures.map((f) => `    ${f.path}: ${f.reason}`),
        ].join('\n'),
      );
    }),
  );

program
  .command('clips')
  .description('list the clips of a dataset')
  .argument('<datasetId>', 'dataset id (see `audiosae datasets list`)', positiveInt)
  .option('--offset <n>', 'skip this many clips', nonNegativeInt, 0)
  .option('--limit <n>', 'show at most this many clips', positiveInt, 100)
  .action((datasetId: number, options: { offset: number; limit: number }) =>
    withEngine(async ({ client }) => {
      const page = await client.call('clips.list', { datasetId, offset: options.offset, limit: options.limit });
      print(page, () =>
        [
          ...page.clips.map((c) => `${c.id}\t${c.relativePath}\t${c.durationSec.toFixed(2)} s\t${c.sampleRate} Hz\t${c.channels} ch`),
          `(${page.clips.length} of ${page.total})`,
        ].join('\n'),
      );
    }),
  );

const models = program.command('models').alias('model').description('download, list and delete models; the catalog (alias: model)');
models
  .command('download')
  .alias('pull')
  .description('download an audio encoder ONNX export (Whisper, HuBERT, wav2vec2, WavLM) from the Hugging Face hub (HF_ENDPOINT, HF_HOME, HF_HUB_OFFLINE apply)')
  .argument('<repoId>', 'hub repo id, e.g. onnx-community/whisper-tiny')
  .option('--revision <rev>', 'branch, tag or commit', 'main')
  .action((repoId: string, options: { revision: string }) =>
    withEngine(async ({ client }) => {
      const { jobId } = await client.call('models.download', { repoId, revision: options.revision });
      const job = await followJob(client, jobId);
      finishJob(job, () => {
        const result = job.result as { modelId: number; commit: string; snapshotDir: string };
        return `Model ${result.modelId}: ${repoId}@${result.commit.slice(0, 10)} in ${result.snapshotDir}`;
      });
    }),
  );
models
  .command('list')
  .description('list downloaded models')
  .action(() =>
    withEngine(async ({ client }) => {
      const rows = await client.call('models.list', {});
      print(rows, () =>
        rows.length === 0
          ? 'No models yet. Download one: audiosae models download onnx-community/whisper-tiny'
          : rows
              .map((m) => `${m.id}\t${m.repoId}@${m.commit.slice(0, 10)}\t${m.architecture}\t${m.layers} layers x ${m.dModel}\t${m.nMels} mels\t${formatBytes(m.sizeBytes)}`)
              .join('\n'),
      );
    }),
  );
models
  .command('catalog')
  .description('list the built-in model catalog and which entries are downloaded')
  .action(() =>
    withEngine(async ({ client }) => {
      const rows = await client.call('models.catalog', {});
      print(rows, () =>
        rows
          .map((e) => {
            const frontend = e.nMels === null ? e.frontend : `${e.frontend} (${e.nMels} mels)`;
            const state = e.downloaded ? `downloaded as model ${e.downloaded.id} (${formatBytes(e.downloaded.sizeBytes)})` : 'not downloaded';
            return `${e.id}\t${e.repoId}\t${e.layers} layers x ${e.width}\t${frontend}\t${state}`;
          })
          .join('\n'),
      );
    }),
  );
models
  .command('delete')
  .description('unregister a model; --files also removes its snapshot from the HF cache (only that repo folder: the cache is shared with other tools)')
  .argument('<id>', 'model id (see `audiosae models list`)', positiveInt)
  .option('--files', "also delete the model's files from the Hugging Face cache", false)
  .option('--force', 'also delete the activation runs extracted with it', false)
  .action((id: number, options: { files: boolean; force: boolean }) =>
    withEngine(async ({ client }) => {
      const result = await client.call('models.delete', { modelId: id, deleteFiles: options.files, force: options.force });
      print(result, () =>
        [
          result.deleted ? `Deleted model ${id}.` : `Model ${id} was already gone.`,
          result.runsDeleted > 0 ? `Deleted ${result.runsDeleted} activation run(s).` : '',
          options.files ? (result.filesKept ?? `Freed ${formatBytes(result.bytesFreed)} in the HF cache.`) : '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    }),
  );

program
  .command('activations')
  .description("per-frame L2 norm of a model's encoder output on one clip")
  .requiredOption('--model <id>', 'model id (see `audiosae models list`)', positiveInt)
  .requiredOption('--clip <id>', 'clip id (see `audiosae clips <datasetId>`)', positiveInt)
  .action((options: { model: number; clip: number }) =>
    withEngine(async ({ client }) => {
      const norms = await client.call('activations.frameNorms', { modelId: options.model, clipId: options.clip });
      print(norms, () => {
        const max = Math.max(...norms.norms);
        const mean = norms.norms.reduce((a, b) => a + b, 0) / norms.frames;
        return `${norms.frames} frames at ${norms.frameRateHz} Hz, d_model ${norms.dModel}: mean norm ${mean.toFixed(3)}, max ${max.toFixed(3)} (${norms.elapsedMs.toFixed(0)} ms)`;
      });
    }),
  );

program
  .command('extract')
  .description("write every chosen layer's activations for a dataset to safetensors shards (resumable: `audiosae jobs resume`)")
  .requiredOption('--dataset <id>', 'dataset id (see `audiosae datasets list`)', positiveInt)
  .requiredOption('--model <id>', 'model id (see `audiosae models list`)', positiveInt)
  .option('--layers <list>', "'all', or layer numbers and ranges: 1-12, 0,4,8 (0 = input to block 1)", layerList, 'all' as const)
  .addOption(new Option('--dtype <dtype>', 'activation precision on disk').choices(['float16', 'float32']).default('float16'))
  .addOption(new Option('--device <device>', 'execution device (falls back to the CPU, saying why)').choices(['cpu', 'cuda', 'dml', 'coreml']))
  .action((options: { dataset: number; model: number; layers: number[] | 'all'; dtype: string; device?: string }) =>
    withEngine(async ({ client }) => {
      const { jobId } = await client.call('activations.extract', { datasetId: options.dataset, modelId: options.model, layers: options.layers, dtype: options.dtype as 'float16' | 'float32', device: options.device as 'cpu' | 'cuda' | 'dml' | 'coreml' | undefined });
      const job = await followJob(client, jobId);
      finishJob(job, () => {
        const r = job.result as { runId: number; dir: string; shards: number; frames: number; realTimeFactor: number; device: string; deviceFallback: string | null };
        const fallback = r.deviceFallback ? `\n${r.deviceFallback}` : '';
        return `Run ${r.runId}: ${r.frames} frames in ${r.shards} shard(s) under ${r.dir} (real-time factor ${r.realTimeFactor.toFixed(3)} on ${r.device})${fallback}`;
      });
    }),
  );

program
  .command('train')
  .description('train SAEs on an activation run: every layer x seed x architecture in one job (resumable: `audiosae jobs resume`)')
  .option('--run <id>', 'activation run id (see `audiosae activations`)', positiveInt)
  .option('--model <id>', "instead of --run: the model's newest complete activation run (with --dataset: of that dataset)", positiveInt)
  .option('--dataset <id>', 'with --model: the dataset the run was extracted from', positiveInt)
  .option('--layers <list>', "'all', or layer numbers and ranges: 1-12, 0,4,8", layerList, 'all' as const)
  .option('--seeds <n>', 'how many seeds (0..n-1)', positiveInt, 1)
  .option('--arch <list>', 'comma-separated architectures: topk, batchtopk', 'batchtopk')
  .option('--k <n>', 'active latents per token', positiveInt, 50)
  .option('--expansion <n>', 'latents per input dimension', positiveInt, 8)
  .requiredOption('--steps <n>', 'training steps', positiveInt)
  .option('--batch-size <n>', 'tokens per step', positiveInt, 4096)
  .option('--lr <x>', 'Adam learning rate (default 2e-4)', (v) => {
    const n = Number(v);
    if (!(n > 0)) throw new InvalidArgumentError('Expected a positive number.');
    return n;
  })
  .option('--checkpoint-every <n>', 'steps between checkpoints', positiveInt, 1000)
  .option('--metrics-every <n>', 'steps between metrics', positiveInt, 50)
  .addOption(new Option('--device <device>', 'execution device (falls back to the CPU, saying why)').choices(['cpu', 'cuda', 'dml', 'coreml']))
  .action((options: { run?: number; model?: number; dataset?: number; layers: number[] | 'all'; seeds: number; arch: string; k: number; expansion: number; steps: number; batchSize: number; lr?: number; checkpointEvery: number; metricsEvery: number; device?: 'cpu' | 'cuda' | 'dml' | 'coreml' }) =>
    withEngine(async ({ client }) => {
      const runId = options.run ?? (await newestRun(client, options.model, options.dataset));
      const layers = options.layers;
      const architectures = options.arch.split(',').map((a) => a.trim()) as ('topk' | 'batchtopk')[];
      const seeds = Array.from({ length: options.seeds }, (_, i) => i);
      const { jobId } = await client.call('saes.train', { runId, layers, seeds, architectures, k: options.k, expansion: options.expansion, steps: options.steps, batchSize: options.batchSize, lr: options.lr, checkpointEvery: options.checkpointEvery, metricsEvery: options.metricsEvery, device: options.device });
      const job = await followJob(client, jobId);
      finishJob(job, () => {
        const r = job.result as { saeIds: number[] };
        return `Trained SAE(s) ${r.saeIds.join(', ')}: ${job.progress.message ?? ''}`;
      });
    }),
  );

/** The newest complete activation run of a model (and dataset), for `train --model`. */
async function newestRun(client: EngineSession['client'], modelId: number | undefined, datasetId: number | undefined): Promise<number> {
  if (modelId === undefined) throw new InvalidArgumentError('Give --run <id>, or --model <id> (and optionally --dataset <id>) to train on its newest complete activation run.');
  const runs = (await client.call('activations.runs', {})).filter((r) => r.modelId === modelId && r.status === 'complete' && (datasetId === undefined || r.datasetId === datasetId));
  const run = runs[0];
  if (!run) throw new InvalidArgumentError(`Model ${modelId} has no complete activation run${datasetId === undefined ? '' : ` of dataset ${datasetId}`}: run \`audiosae extract\` first.`);
  return run.id;
}

const cliContext: CliContext = { print, withEngine, finishJob };
registerSaeCommands(program, cliContext);
registerFeatureCommands(program, cliContext);
registerSteerCommands(program, cliContext);
registerEvaluateCommands(program, cliContext);
registerAlignmentCommands(program, cliContext);

const jobs = program.command('jobs').description('list and resume jobs');
jobs
  .command('list')
  .description('recent jobs, newest first')
  .option('--limit <n>', 'how many', positiveInt, 20)
  .action((options: { limit: number }) =>
    withEngine(async ({ client }) => {
      const rows = await client.call('jobs.list', { limit: options.limit });
      print(rows, () => rows.map((j) => `${j.id}\t${j.status}\t${j.title}${j.error ? `\t${j.error.message}` : ''}`).join('\n'));
    }),
  );
jobs
  .command('resume')
  .description('run an interrupted, failed or cancelled job again')
  .argument('<jobId>', 'job id', positiveInt)
  .action((jobId: number) =>
    withEngine(async ({ client }) => {
      const { jobId: newId } = await client.call('jobs.resume', { jobId });
      const job = await followJob(client, newId);
      finishJob(job, () => `Job ${newId} (resumed from ${jobId}) ${job.status}.`);
    }),
  );

const fixtures = program.command('fixtures').description('test fixtures: generated models and a local hub');
fixtures
  .command('hub')
  .description('generate the fixture models and serve them under the Hugging Face hub URL scheme on 127.0.0.1')
  .option('--port <port>', 'port (default: a free one)', nonNegativeInt, 0)
  .option('--dir <path>', 'where to write the fixture repos', join(APP_ROOT, '.cache', 'fixture-hub'))
  .action((options: { port: number; dir: string }) => runFixtureHub(options));

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof RpcError) {
    process.stderr.write(`Error: ${error.message}\n`);
    process.exitCode = error.code === 'invalid_params' ? 2 : 1;
  } else {
    process.stderr.write(`Error: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  }
});
