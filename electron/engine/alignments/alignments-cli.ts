/** `audiosae alignments import <path> --dataset <id> [--format textgrid|ctm] [--keep-stress]` and `audiosae alignments summary --dataset <id>`. */
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { positiveInt, type CliContext } from '../cli/cli-common.js';

const FORMATS = ['auto', 'textgrid', 'ctm'] as const;

function format(value: string): (typeof FORMATS)[number] {
  if (!(FORMATS as readonly string[]).includes(value)) throw new InvalidArgumentError(`Expected one of: ${FORMATS.join(', ')}.`);
  return value as (typeof FORMATS)[number];
}

export function registerAlignmentCommands(program: Command, context: CliContext): void {
  const group = program.command('alignments').description('forced alignments (Praat TextGrid, CTM) of a dataset\'s clips, for the phoneme evaluation');
  group
    .command('import')
    .description('import a TextGrid / CTM file or a folder of them (MFA output); each file is matched to the clip with the same relative path or name')
    .argument('<path>', 'file or folder')
    .requiredOption('--dataset <id>', 'dataset whose clips were aligned', positiveInt)
    .option('--format <format>', `file format (${FORMATS.join(', ')})`, format, 'auto')
    .option('--keep-stress', 'keep ARPAbet stress digits (AA1 stays AA1)')
    .action((path: string, o: { dataset: number; format: (typeof FORMATS)[number]; keepStress?: boolean }) =>
      context.withEngine(async ({ client }) => {
        const r = await client.call('alignments.import', { datasetId: o.dataset, path: resolve(path), format: o.format, stripStress: o.keepStress !== true });
        context.print(r, () =>
          [
            `Imported ${r.intervals} intervals for ${r.clips} clips from ${r.files} files (tiers: ${r.tiers.join(', ') || 'none'}).`,
            ...(r.unmatched.length ? [`Not matched to a clip: ${r.unmatched.slice(0, 10).join(', ')}${r.unmatched.length > 10 ? ', …' : ''}`] : []),
            ...r.errors.slice(0, 10).map((e) => `Could not read ${e.file}: ${e.message}`),
          ].join('\n'),
        );
      }),
    );
  group
    .command('summary')
    .description('the tiers aligned on a dataset\'s clips')
    .requiredOption('--dataset <id>', 'dataset', positiveInt)
    .action((o: { dataset: number }) =>
      context.withEngine(async ({ client }) => {
        const tiers = await client.call('alignments.summary', { datasetId: o.dataset });
        context.print(tiers, () => (tiers.length === 0 ? 'No alignments.' : tiers.map((t) => `${t.tier}: ${t.clips} clips, ${t.intervals} intervals, ${t.labels} labels`).join('\n')));
      }),
    );
}
