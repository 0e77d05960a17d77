/** `audiosae sae ...`: import, export, analyze. */
import type { Command } from 'commander';
import type { CliContext } from './cli-common.js';

export function registerSaeCommands(_program: Command, _context: CliContext): void {
  // Commands are added here.
}
