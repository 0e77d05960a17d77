/**
 * Layer-wise domain specialization (AudioSAE paper): one pass of the run through each SAE, adding
 * up each feature's activation mass per domain (domain-specificity.ts), then the share of the
 * width specific to speech, music or other sound, shared, or dead, at audio and frame level.
 */
import { DOMAINS, type DomainsLayer, type DomainsParams, type DomainsResult, type DomainShares } from '../../../common/paper-evals/domains.js';
import { AppError } from '../../../common/errors.js';
import type { PaperReference } from '../../../common/paper-evals/shared.js';
import type { ResultTable } from '../../../common/paper-evals/index.js';
import type { PaperEvalContext, PaperEvalDefinition, PaperEvalDeps } from '../definition.js';
import { runCodeBatches } from '../run-codes.js';
import { evaluableSae, loadSae, runForSae } from '../sae-source.js';
import { runClipRows, runDomainClips } from './domain-clips.js';
import { classifyFeatures, DomainMassAccumulator, domainShares } from './domain-specificity.js';

export const DOMAINS_REFERENCE: PaperReference = {
  text: 'Whisper: music-specific features peak at layer 5 (20–28% of features), speech-specific features reach ~13% at layer 6; the shift from acoustic to speech features falls between layers 6 and 7.',
  source: 'AudioSAE (Aparin et al., EACL 2026), layer-wise domain specialization figure',
};

function checkSaes(deps: PaperEvalDeps, params: DomainsParams): void {
  const seen = new Set<number>();
  for (const saeId of params.saeIds) {
    if (seen.has(saeId)) throw new AppError('bad_input', `SAE ${saeId} is listed twice: list each SAE once.`);
    seen.add(saeId);
    runForSae(deps, evaluableSae(deps, saeId), params.runId);
  }
}

async function layerShares(context: PaperEvalContext, params: DomainsParams, saeId: number, clipDomain: Map<number, 0 | 1 | 2>, clipRows: Map<number, number>, doneBefore: number, total: number) {
  const { deps } = context;
  const run = runForSae(deps, evaluableSae(deps, saeId), params.runId);
  const loaded = await loadSae(deps, saeId);
  const width = loaded.weights.dSae;
  const accumulator = new DomainMassAccumulator(width, clipDomain, clipRows);
  const message = `SAE ${saeId} (layer ${loaded.sae.layer})`;
  for await (const batch of runCodeBatches(deps.activations, run, loaded, {
    tuning: context.tuning,
    throwIfCancelled: context.throwIfCancelled,
    onRows: (done) => context.progress(doneBefore + done, total, 'frames', message),
  })) {
    accumulator.add(batch.clipIds, batch.codes);
  }
  const masses = accumulator.finish();
  return {
    layer: { saeId, layer: loaded.sae.layer, width, audio: domainShares(classifyFeatures(masses.audio, params.specificity)), frame: domainShares(classifyFeatures(masses.frame, params.specificity)) } satisfies DomainsLayer,
    masses,
    frames: run.frames,
  };
}

const percent = (share: number): string => `${(100 * share).toFixed(1)}%`;

function sharesRow(shares: DomainShares, width: number): number[] {
  return [...DOMAINS, 'shared' as const, 'dead' as const].flatMap((c) => [Math.round(shares[c] * width), shares[c]]);
}

export const domainsEvaluation: PaperEvalDefinition<'domains'> = {
  kind: 'domains',
  title: (p) => `Domain specialization of ${p.saeIds.length} SAE${p.saeIds.length === 1 ? '' : 's'} on run ${p.runId} (${p.labelKey})`,

  check(deps, params) {
    checkSaes(deps, params);
    runDomainClips(deps.db, params);
  },

  async run(context, params) {
    const { db } = context.deps;
    const clips = runDomainClips(db, params);
    const clipRows = runClipRows(db, params.runId);
    const runFrames = context.deps.activations.get(params.runId)?.frames ?? 0;
    const total = runFrames * params.saeIds.length;
    const layers: DomainsLayer[] = [];
    let frames: DomainsResult['frames'] = { speech: 0, music: 0, other: 0 };
    for (const [i, saeId] of params.saeIds.entries()) {
      context.throwIfCancelled();
      const done = await layerShares(context, params, saeId, clips.domainOf, clipRows, i * runFrames, total);
      layers.push(done.layer);
      const units = done.masses.frame.units;
      frames = { speech: units[0], music: units[1], other: units[2] };
    }
    layers.sort((a, b) => a.layer - b.layer || a.saeId - b.saeId);
    return { specificity: params.specificity, clips: clips.clips, frames, ambiguousClips: clips.ambiguous, layers, reference: DOMAINS_REFERENCE };
  },

  tables(result): ResultTable[] {
    const classes = [...DOMAINS, 'shared', 'dead'];
    const header = ['sae', 'layer', 'width', ...classes.flatMap((c) => [`${c} features`, `${c} share`])];
    return (['audio', 'frame'] as const).map((level) => ({
      name: `${level}-level feature domains (specificity ${result.specificity})`,
      header,
      rows: result.layers.map((l) => [l.saeId, l.layer, l.width, ...sharesRow(l[level], l.width)]),
    }));
  },

  summary(result) {
    const { clips, frames } = result;
    return [
      `clips speech ${clips.speech}, music ${clips.music}, other ${clips.other} (frames ${frames.speech} / ${frames.music} / ${frames.other})`,
      ...result.layers.map(
        (l) =>
          `layer ${l.layer} (SAE ${l.saeId}): audio speech ${percent(l.audio.speech)}, music ${percent(l.audio.music)}, other ${percent(l.audio.other)}; frame speech ${percent(l.frame.speech)}, music ${percent(l.frame.music)}, other ${percent(l.frame.other)}`,
      ),
    ];
  },
};
