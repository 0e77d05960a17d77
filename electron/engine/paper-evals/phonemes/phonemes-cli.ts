/** `audiosae evaluate phonemes --run 3 --sae 4,5 [--tier phones] [--vowels AA,IY] [--folds 5]` */
import type { Command } from 'commander';
import type { StartEvaluation } from '../../cli/evaluate-commands.js';
import { nonNegativeInt, positiveInt } from '../../cli/cli-common.js';

const list = (value: string): string[] => value.split(',').map((v) => v.trim()).filter((v) => v !== '');
const ids = (value: string): number[] => list(value).map(positiveInt);

export function registerPhonemesCommand(group: Command, start: StartEvaluation): void {
  group
    .command('phonemes')
    .description('phoneme classification per layer from SAE features on force-aligned frames, and vowel unlearning (import alignments first: audiosae alignments import)')
    .requiredOption('--run <id>', 'activation run of the aligned clips', positiveInt)
    .requiredOption('--sae <ids>', 'SAE ids, one per layer, comma-separated', ids)
    .option('--tier <name>', 'alignment tier holding phones', 'phones')
    .option('--vowels <list>', 'vowels to unlearn (default: the ARPAbet vowels present)', list)
    .option('--min-frames <n>', 'phones with fewer aligned frames are left out', positiveInt, 20)
    .option('--max-frames <n>', 'frames kept per phone (seeded sample)', positiveInt, 5000)
    .option('--folds <n>', 'cross-validation folds (a clip stays in one fold)', positiveInt, 5)
    .option('--seed <n>', 'seed for the frame sample and folds', nonNegativeInt, 0)
    .action((o: { run: number; sae: number[]; tier: string; vowels?: string[]; minFrames: number; maxFrames: number; folds: number; seed: number }) =>
      start({
        kind: 'phonemes',
        params: { runId: o.run, saeIds: o.sae, tier: o.tier, ...(o.vowels ? { vowels: o.vowels } : {}), minFramesPerPhone: o.minFrames, maxFramesPerPhone: o.maxFrames, folds: o.folds, seed: o.seed },
      }),
    );
}
