/**
 * `audiosae evaluate <kind> ...` (the paper's evaluations; each kind adds its own subcommand and
 * options), `audiosae evaluate list` and `audiosae evaluate show <id> [--csv file]`.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { PaperEvalJobResult, PaperEvalRequestInput } from '../../common/paper-evals/index.js';
import { PAPER_EVAL_KINDS } from '../../common/paper-evals/index.js';
import { registerDomainsCommand } from '../paper-evals/domains/domains-cli.js';
import { registerEegCommand } from '../paper-evals/eeg/eeg-cli.js';
import { registerPhonemesCommand } from '../paper-evals/phonemes/phonemes-cli.js';
import { registerProbingCommand } from '../paper-evals/probing/probing-cli.js';
import { registerStabilityCommand } from '../paper-evals/stability/stability-cli.js';
import { positiveInt, type CliContext } from './cli-common.js';
import { followJob } from './engine-session.js';

/** Starts the evaluation, follows its job and prints its summary (or the error, exit code 1). */
export type StartEvaluation = (request: PaperEvalRequestInput) => Promise<void>;

export function registerEvaluateCommands(program: Command, context: CliContext): void {
  const group = program.command('evaluate').description(`the AudioSAE paper's evaluations: ${PAPER_EVAL_KINDS.join(', ')}; list and show stored results`);
  const start: StartEvaluation = (request) =>
    context.withEngine(async ({ client }) => {
      const { jobId } = await client.call('evals.start', request);
      const job = await followJob(client, jobId);
      context.finishJob(job, () => {
        const r = job.result as PaperEvalJobResult;
        return [`Evaluation ${r.evaluationId} (${r.kind}) in ${r.seconds.toFixed(1)} s`, ...r.summary.map((line) => `  ${line}`), `Tables: audiosae evaluate show ${r.evaluationId} --csv <file>`].join('\n');
      });
    });
  registerStabilityCommand(group, start);
  registerProbingCommand(group, start);
  registerPhonemesCommand(group, start);
  registerDomainsCommand(group, start);
  registerEegCommand(group, start);

  group
    .command('list')
    .description('stored evaluations, newest first')
    .option('--kind <kind>', `only one kind (${PAPER_EVAL_KINDS.join(', ')})`)
    .action((o: { kind?: string }) =>
      context.withEngine(async ({ client }) => {
        const list = await client.call('evals.list', o.kind === undefined ? {} : { kind: o.kind as never });
        context.print(list, () =>
          list.length === 0 ? 'No evaluations yet.' : list.map((e) => `#${e.id}  ${e.kind.padEnd(9)} ${e.status.padEnd(8)} ${e.title}${e.summary[0] ? `\n      ${e.summary[0]}` : ''}`).join('\n'),
        );
      }),
    );
  group
    .command('show')
    .description("an evaluation's summary and tables; --csv writes the tables")
    .argument('<id>', 'evaluation id', positiveInt)
    .option('--csv <file>', 'write the tables as CSV to this file')
    .action((id: number, o: { csv?: string }) =>
      context.withEngine(async ({ client }) => {
        const detail = await client.call('evals.get', { id });
        if (o.csv !== undefined) writeFileSync(o.csv, (await client.call('evals.csv', { id })).csv);
        context.print(detail, () =>
          [
            `#${detail.id} ${detail.kind} (${detail.status}): ${detail.title}`,
            ...(detail.error ? [`Error: ${detail.error}`] : []),
            ...detail.summary.map((line) => `  ${line}`),
            ...detail.tables.map((t) => `${t.name}: ${t.rows.length} rows`),
            ...(o.csv !== undefined ? [`CSV written to ${o.csv}`] : []),
          ].join('\n'),
        );
      }),
    );
}
