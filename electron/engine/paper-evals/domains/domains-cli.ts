/** PLACEHOLDER until the domains evaluation is built: `audiosae evaluate domains` is not registered. */
import type { Command } from 'commander';
import type { StartEvaluation } from '../../cli/evaluate-commands.js';

export function registerDomainsCommand(_group: Command, _start: StartEvaluation): void {}
