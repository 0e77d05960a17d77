/** `audiosae evaluate eeg --run 3 --sae 4,5 --eeg rec.edf [--onsets onsets.csv] [--channel Pz] [--max-lag 500] [--permutations 1000]` */
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { EEG_CORRECTIONS, EEG_FORMATS } from '../../../common/paper-evals/eeg.js';
import type { StartEvaluation } from '../../cli/evaluate-commands.js';
import { nonNegativeInt, positiveInt } from '../../cli/cli-common.js';

function idList(value: string): number[] {
  return value.split(',').map((part) => positiveInt(part.trim()));
}

function oneOf<T extends string>(allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(allowed as readonly string[]).includes(value)) throw new InvalidArgumentError(`Expected one of: ${allowed.join(', ')}.`);
    return value as T;
  };
}

interface EegOptions {
  run: number;
  sae: number[];
  eeg: string;
  format: (typeof EEG_FORMATS)[number];
  onsets?: string;
  channel: string;
  maxLag: number;
  lagStep: number;
  features: number;
  permutations: number;
  correction: (typeof EEG_CORRECTIONS)[number];
  top: number;
  seed: number;
}

export function registerEegCommand(group: Command, start: StartEvaluation): void {
  group
    .command('eeg')
    .description('lagged correlation (0-500 ms) of SAE feature activations on the stimulus clips with an EEG channel, with permutation significance')
    .requiredOption('--run <id>', 'activation run holding the stimulus clips', positiveInt)
    .requiredOption('--sae <ids>', 'SAE ids, one per layer, comma-separated', idList)
    .requiredOption('--eeg <file>', 'EEG recording: EDF(+), BDF(+) or CSV (header row of channel names, a time column in seconds)')
    .option('--format <format>', `EEG file format (${EEG_FORMATS.join(', ')})`, oneOf(EEG_FORMATS), 'auto')
    .option('--onsets <file>', 'CSV of stimulus onsets (clip,onset_sec); omitted: the EDF+ annotations name the clips')
    .option('--channel <name>', 'EEG channel', 'Pz')
    .option('--max-lag <ms>', 'largest lag in ms', nonNegativeInt, 500)
    .option('--lag-step <ms>', 'lag step in ms', positiveInt, 10)
    .option('--features <n>', 'features tested per SAE (the most active on the stimuli)', positiveInt, 200)
    .option('--permutations <n>', 'circular-shift permutations', positiveInt, 1000)
    .option('--correction <kind>', `multiple-comparison correction (${EEG_CORRECTIONS.join(', ')})`, oneOf(EEG_CORRECTIONS), 'max-statistic')
    .option('--top <n>', 'features reported per SAE', positiveInt, 10)
    .option('--seed <n>', 'permutation seed', nonNegativeInt, 0)
    .action((o: EegOptions) =>
      start({
        kind: 'eeg',
        params: {
          runId: o.run,
          saeIds: o.sae,
          eegPath: resolve(o.eeg),
          format: o.format,
          ...(o.onsets !== undefined ? { onsetsPath: resolve(o.onsets) } : {}),
          channel: o.channel,
          maxLagMs: o.maxLag,
          lagStepMs: o.lagStep,
          features: o.features,
          permutations: o.permutations,
          correction: o.correction,
          topFeatures: o.top,
          seed: o.seed,
        },
      }),
    );
}
