/** PLACEHOLDER until the probing evaluation is built: `audiosae evaluate probing` is not registered. */
import type { Command } from 'commander';
import type { StartEvaluation } from '../../cli/evaluate-commands.js';

export function registerProbingCommand(_group: Command, _start: StartEvaluation): void {}
