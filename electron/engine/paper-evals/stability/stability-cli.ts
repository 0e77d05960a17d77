/** PLACEHOLDER until the stability evaluation is built: `audiosae evaluate stability` is not registered. */
import type { Command } from 'commander';
import type { StartEvaluation } from '../../cli/evaluate-commands.js';

export function registerStabilityCommand(_group: Command, _start: StartEvaluation): void {}
