/**
 * `audiosae evaluate domains --run 3 --sae 4,5,6 --label folder --speech tone --music chirp --other noise [--specificity 0.9]`
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { StartEvaluation } from '../../cli/evaluate-commands.js';
import { positiveInt } from '../../cli/cli-common.js';

function idList(value: string): number[] {
  return value.split(',').map((part) => positiveInt(part.trim()));
}

/** Comma-separated values; the option may be given again to add more. */
function valueList(value: string, previous: string[] = []): string[] {
  const values = value.split(',').map((v) => v.trim()).filter((v) => v.length > 0);
  if (values.length === 0) throw new InvalidArgumentError('Give at least one label value.');
  return [...previous, ...values];
}

function share(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0.5 || n > 1) throw new InvalidArgumentError('Expected a number above 0.5 and at most 1 (e.g. 0.9).');
  return n;
}

export function registerDomainsCommand(group: Command, start: StartEvaluation): void {
  group
    .command('domains')
    .description('layer-wise domain specialization: per SAE (layer), the share of features specific to speech, music or other sound, at audio and frame level')
    .requiredOption('--run <id>', 'activation run (its clips carry the domain label)', positiveInt)
    .requiredOption('--sae <ids>', 'SAE ids, one per layer, comma-separated (e.g. 4,5,6)', idList)
    .requiredOption('--label <key>', 'the clip label naming the domain (e.g. folder)')
    .requiredOption('--speech <values>', 'label values of speech clips, comma-separated (repeatable)', valueList)
    .requiredOption('--music <values>', 'label values of music clips, comma-separated (repeatable)', valueList)
    .requiredOption('--other <values>', 'label values of other-sound clips, comma-separated (repeatable)', valueList)
    .option('--specificity <share>', 'share of a feature\'s normalised activation mass that makes it domain-specific', share, 0.9)
    .action((o: { run: number; sae: number[]; label: string; speech: string[]; music: string[]; other: string[]; specificity: number }) =>
      start({ kind: 'domains', params: { runId: o.run, saeIds: o.sae, labelKey: o.label, speech: o.speech, music: o.music, other: o.other, specificity: o.specificity } }),
    );
}
