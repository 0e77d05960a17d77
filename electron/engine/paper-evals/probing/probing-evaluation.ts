/**
 * Classification probing and unlearning (AudioSAE paper): per SAE (layer), one pass of the run
 * through the encoder collects the samples (probing-samples.ts), then the k sweep, the k reaching
 * the target share of the full probe's accuracy, per-class rankings and unlearning curves
 * (../../evaluation-probing/probing-sweep.ts).
 */
import { AppError } from '../../../common/errors.js';
import type { ResultTable } from '../../../common/paper-evals/index.js';
import type { ProbingLayerResult, ProbingParams } from '../../../common/paper-evals/probing.js';
import type { PaperReference } from '../../../common/paper-evals/shared.js';
import { runProbing } from '../../evaluation-probing/probing-sweep.js';
import type { PaperEvalContext, PaperEvalDefinition, PaperEvalDeps } from '../definition.js';
import { runClipRows } from '../domains/domain-clips.js';
import { runCodeBatches } from '../run-codes.js';
import { evaluableSae, loadSae, runForSae } from '../sae-source.js';
import { runProbingClips, type ProbingClips } from './probing-clips.js';
import { AudioLevelSamples, FrameLevelSamples, type SampleCollector } from './probing-samples.js';

export const PROBING_REFERENCE: PaperReference = {
  text: 'Few features carry a class: binary tasks reach the full probe’s accuracy with k ≈ 10–150 top features, multiclass tasks need k ≈ 500–3000; removing a class’s top features (unlearning) drops its accuracy while others keep theirs.',
  source: 'AudioSAE (Aparin et al., EACL 2026), classification probing and unlearning',
};

export const PAPER_K_RANGE = { binary: [10, 150], multiclass: [500, 3000] } as const;

function checkSaes(deps: PaperEvalDeps, params: ProbingParams): void {
  const seen = new Set<number>();
  for (const saeId of params.saeIds) {
    if (seen.has(saeId)) throw new AppError('bad_input', `SAE ${saeId} is listed twice: list each SAE once.`);
    seen.add(saeId);
    runForSae(deps, evaluableSae(deps, saeId), params.runId);
  }
}

function collector(params: ProbingParams, clips: ProbingClips, clipRows: ReadonlyMap<number, number>): SampleCollector {
  return params.level === 'audio' ? new AudioLevelSamples(clips.classOf, clipRows) : new FrameLevelSamples(clips.classOf, clips.classes.length, params.maxFramesPerClass, params.seed);
}

async function probeLayer(context: PaperEvalContext, params: ProbingParams, saeId: number, clips: ProbingClips, clipRows: ReadonlyMap<number, number>, framesBefore: number, totalFrames: number): Promise<ProbingLayerResult> {
  const { deps } = context;
  const run = runForSae(deps, evaluableSae(deps, saeId), params.runId);
  const loaded = await loadSae(deps, saeId);
  const width = loaded.weights.dSae;
  const samples = collector(params, clips, clipRows);
  const message = `SAE ${saeId} (layer ${loaded.sae.layer})`;
  for await (const batch of runCodeBatches(deps.activations, run, loaded, {
    tuning: context.tuning,
    throwIfCancelled: context.throwIfCancelled,
    onRows: (done) => context.progress(framesBefore + done, totalFrames, 'frames', `${message}: encoding`),
  })) {
    samples.add(batch.clipIds, batch.codes);
  }
  const result = await runProbing(samples.finish(), clips.classes, width, {
    kSweep: params.kSweep,
    folds: params.folds,
    seed: params.seed,
    targetShare: params.targetShare,
    probe: { l2: params.l2, iterations: params.iterations, tolerance: params.tolerance },
    skipUnlearning: !params.unlearning,
    throwIfCancelled: context.throwIfCancelled,
    onProbe: (done, total) => context.progress(done, total, 'probes', `${message}: probes`),
  });
  return { saeId, layer: loaded.sae.layer, width, samples: result.samples, fullAccuracy: result.fullAccuracy, sweep: result.sweep, kToTarget: result.kToTarget, perClass: result.perClass };
}

const percent = (share: number): string => `${(100 * share).toFixed(1)}%`;

export const probingEvaluation: PaperEvalDefinition<'probing'> = {
  kind: 'probing',
  title: (p) => `Probing ${p.labelKey} (${p.level} level) with ${p.saeIds.length} SAE${p.saeIds.length === 1 ? '' : 's'} on run ${p.runId}`,

  check(deps, params) {
    checkSaes(deps, params);
    runProbingClips(deps.db, params);
  },

  async run(context, params) {
    const { db } = context.deps;
    const clips = runProbingClips(db, params);
    const clipRows = runClipRows(db, params.runId);
    const runFrames = context.deps.activations.get(params.runId)?.frames ?? 0;
    const layers: ProbingLayerResult[] = [];
    for (const [i, saeId] of params.saeIds.entries()) {
      context.throwIfCancelled();
      layers.push(await probeLayer(context, params, saeId, clips, clipRows, i * runFrames, runFrames * params.saeIds.length));
    }
    layers.sort((a, b) => a.layer - b.layer || a.saeId - b.saeId);
    const task = clips.classes.length === 2 ? 'binary' : 'multiclass';
    return {
      level: params.level,
      task,
      classes: clips.classes,
      clipsPerClass: clips.clipsPerClass,
      skippedClips: clips.skipped,
      droppedClasses: clips.droppedClasses,
      folds: params.folds,
      targetShare: params.targetShare,
      paperKRange: [...PAPER_K_RANGE[task]],
      layers,
      reference: PROBING_REFERENCE,
    };
  },

  tables(result): ResultTable[] {
    const sweepKs = [...new Set(result.layers.flatMap((l) => l.sweep.map((p) => p.k)))].sort((a, b) => a - b);
    const unlearningKs = [...new Set(result.layers.flatMap((l) => l.perClass.flatMap((c) => c.unlearning.map((p) => p.k))))].sort((a, b) => a - b);
    const tables: ResultTable[] = [
      {
        name: `${result.level}-level probing: accuracy vs k (${result.task}, ${result.folds} folds)`,
        header: ['sae', 'layer', 'width', 'samples', 'full accuracy', `k to ${result.targetShare} x full`, ...sweepKs.map((k) => `k=${k}`)],
        rows: result.layers.map((l) => [l.saeId, l.layer, l.width, l.samples, l.fullAccuracy, l.kToTarget, ...sweepKs.map((k) => l.sweep.find((p) => p.k === k)?.accuracy ?? null)]),
      },
      {
        name: 'top features per class',
        header: ['sae', 'layer', 'class', 'samples', 'full-probe recall', 'top features'],
        rows: result.layers.flatMap((l) => l.perClass.map((c) => [l.saeId, l.layer, c.className, c.samples, c.fullRecall, c.topFeatures.join(' ')])),
      },
    ];
    if (unlearningKs.length > 0) {
      tables.push({
        name: 'unlearning: class recall / overall accuracy with the class’s top k features removed',
        header: ['sae', 'layer', 'class', 'full-probe recall', ...unlearningKs.flatMap((k) => [`recall k=${k}`, `overall k=${k}`])],
        rows: result.layers.flatMap((l) =>
          l.perClass.map((c) => [l.saeId, l.layer, c.className, c.fullRecall, ...unlearningKs.flatMap((k) => { const p = c.unlearning.find((u) => u.k === k); return [p?.classAccuracy ?? null, p?.overallAccuracy ?? null]; })]),
        ),
      });
    }
    return tables;
  },

  summary(result) {
    const skipped = result.skippedClips.multiValued + result.skippedClips.otherValue;
    return [
      `${result.task} task, ${result.level} level: ${result.classes.map((c, i) => `${c} ${result.clipsPerClass[i]}`).join(', ')} clips${skipped > 0 ? `; ${result.skippedClips.multiValued} clips with several values and ${result.skippedClips.otherValue} of other values left out` : ''}${result.droppedClasses.length > 0 ? `; classes with too few clips dropped: ${result.droppedClasses.join(', ')}` : ''}`,
      ...result.layers.map(
        (l) => `layer ${l.layer} (SAE ${l.saeId}): full probe ${percent(l.fullAccuracy)}, k to ${Math.round(100 * result.targetShare)}% of it: ${l.kToTarget ?? 'not reached'} (paper ${result.paperKRange[0]}–${result.paperKRange[1]})`,
      ),
    ];
  },
};
