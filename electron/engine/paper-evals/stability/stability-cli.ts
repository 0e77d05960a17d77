/**
 * `audiosae evaluate stability --sae 1,2,3 [--mode seeds|layers|models] [--threshold 0.7] [--run 4,5]`
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { StartEvaluation } from '../../cli/evaluate-commands.js';
import { positiveInt } from '../../cli/cli-common.js';
import { STABILITY_MODES, type StabilityParams } from '../../../common/paper-evals/stability.js';

function idList(value: string): number[] {
  return value.split(',').map((part) => positiveInt(part.trim()));
}

function mode(value: string): StabilityParams['mode'] {
  const found = STABILITY_MODES.find((m) => m === value);
  if (!found) throw new InvalidArgumentError(`Expected one of ${STABILITY_MODES.join(', ')}.`);
  return found;
}

function threshold(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('Expected a number from 0 to 1 (e.g. 0.7).');
  return n;
}

export function registerStabilityCommand(group: Command, start: StartEvaluation): void {
  group
    .command('stability')
    .description('feature stability: match the features of SAEs one to one (optimal assignment) across seeds, consecutive layers or models; share of matches above the threshold')
    .requiredOption('--sae <ids>', 'SAE ids, comma-separated (e.g. 1,2,3)', idList)
    .option('--mode <mode>', `${STABILITY_MODES.join(' | ')}: seeds pairs SAEs of the same layer and width, layers consecutive layers of one model (decoder cosine), models SAEs of different models (activation correlation)`, mode, 'seeds')
    .option('--threshold <value>', 'a match is consistent above this similarity', threshold, 0.7)
    .option('--run <ids>', 'models mode: one activation run per model, all of the same dataset, comma-separated', idList)
    .option('--max-frames <n>', 'models mode: frames sampled for the activation correlation', positiveInt)
    .action((o: { sae: number[]; mode: StabilityParams['mode']; threshold: number; run?: number[]; maxFrames?: number }) =>
      start({
        kind: 'stability',
        params: { saeIds: o.sae, mode: o.mode, threshold: o.threshold, ...(o.run ? { runIds: o.run } : {}), ...(o.maxFrames !== undefined ? { maxFrames: o.maxFrames } : {}) },
      }),
    );
}
