/** `audiosae sae ...`: import, export, list, analyze. */
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { SAE_FORMATS, type SaeFormat, type SaeSummary } from '../../common/contract.js';
import { nonNegativeInt, positiveInt, type CliContext } from './cli-common.js';
import { followJob } from './engine-session.js';

function oneOf<T extends string>(allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(allowed as readonly string[]).includes(value)) throw new InvalidArgumentError(`Expected one of: ${allowed.join(', ')}.`);
    return value as T;
  };
}

function describeSae(s: SaeSummary): string {
  const origin = s.source === 'imported' ? `imported (${s.sourceFormat}) from ${s.sourcePath}` : `trained on run ${s.runId}, seed ${s.seed}`;
  return `${s.id}\tmodel ${s.modelId} layer ${s.layer}\t${s.architecture} k=${s.k} x ${s.width}\t${s.status}\t${origin}`;
}

export function registerSaeCommands(program: Command, context: CliContext): void {
  const sae = program.command('sae').alias('saes').description('import, export and list SAEs (alias: saes)');
  sae
    .command('import')
    .description('import an SAE checkpoint (AudioSAE Lab folder, SAELens folder, or dictionary_learning folder / ae.pt) for a model layer')
    .argument('<path>', 'checkpoint folder, or a dictionary_learning ae.pt')
    .requiredOption('--model <id>', 'model id (see: audiosae models list)', positiveInt)
    .requiredOption('--layer <n>', 'layer number (1 = output of the first block)', nonNegativeInt)
    .option('--format <format>', `checkpoint format: ${SAE_FORMATS.join(', ')}`, oneOf(SAE_FORMATS), 'auto' as SaeFormat)
    .action((path: string, options: { model: number; layer: number; format: SaeFormat }) =>
      context.withEngine(async ({ client }) => {
        const imported = await client.call('saes.import', { path: resolve(path), format: options.format, modelId: options.model, layer: options.layer });
        context.print(imported, () => `SAE ${imported.id}: ${imported.architecture} k=${imported.k} x ${imported.width}, layer ${imported.layer} of model ${imported.modelId} (${imported.sourceFormat})`);
      }),
    );
  sae
    .command('export')
    .description('write a complete SAE to a folder in SAELens or AudioSAE Lab format')
    .argument('<saeId>', 'SAE id (see: audiosae sae list)', positiveInt)
    .argument('<folder>', 'a new or empty folder (or an earlier export, overwritten)')
    .option('--format <format>', 'saelens or audiosae', oneOf(['saelens', 'audiosae'] as const), 'saelens' as const)
    .action((saeId: number, folder: string, options: { format: 'saelens' | 'audiosae' }) =>
      context.withEngine(async ({ client }) => {
        const result = await client.call('saes.export', { saeId, folder: resolve(folder), format: options.format });
        context.print(result, () => `SAE ${saeId} written to ${result.folder}: ${result.files.join(', ')}`);
      }),
    );
  sae
    .command('list')
    .description('list trained and imported SAEs')
    .action(() =>
      context.withEngine(async ({ client }) => {
        const rows = await client.call('saes.list', {});
        context.print(rows, () => (rows.length === 0 ? 'No SAEs yet. Train one (audiosae train) or import one (audiosae sae import).' : rows.map(describeSae).join('\n')));
      }),
    );
  sae
    .command('analyze')
    .alias('analyse')
    .description('feature statistics, top clips and suggested labels of an SAE over an activation run (its own by default)')
    .argument('<saeId>', 'SAE id (see: audiosae sae list)', positiveInt)
    .option('--run <id>', 'activation run id (required for an imported SAE)', positiveInt)
    .option('--top <n>', 'top clips per feature', positiveInt, 20)
    .action((saeId: number, options: { run?: number; top: number }) =>
      context.withEngine(async ({ client }) => {
        const { jobId } = await client.call('saes.analyze', { saeId, runId: options.run, topN: options.top });
        const job = await followJob(client, jobId);
        context.finishJob(job, () => {
          const r = job.result as { runId: number; frames: number; seconds: number; framesPerSecond: number };
          return `Analysed SAE ${saeId} on run ${r.runId}: ${r.frames} frames in ${r.seconds.toFixed(1)} s (${Math.round(r.framesPerSecond)} frames/s)`;
        });
      }),
    );
}
