/**
 * Feature stability (AudioSAE paper): the features of two SAEs are matched one to one by an
 * optimal assignment maximising total similarity, and the share of matches above a threshold is
 * reported. Seeds and layers modes compare decoder directions (cosine); models mode, where the
 * activation spaces differ, correlates feature activations on the same audio (one run per model).
 */
import type { ActivationRunSummary, SaeSummary } from '../../../common/contract.js';
import { AppError } from '../../../common/errors.js';
import type { StabilityPair, StabilityParams, StabilityResult } from '../../../common/paper-evals/stability.js';
import type { PaperEvalContext, PaperEvalDefinition, PaperEvalDeps } from '../definition.js';
import { evaluableSae, loadSae, runForSae, type LoadedSae } from '../sae-source.js';
import { activationCorrelations } from './activation-correlation.js';
import { alignedCodes } from './aligned-codes.js';
import { decoderCosines } from './decoder-similarity.js';
import { matchFeatures, matchStatistics } from './feature-matching.js';
import { stabilityPairs, type SaePair } from './stability-pairs.js';

const REFERENCE = {
  text: 'Over 50% of the features remain consistent across random seeds (the paper\'s own similarity measure; here: optimal one-to-one matching of decoder directions, consistent above the threshold).',
  source: 'AudioSAE (arXiv 2602.05027), abstract and the stability section',
};
const PAPER_SEED_SHARE = 0.5;

interface Plan {
  pairs: SaePair[];
  /** models mode: the run of each SAE. */
  runOf: Map<number, ActivationRunSummary>;
}

function plan(deps: PaperEvalDeps, params: StabilityParams): Plan {
  const seen = new Set<number>();
  for (const id of params.saeIds) {
    if (seen.has(id)) throw new AppError('bad_input', `SAE ${id} is listed twice; list each SAE once.`);
    seen.add(id);
  }
  const saes = params.saeIds.map((id) => evaluableSae(deps, id));
  const pairs = stabilityPairs(saes, params.mode);
  const runOf = new Map<number, ActivationRunSummary>();
  if (params.mode === 'models') {
    const runs = (params.runIds ?? []).map((id) => {
      const run = deps.activations.get(id);
      if (!run) throw new AppError('not_found', `No activation run with id ${id}.`);
      return run;
    });
    if (runs.length === 0) throw new AppError('bad_input', 'Models mode correlates feature activations: give one activation run per model, all extracted from the same dataset.');
    for (const run of runs) {
      if (run.datasetId !== runs[0]!.datasetId) throw new AppError('bad_input', `Activation runs ${runs[0]!.id} and ${run.id} come from different datasets: give runs of the same dataset, one per model.`);
    }
    for (const sae of saes) {
      const ofModel = runs.filter((r) => r.modelId === sae.modelId);
      if (ofModel.length === 0) throw new AppError('bad_input', `SAE ${sae.id} belongs to model ${sae.modelId}, but no given activation run is of that model: add a run of model ${sae.modelId} on the same dataset.`);
      if (ofModel.length > 1) throw new AppError('bad_input', `Activation runs ${ofModel.map((r) => r.id).join(' and ')} are both of model ${sae.modelId}: give one run per model.`);
      runOf.set(sae.id, runForSae(deps, sae, ofModel[0]!.id));
    }
  }
  return { pairs, runOf };
}

async function pairSimilarity(context: PaperEvalContext, params: StabilityParams, runOf: Map<number, ActivationRunSummary>, a: LoadedSae, b: LoadedSae): Promise<Float32Array | Float64Array> {
  if (params.mode !== 'models') {
    return (await decoderCosines(a.weights.W_dec, a.weights.dSae, b.weights.W_dec, b.weights.dSae, a.weights.dIn, context.tuning.device)).values;
  }
  const codes = await alignedCodes(context.deps.activations, runOf.get(a.sae.id)!, a, runOf.get(b.sae.id)!, b, params.maxFrames, { tuning: context.tuning, throwIfCancelled: context.throwIfCancelled });
  return activationCorrelations(codes.a, a.weights.dSae, codes.b, b.weights.dSae);
}

function perLayer(pairs: StabilityPair[]): StabilityResult['perLayer'] {
  const layers = [...new Set(pairs.map((p) => p.layerA))].sort((x, y) => x - y);
  return layers.map((layer) => {
    const of = pairs.filter((p) => p.layerA === layer);
    return { layer, consistentShare: of.reduce((s, p) => s + p.consistentShare, 0) / of.length, pairs: of.length };
  });
}

/** Layers mode compares a layer with the next one listed. */
function layerLabel(result: StabilityResult, layer: number): string {
  if (result.mode !== 'layers') return `layer ${layer}`;
  const next = [...new Set(result.pairs.filter((p) => p.layerA === layer).map((p) => p.layerB))];
  return `layer ${layer} → ${next.join(', ')}`;
}

const percent = (share: number) => `${(100 * share).toFixed(1)}%`;
const measure = (mode: StabilityResult['mode']) => (mode === 'models' ? 'activation correlation' : 'decoder cosine');

export const stabilityEvaluation: PaperEvalDefinition<'stability'> = {
  kind: 'stability',
  title: (params) => `${params.mode} stability of SAEs ${params.saeIds.join(', ')}`,
  check: (deps, params) => {
    plan(deps, params);
  },
  async run(context, params) {
    const { pairs, runOf } = plan(context.deps, params);
    const loaded = new Map<number, LoadedSae>();
    const load = async (sae: SaeSummary) => {
      if (!loaded.has(sae.id)) loaded.set(sae.id, await loadSae(context.deps, sae.id));
      return loaded.get(sae.id)!;
    };
    const results: StabilityPair[] = [];
    for (const [saeA, saeB] of pairs) {
      context.throwIfCancelled();
      context.progress(results.length, pairs.length, 'pairs', `matching SAE ${saeA.id} with SAE ${saeB.id} (${measure(params.mode)})`);
      const [a, b] = [await load(saeA), await load(saeB)];
      const similarity = await pairSimilarity(context, params, runOf, a, b);
      context.throwIfCancelled();
      const stats = matchStatistics(matchFeatures(similarity, a.weights.dSae, b.weights.dSae).similarities, params.threshold, params.histogramBins);
      results.push({
        saeA: saeA.id,
        saeB: saeB.id,
        modelA: saeA.modelId,
        modelB: saeB.modelId,
        layerA: saeA.layer,
        layerB: saeB.layer,
        method: params.mode === 'models' ? 'activation_correlation' : 'decoder_cosine',
        ...stats,
      });
    }
    context.progress(results.length, pairs.length, 'pairs');
    return { mode: params.mode, threshold: params.threshold, pairs: results, perLayer: perLayer(results), reference: REFERENCE };
  },
  tables: (result) => [
    {
      name: 'matched pairs of SAEs',
      header: ['SAE A', 'SAE B', 'model A', 'model B', 'layer A', 'layer B', 'similarity', 'matched features', `consistent share (> ${result.threshold})`, 'mean similarity', 'median similarity'],
      rows: result.pairs.map((p) => [p.saeA, p.saeB, p.modelA, p.modelB, p.layerA, p.layerB, p.method, p.matched, p.consistentShare, p.meanSimilarity, p.medianSimilarity]),
    },
    {
      name: 'consistent share per layer',
      header: ['layer', 'pairs', 'mean consistent share', 'paper (seeds)'],
      rows: result.perLayer.map((l) => [l.layer, l.pairs, l.consistentShare, PAPER_SEED_SHARE]),
    },
    {
      name: 'histogram of matched similarities',
      header: ['SAE A', 'SAE B', 'from', 'to', 'features'],
      rows: result.pairs.flatMap((p) => p.histogram.counts.map((count, bin) => [p.saeA, p.saeB, p.histogram.edges[bin]!, p.histogram.edges[bin + 1]!, count])),
    },
  ],
  summary: (result) => [
    ...result.perLayer.map((l) => `${layerLabel(result, l.layer)}: ${percent(l.consistentShare)} of features consistent (${measure(result.mode)} > ${result.threshold}) over ${l.pairs} pair${l.pairs === 1 ? '' : 's'}`),
    `paper: over 50% of features consistent across seeds`,
  ],
};
