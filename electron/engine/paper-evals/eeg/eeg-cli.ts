/** PLACEHOLDER until the eeg evaluation is built: `audiosae evaluate eeg` is not registered. */
import type { Command } from 'commander';
import type { StartEvaluation } from '../../cli/evaluate-commands.js';

export function registerEegCommand(_group: Command, _start: StartEvaluation): void {}
