/** `audiosae features ...` and `audiosae labels ...`. */
import type { Command } from 'commander';
import type { CliContext } from './cli-common.js';

export function registerFeatureCommands(_program: Command, _context: CliContext): void {
  // Commands are added here.
}
