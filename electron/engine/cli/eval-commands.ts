/** `audiosae steer eval` (an alpha sweep: FPR on non-speech, WER on speech) and `audiosae steer evaluation <id>`. */
import { writeFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import type { EvaluationSummaryRow } from '../../common/contract.js';
import { formatEvaluationTable } from '../evaluation/table-format.js';
import { positiveInt, type CliContext } from './cli-common.js';
import { followJob } from './engine-session.js';

function numberList(value: string): number[] {
  return value.split(',').map((part) => {
    const n = Number(part.trim());
    if (part.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`Expected comma-separated numbers, e.g. 0,0.5,1; got "${part}".`);
    return n;
  });
}

function featureList(value: string): number[] {
  return numberList(value).map((n) => {
    if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`Feature indices are whole numbers >= 0; got ${n}.`);
    return n;
  });
}

interface EvalOptions {
  model: number;
  sae: number;
  features?: number[];
  preset?: number;
  speech: number;
  nonspeech: number;
  alphas?: number[];
  maxClips?: number;
  maxTokens?: number;
}

/** Adds `eval` and `evaluation` under the `steer` command group. */
export function registerEvalCommands(steer: Command, context: CliContext): void {
  steer
    .command('eval')
    .description('alpha sweep: scale the features by -alpha at the SAE layer; false-positive rate on non-speech and WER on speech, with 95% intervals, vs the original model')
    .requiredOption('--model <id>', 'Whisper model id (with its decoder)', positiveInt)
    .requiredOption('--sae <id>', 'SAE id (spliced at its own layer)', positiveInt)
    .option('--features <list>', 'feature indices, comma-separated', featureList)
    .option('--preset <id>', 'a steering preset (its features; instead of --features)', positiveInt)
    .requiredOption('--speech <datasetId>', 'speech dataset with reference transcripts (e.g. LibriSpeech layout)', positiveInt)
    .requiredOption('--nonspeech <datasetId>', 'non-speech dataset (noise, music, sounds)', positiveInt)
    .option('--alphas <list>', 'steering strengths (default 0,0.5,1,2,3)', numberList)
    .option('--max-clips <n>', 'clips per set, first by path (default 100)', positiveInt)
    .option('--max-tokens <n>', 'decoded tokens per transcript (default 224)', positiveInt)
    .action((o: EvalOptions) =>
      context.withEngine(async ({ client }) => {
        if ((o.features === undefined) === (o.preset === undefined)) throw new InvalidArgumentError('Give --features <list> or --preset <id>.');
        const { jobId } = await client.call('steering.evaluate', {
          modelId: o.model,
          saeId: o.sae,
          ...(o.features !== undefined ? { features: o.features } : { presetId: o.preset }),
          speechDatasetId: o.speech,
          nonSpeechDatasetId: o.nonspeech,
          alphas: o.alphas,
          maxClipsPerSet: o.maxClips,
          maxNewTokens: o.maxTokens,
        });
        const job = await followJob(client, jobId);
        context.finishJob(job, () => {
          const r = job.result as { evaluationId: number; table: EvaluationSummaryRow[]; clips: number; seconds: number };
          return `Evaluation ${r.evaluationId}: ${r.clips} clips in ${r.seconds.toFixed(1)} s\n${formatEvaluationTable(r.table)}\nPer-clip transcripts: audiosae steer evaluation ${r.evaluationId} --csv <file>`;
        });
      }),
    );
  steer
    .command('evaluation')
    .description("a stored evaluation's table (or, with no id, the list); --csv writes the table and every clip's transcripts")
    .argument('[id]', 'evaluation id (printed by steer eval)', positiveInt)
    .option('--csv <file>', 'write the CSV to this file')
    .action((id: number | undefined, o: { csv?: string }) =>
      context.withEngine(async ({ client }) => {
        if (id === undefined) {
          const list = await client.call('steering.evaluations', {});
          context.print(list, () =>
            list.length === 0
              ? 'No evaluations yet. Run one: audiosae steer eval --model <id> --sae <id> --features 1,2,3 --speech <id> --nonspeech <id>'
              : list.map((e) => `${e.id}\tSAE ${e.saeId} layer ${e.layer}\t${e.features.length} features\talphas ${e.alphas.join(',')}\t${e.status} ${e.clipsDone}/${e.clipsTotal} clips\t${e.createdAt}`).join('\n'),
          );
          return;
        }
        const detail = await client.call('steering.evaluation', { id });
        if (o.csv !== undefined) writeFileSync(o.csv, (await client.call('steering.evaluationCsv', { id })).csv);
        const e = detail.evaluation;
        context.print(detail, () =>
          [
            `Evaluation ${e.id}: SAE ${e.saeId} (layer ${e.layer}), ${e.features.length} features${e.presetId !== null ? ` (preset ${e.presetId})` : ''}, speech set ${e.speechDatasetId}, non-speech set ${e.nonSpeechDatasetId}: ${e.status}, ${e.clipsDone}/${e.clipsTotal} clips`,
            e.table === null ? 'No table yet: the sweep has not finished (resume its job: audiosae jobs resume <id>).' : formatEvaluationTable(e.table),
            ...(o.csv !== undefined ? [`CSV written to ${o.csv}`] : []),
          ].join('\n'),
        );
      }),
    );
}
