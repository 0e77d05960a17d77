/**
 * `npm run bench`: runs every `tests/bench/*.bench.ts` (or the ones named on the command line),
 * one after another, each in its own Node process so peak-RSS numbers are its own. Benchmarks
 * print JSON lines; this runner only forwards their output and fails if one fails.
 *
 *   npm run bench                       # all of them
 *   npm run bench -- import taps        # the ones whose file name contains a word
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();
if (files.length === 0) {
  console.error(`No benchmark matches ${filters.join(', ')} in ${here}`);
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  console.error(`▶ ${file}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, file)], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.error(`✖ ${file} exited with ${result.status ?? result.signal}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
