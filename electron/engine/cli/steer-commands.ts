/** `audiosae steer ...`: discover non-speech ("hallucination") features, show a ranking, save and list steering presets. */
import { InvalidArgumentError, type Command } from 'commander';
import { DISCOVERY_SCORES, DISCOVERY_SORTS, type DiscoveryRankingRow, type DiscoveryScore, type DiscoverySort, type SteeringPreset } from '../../common/contract.js';
import { nonNegativeInt, positiveInt, type CliContext } from './cli-common.js';
import { followJob } from './engine-session.js';
import { registerEvalCommands } from './eval-commands.js';

function oneOf<T extends string>(allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(allowed as readonly string[]).includes(value)) throw new InvalidArgumentError(`Expected one of: ${allowed.join(', ')}.`);
    return value as T;
  };
}

function keyValue(value: string): { key: string; value: string } {
  const at = value.indexOf('=');
  if (at <= 0 || at === value.length - 1) throw new InvalidArgumentError('Expected key=value, e.g. folder=noise.');
  return { key: value.slice(0, at), value: value.slice(at + 1) };
}

function number(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('Expected a number.');
  return n;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function rankingLine(r: DiscoveryRankingRow): string {
  return `${r.rank}\t${r.feature}\t${r.auroc.toFixed(3)}\t${pct(r.firingRatePos)}\t${pct(r.firingRateNeg)}\t${r.probeWeight.toFixed(3)}\t${r.label ?? ''}`;
}

function presetLine(p: SteeringPreset): string {
  const scales = [...new Set(p.features.map((f) => f.scale))];
  return `${p.id}\t${p.name}\tSAE ${p.saeId}\t${p.features.length} features\tscale ${scales.join('/')}${p.notes ? `\t${p.notes}` : ''}`;
}

interface DiscoverOptions {
  nonspeechRun?: number;
  speechRun?: number;
  run?: number;
  positive?: { key: string; value: string };
  score: DiscoveryScore;
  l2?: number;
  iterations?: number;
  seed?: number;
}

export function registerSteerCommands(program: Command, context: CliContext): void {
  const steer = program.command('steer').description('steering: discover non-speech ("hallucination") features and save steering presets');
  registerEvalCommands(steer, context);
  steer
    .command('discover')
    .description('score every feature of an SAE for firing on non-speech rather than speech (AUROC, firing rates, logistic probe) and store the ranking')
    .argument('<saeId>', 'SAE id (see: audiosae sae list)', positiveInt)
    .option('--nonspeech-run <id>', 'activation run of the non-speech set (noise, music, sounds)', positiveInt)
    .option('--speech-run <id>', 'activation run of the speech set', positiveInt)
    .option('--run <id>', 'one activation run holding both sets (with --positive)', positiveInt)
    .option('--positive <key=value>', 'the clip label of the non-speech clips of --run, e.g. folder=noise', keyValue)
    .option('--score <score>', `ranking score: ${DISCOVERY_SCORES.join(', ')}`, oneOf(DISCOVERY_SCORES), 'auroc' as DiscoveryScore)
    .option('--l2 <x>', 'L2 penalty of the logistic probe (default 0.01)', number)
    .option('--iterations <n>', 'gradient steps of the probe (default 300)', positiveInt)
    .option('--seed <n>', 'seed of the held-out split (default 0)', nonNegativeInt)
    .action((saeId: number, o: DiscoverOptions) =>
      context.withEngine(async ({ client }) => {
        const twoRuns = o.nonspeechRun !== undefined || o.speechRun !== undefined;
        if (twoRuns === (o.run !== undefined || o.positive !== undefined)) throw new InvalidArgumentError('Give --nonspeech-run and --speech-run, or --run and --positive key=value.');
        const { jobId } = await client.call('steering.discover', {
          saeId,
          ...(twoRuns ? { nonspeechRunId: o.nonspeechRun, speechRunId: o.speechRun } : { runId: o.run, positive: o.positive }),
          score: o.score,
          l2: o.l2,
          iterations: o.iterations,
          seed: o.seed,
        });
        const job = await followJob(client, jobId);
        context.finishJob(job, () => {
          const r = job.result as { discoveryId: number; heldOutAccuracy: number | null; top: number[]; seconds: number };
          const accuracy = r.heldOutAccuracy === null ? 'no held-out clips' : `probe held-out accuracy ${pct(r.heldOutAccuracy)}`;
          return `Discovery ${r.discoveryId} of SAE ${saeId} in ${r.seconds.toFixed(1)} s: ${accuracy}; top features ${r.top.join(', ')}\nSee: audiosae steer ranking ${r.discoveryId}`;
        });
      }),
    );
  steer
    .command('ranking')
    .description("a discovery's ranked features (rank, feature, AUROC, firing rate on non-speech / speech, probe weight, label)")
    .argument('<discoveryId>', 'discovery id (printed by steer discover)', positiveInt)
    .option('--top <n>', 'how many', positiveInt, 20)
    .option('--sort <sort>', `order: ${DISCOVERY_SORTS.join(', ')}`, oneOf(DISCOVERY_SORTS), 'rank' as DiscoverySort)
    .action((discoveryId: number, o: { top: number; sort: DiscoverySort }) =>
      context.withEngine(async ({ client }) => {
        const ranking = await client.call('steering.ranking', { discoveryId, limit: o.top, sort: o.sort });
        const d = ranking.discovery;
        context.print(ranking, () =>
          [
            `Discovery ${d.id} of SAE ${d.saeId} (by ${d.score}): non-speech ${d.positive.clips} clips / ${d.positive.frames} frames, speech ${d.negative.clips} clips / ${d.negative.frames} frames, probe held-out accuracy ${d.heldOutAccuracy === null ? 'n/a' : pct(d.heldOutAccuracy)}`,
            'rank\tfeature\tAUROC\tfires non-speech\tfires speech\tprobe\tlabel',
            ...ranking.rows.map(rankingLine),
          ].join('\n'),
        );
      }),
    );
  const preset = steer.command('preset').alias('presets').description('steering presets: features with a scale each');
  preset
    .command('save')
    .description("save a discovery's top features (or the given ones) as a steering preset")
    .argument('<name>', 'preset name (unique)')
    .option('--discovery <id>', 'discovery to take the top features of', positiveInt)
    .option('--top <n>', 'how many top features (default 100)', positiveInt, 100)
    .option('--sae <id>', 'SAE id (default: the discovery\'s)', positiveInt)
    .option('--features <list>', 'explicit feature indices, comma-separated (instead of --discovery)', (v) => v.split(',').map((f) => number(f.trim())))
    .option('--alpha <x>', 'steering strength: each feature is scaled by -alpha (1 negates it, the paper\'s setting; 0 removes it)', number, 1)
    .option('--notes <text>', 'notes', '')
    .action((name: string, o: { discovery?: number; top: number; sae?: number; features?: number[]; alpha: number; notes: string }) =>
      context.withEngine(async ({ client }) => {
        if ((o.discovery === undefined) === (o.features === undefined)) throw new InvalidArgumentError('Give --discovery <id> (with --top) or --features <list> (with --sae).');
        let saeId = o.sae;
        if (o.discovery !== undefined) saeId ??= (await client.call('steering.ranking', { discoveryId: o.discovery, limit: 1 })).discovery.saeId;
        if (saeId === undefined) throw new InvalidArgumentError('Give --sae <id> with --features.');
        const saved = await client.call('steering.savePreset', {
          name,
          saeId,
          features: o.discovery !== undefined ? { discoveryId: o.discovery, topN: o.top } : o.features!,
          scale: o.alpha === 0 ? 0 : -o.alpha,
          notes: o.notes,
        });
        context.print(saved, () => `Preset ${saved.id} "${saved.name}": ${saved.features.length} features of SAE ${saved.saeId}, scale ${o.alpha === 0 ? 0 : -o.alpha} (alpha ${o.alpha})`);
      }),
    );
  preset
    .command('list')
    .description('steering presets, newest first')
    .option('--sae <id>', 'only presets of this SAE', positiveInt)
    .action((o: { sae?: number }) =>
      context.withEngine(async ({ client }) => {
        const rows = await client.call('steering.presets', { saeId: o.sae });
        context.print(rows, () => (rows.length === 0 ? 'No steering presets yet. Save one: audiosae steer preset save <name> --discovery <id>' : rows.map(presetLine).join('\n')));
      }),
    );
  preset
    .command('delete')
    .description('delete a steering preset')
    .argument('<presetId>', 'preset id (see: audiosae steer preset list)', positiveInt)
    .action((presetId: number) =>
      context.withEngine(async ({ client }) => {
        const result = await client.call('steering.deletePreset', { presetId });
        context.print(result, () => (result.deleted ? `Preset ${presetId} deleted.` : `No preset ${presetId}.`));
      }),
    );
}
