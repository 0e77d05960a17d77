/**
 * The phoneme evaluation (AudioSAE paper): per SAE (one per layer), frame-level phoneme
 * classification from its codes on frames labelled by forced alignment (phone-frames.ts), with
 * one-vs-rest logistic probes on clip-grouped folds (evaluation-probing/), and vowel unlearning:
 * a vowel's top-ranked features (ranked on each training fold) are removed in growing steps and a
 * vowel-vs-rest probe is retrained on the rest; the vowel counts as erased once that probe's
 * balanced accuracy is at most ERASED_BALANCED_ACCURACY.
 */
import { AppError } from '../../../common/errors.js';
import { ARPABET_VOWELS, ERASED_BALANCED_ACCURACY, type PhonemesLayerResult, type PhonemesParams, type PhonemesResult } from '../../../common/paper-evals/phonemes.js';
import { AlignmentsRepo } from '../../alignments/alignments-repo.js';
import { runProbing, type LabelledCode, type ProbingOptions } from '../../evaluation-probing/probing-sweep.js';
import type { PaperEvalContext, PaperEvalDefinition, PaperEvalDeps } from '../definition.js';
import { runCodeBatches } from '../run-codes.js';
import { evaluableSae, loadSae, runForSae } from '../sae-source.js';
import { PhoneFrameSampler } from './phone-frames.js';

const REFERENCE = {
  text: 'Phoneme classification from SAE features: 0.92 (Whisper, layer 12), 0.89 (HuBERT, layer 12); erasing one vowel takes removing ~19% of the features.',
  source: 'AudioSAE (Aparin et al., EACL 2026), phoneme analysis',
};

const REMOVAL_SHARES = [0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75];

export function removalSteps(width: number): number[] {
  return [...new Set(REMOVAL_SHARES.map((s) => Math.max(1, Math.round(s * width))))].filter((k) => k < width).sort((a, b) => a - b);
}

function check(deps: PaperEvalDeps, params: PhonemesParams): void {
  if (new Set(params.saeIds).size !== params.saeIds.length) throw new AppError('bad_input', 'Each SAE may be listed once.');
  for (const id of params.saeIds) runForSae(deps, evaluableSae(deps, id), params.runId);
  const repo = new AlignmentsRepo(deps.db);
  if (!repo.hasTierOnRun(params.runId, params.tier)) {
    const tiers = repo.tiersOfRun(params.runId);
    throw new AppError(
      'bad_input',
      tiers.length
        ? `No clip of activation run ${params.runId} has a "${params.tier}" alignment tier; its clips have ${tiers.join(', ')}.`
        : `No clip of activation run ${params.runId} has forced alignments: import TextGrid or CTM files first (audiosae alignments import <folder> --dataset <id>).`,
    );
  }
}

async function layerResult(context: PaperEvalContext, params: PhonemesParams, saeId: number, index: number): Promise<{ layer: PhonemesLayerResult; phones: string[]; frames: Record<string, number> }> {
  const { deps } = context;
  const loaded = await loadSae(deps, saeId);
  const run = runForSae(deps, loaded.sae, params.runId);
  const sampler = new PhoneFrameSampler(new AlignmentsRepo(deps.db).intervalsOfRun(params.runId, params.tier), run.frameRateHz, params.maxFramesPerPhone, params.seed);
  for await (const batch of runCodeBatches(deps.activations, run, loaded, {
    tuning: context.tuning,
    throwIfCancelled: context.throwIfCancelled,
    onRows: (done, total) => context.progress(done, total, 'frames', `SAE ${saeId} (${index + 1} of ${params.saeIds.length}): encoding aligned frames`),
  })) {
    sampler.add(batch);
  }
  const { phones, samples, frames } = sampler.samples(params.minFramesPerPhone);
  if (phones.length < 2) {
    throw new AppError('bad_input', `Only ${phones.length} phone${phones.length === 1 ? '' : 's'} of tier "${params.tier}" have at least ${params.minFramesPerPhone} aligned frames in run ${params.runId}: align more audio or lower minFramesPerPhone.`);
  }
  const width = loaded.weights.dSae;
  const options = (kSweep: number[], skipUnlearning: boolean, what: string): ProbingOptions => ({
    kSweep,
    folds: params.folds,
    seed: params.seed,
    targetShare: 0.9,
    probe: { l2: params.l2, iterations: params.iterations },
    skipUnlearning,
    throwIfCancelled: context.throwIfCancelled,
    onProbe: (done, total) => context.progress(done, total, 'probes', `SAE ${saeId} (layer ${loaded.sae.layer}): ${what}`),
  });
  const classification = await runProbing(samples, phones, width, options([width], true, 'phoneme classification'));
  const counts = phones.map((_, c) => samples.filter((s) => s.label === c).length);
  const chance = Math.max(...counts) / samples.length;
  const vowels = (params.vowels ?? ARPABET_VOWELS.filter((v) => phones.includes(v))).filter((v) => phones.includes(v));
  const steps = removalSteps(width);
  const vowelUnlearning: PhonemesLayerResult['vowelUnlearning'] = [];
  for (const vowel of vowels) {
    const v = phones.indexOf(vowel);
    const binary: LabelledCode[] = samples.map((s) => ({ ...s, label: s.label === v ? 1 : 0 }));
    const nVowel = counts[v]!;
    const nRest = samples.length - nVowel;
    const r = await runProbing(binary, ['rest', vowel], width, options(steps, false, `unlearning ${vowel}`));
    const balanced = (recall: number, overall: number) => (recall + (overall * samples.length - nVowel * recall) / nRest) / 2;
    const curve = [
      { removed: 0, recall: r.perClass[1]!.fullRecall, balancedAccuracy: balanced(r.perClass[1]!.fullRecall, r.fullAccuracy) },
      ...r.perClass[1]!.unlearning.map((u) => ({ removed: u.k, recall: u.classAccuracy, balancedAccuracy: balanced(u.classAccuracy, u.overallAccuracy) })),
    ];
    // A vowel the full probe does not recognise cannot be erased: no share is reported for it.
    const erased = curve[0]!.balancedAccuracy > ERASED_BALANCED_ACCURACY ? curve.find((p) => p.balancedAccuracy <= ERASED_BALANCED_ACCURACY) : undefined;
    vowelUnlearning.push({ vowel, frames: nVowel, featuresRemoved: erased?.removed ?? null, share: erased ? erased.removed / width : null, curve });
  }
  return { layer: { saeId, layer: loaded.sae.layer, width, frames: samples.length, accuracy: classification.fullAccuracy, chance, vowelUnlearning }, phones, frames };
}

export const phonemesEvaluation: PaperEvalDefinition<'phonemes'> = {
  kind: 'phonemes',
  title: (p) => `Phonemes (${p.tier}) with ${p.saeIds.length} SAE${p.saeIds.length === 1 ? '' : 's'} on run ${p.runId}`,
  check,
  async run(context, params) {
    const layers: PhonemesLayerResult[] = [];
    let phones: string[] = [];
    let phoneFrames: Record<string, number> = {};
    for (const [index, saeId] of params.saeIds.entries()) {
      const r = await layerResult(context, params, saeId, index);
      layers.push(r.layer);
      phones = r.phones;
      phoneFrames = r.frames;
    }
    const result: PhonemesResult = { tier: params.tier, phones, phoneFrames, layers: layers.sort((a, b) => a.layer - b.layer), reference: REFERENCE };
    return result;
  },
  tables(result) {
    return [
      {
        name: 'phoneme classification per layer',
        header: ['sae', 'layer', 'width', 'frames', 'accuracy', 'chance'],
        rows: result.layers.map((l) => [l.saeId, l.layer, l.width, l.frames, l.accuracy, l.chance]),
      },
      {
        name: `vowel unlearning (erased at balanced accuracy <= ${ERASED_BALANCED_ACCURACY})`,
        header: ['sae', 'layer', 'vowel', 'frames', 'features_removed', 'share_of_width'],
        rows: result.layers.flatMap((l) => l.vowelUnlearning.map((v) => [l.saeId, l.layer, v.vowel, v.frames, v.featuresRemoved, v.share])),
      },
      {
        name: 'vowel unlearning curves',
        header: ['sae', 'layer', 'vowel', 'removed', 'vowel_recall', 'balanced_accuracy'],
        rows: result.layers.flatMap((l) => l.vowelUnlearning.flatMap((v) => v.curve.map((p) => [l.saeId, l.layer, v.vowel, p.removed, p.recall, p.balancedAccuracy]))),
      },
      { name: 'frames per phone', header: ['phone', 'frames'], rows: result.phones.map((p) => [p, result.phoneFrames[p] ?? 0]) },
    ];
  },
  summary(result) {
    return [
      `${result.phones.length} phones (${result.tier} tier)`,
      ...result.layers.map((l) => {
        const shares = l.vowelUnlearning.map((v) => v.share).filter((s): s is number => s !== null);
        const mean = shares.length ? ` vowel erased after removing ${(100 * (shares.reduce((a, b) => a + b, 0) / shares.length)).toFixed(1)}% of features on average (${shares.length} of ${l.vowelUnlearning.length} vowels)` : '';
        return `layer ${l.layer} (SAE ${l.saeId}): accuracy ${(100 * l.accuracy).toFixed(1)}% (chance ${(100 * l.chance).toFixed(1)}%)${mean ? ';' + mean : ''}`;
      }),
    ];
  },
};
