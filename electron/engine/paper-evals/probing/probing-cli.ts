/**
 * `audiosae evaluate probing --run 3 --sae 4,5,6 --label folder [--classes a,b] [--level audio|frame] [--k 1,5,10,50] [--folds 5]`
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { PROBING_LEVELS } from '../../../common/paper-evals/probing.js';
import type { StartEvaluation } from '../../cli/evaluate-commands.js';
import { nonNegativeInt, positiveInt } from '../../cli/cli-common.js';

function idList(value: string): number[] {
  return value.split(',').map((part) => positiveInt(part.trim()));
}

function valueList(value: string): string[] {
  const values = value.split(',').map((v) => v.trim()).filter((v) => v.length > 0);
  if (values.length === 0) throw new InvalidArgumentError('Give at least one label value.');
  return values;
}

function share(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0.1 || n > 1) throw new InvalidArgumentError('Expected a number from 0.1 to 1 (e.g. 0.9).');
  return n;
}

interface ProbingOptions {
  run: number;
  sae: number[];
  label: string;
  classes?: string[];
  level: (typeof PROBING_LEVELS)[number];
  k?: number[];
  folds: number;
  target: number;
  unlearning: boolean;
  maxFrames?: number;
  iterations?: number;
  seed?: number;
}

export function registerProbingCommand(group: Command, start: StartEvaluation): void {
  group
    .command('probing')
    .description('classification probing and unlearning: per SAE (layer), probe accuracy on the top-k features per class for a k sweep, the k reaching a share of the full probe, and unlearning curves')
    .requiredOption('--run <id>', 'activation run (its clips carry the class label)', positiveInt)
    .requiredOption('--sae <ids>', 'SAE ids, one per layer, comma-separated (e.g. 4,5,6)', idList)
    .requiredOption('--label <key>', 'the clip label holding the class (e.g. folder)')
    .option('--classes <values>', 'classes (label values), comma-separated (default: every value with at least --folds clips)', valueList)
    .addOption(new Option('--level <level>', 'audio: one sample per clip (max-pooled codes); frame: sampled frames').choices(PROBING_LEVELS).default('audio'))
    .option('--k <list>', 'the k sweep, comma-separated (default 1,2,5,10,20,50,100,150,200,500,1000,2000,3000)', idList)
    .option('--folds <n>', 'cross-validation folds', positiveInt, 5)
    .option('--target <share>', 'share of the full probe\'s accuracy that k must reach', share, 0.9)
    .option('--no-unlearning', 'skip the unlearning curves')
    .option('--max-frames <n>', 'frame level: frames sampled per class', positiveInt)
    .option('--iterations <n>', 'probe training iterations', positiveInt)
    .option('--seed <n>', 'seed of the folds and the frame sample', nonNegativeInt)
    .action((o: ProbingOptions) =>
      start({
        kind: 'probing',
        params: {
          runId: o.run,
          saeIds: o.sae,
          labelKey: o.label,
          level: o.level,
          folds: o.folds,
          targetShare: o.target,
          unlearning: o.unlearning,
          ...(o.classes ? { classes: o.classes } : {}),
          ...(o.k ? { kSweep: o.k } : {}),
          ...(o.maxFrames !== undefined ? { maxFramesPerClass: o.maxFrames } : {}),
          ...(o.iterations !== undefined ? { iterations: o.iterations } : {}),
          ...(o.seed !== undefined ? { seed: o.seed } : {}),
        },
      }),
    );
}
