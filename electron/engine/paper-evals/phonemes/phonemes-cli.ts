/** PLACEHOLDER until the phonemes evaluation is built: `audiosae evaluate phonemes` is not registered. */
import type { Command } from 'commander';
import type { StartEvaluation } from '../../cli/evaluate-commands.js';

export function registerPhonemesCommand(_group: Command, _start: StartEvaluation): void {}
