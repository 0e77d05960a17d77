/**
 * The EEG correlation evaluation (AudioSAE paper): SAE feature activations on the stimulus clips,
 * placed at their onsets in the EEG recording, correlated with one channel at lags 0..maxLag with
 * permutation significance (eeg-correlation.ts). One read of the run per SAE; the EEG channel is
 * read once, record by record.
 */
import { basename } from 'node:path';
import { AppError } from '../../../common/errors.js';
import type { EegParams, EegResult } from '../../../common/paper-evals/eeg.js';
import type { PaperEvalContext, PaperEvalDefinition, PaperEvalDeps } from '../definition.js';
import { runCodeBatches } from '../run-codes.js';
import { evaluableSae, loadSae, runForSae } from '../sae-source.js';
import { correlateWithEeg, type StimulusActivations } from './eeg-correlation.js';
import { checkEegChannel, eegFormatOf, readEegChannel } from './eeg-recording.js';
import { matchOnsets, readOnsetsCsv, runClipsOf, type MatchedOnsets } from './stimulus-onsets.js';
import type { EdfAnnotation } from './edf-reader.js';

const REFERENCE = {
  text: 'Feature activations correlate with EEG (Pz) at lags of 0–500 ms after the stimulus; a few features reach significance after correction.',
  source: 'AudioSAE (Aparin et al., EACL 2026), EEG correlation',
};

function onsetsOf(deps: PaperEvalDeps, params: EegParams, annotations: readonly EdfAnnotation[]): MatchedOnsets {
  const entries = params.onsetsPath !== undefined ? readOnsetsCsv(params.onsetsPath) : annotations.map((a) => ({ name: a.text, onsetSec: a.onsetSec }));
  const clips = runClipsOf(deps.db, params.runId);
  const matched = matchOnsets(entries, clips);
  if (matched.onsets.length === 0) {
    const source = params.onsetsPath !== undefined ? basename(params.onsetsPath) : 'the EEG file\'s annotations (give an onsets CSV instead)';
    const named = matched.unmatched.slice(0, 5).join(', ') || 'nothing';
    const known = clips.slice(0, 3).map((c) => c.relativePath).join(', ');
    throw new AppError('bad_input', `No stimulus onset in ${source} names a clip of activation run ${params.runId} (it names ${named}; the run's clips are e.g. ${known}).`);
  }
  return matched;
}

function checkSaes(deps: PaperEvalDeps, params: EegParams): void {
  if (new Set(params.saeIds).size !== params.saeIds.length) throw new AppError('bad_input', 'Each SAE may be listed once.');
  for (const id of params.saeIds) runForSae(deps, evaluableSae(deps, id), params.runId);
}

async function stimulusActivations(context: PaperEvalContext, params: EegParams, saeId: number, onsets: ReadonlyMap<number, readonly number[]>, index: number): Promise<StimulusActivations> {
  const { deps } = context;
  const loaded = await loadSae(deps, saeId);
  const run = runForSae(deps, loaded.sae, params.runId);
  const clipIds: number[] = [];
  const times: number[] = [];
  const features: number[] = [];
  const values: number[] = [];
  for await (const batch of runCodeBatches(deps.activations, run, loaded, {
    tuning: context.tuning,
    throwIfCancelled: context.throwIfCancelled,
    onRows: (done, total) => context.progress(done, total, 'frames', `SAE ${saeId} (${index + 1} of ${params.saeIds.length}): encoding the stimulus clips`),
  })) {
    const { codes } = batch;
    for (let r = 0; r < codes.rows; r++) {
      const clip = batch.clipIds[r]!;
      if (!onsets.has(clip)) continue;
      for (let t = codes.rowStart[r]!; t < codes.rowStart[r + 1]!; t++) {
        clipIds.push(clip);
        times.push(batch.times[r]!);
        features.push(codes.features[t]!);
        values.push(codes.values[t]!);
      }
    }
  }
  return {
    saeId,
    layer: loaded.sae.layer,
    width: loaded.weights.dSae,
    frameSec: 1 / run.frameRateHz,
    clipIds: Int32Array.from(clipIds),
    times: Float32Array.from(times),
    features: Int32Array.from(features),
    values: Float32Array.from(values),
  };
}

export const eegEvaluation: PaperEvalDefinition<'eeg'> = {
  kind: 'eeg',
  title: (p) => `EEG correlation of ${p.saeIds.length} SAE${p.saeIds.length === 1 ? '' : 's'} with ${p.channel} (${basename(p.eegPath)})`,
  check(deps, params) {
    checkSaes(deps, params);
    const format = eegFormatOf(params.eegPath, params.format);
    checkEegChannel(params.eegPath, format, params.channel);
    if (params.onsetsPath !== undefined) onsetsOf(deps, params, []);
    if (params.lagStepMs > params.maxLagMs && params.maxLagMs > 0) throw new AppError('bad_input', `The lag step (${params.lagStepMs} ms) is longer than the largest lag (${params.maxLagMs} ms).`);
  },
  async run(context, params) {
    const format = eegFormatOf(params.eegPath, params.format);
    context.progress(0, null, 'frames', `reading channel ${params.channel}`);
    const eeg = readEegChannel(params.eegPath, format, params.channel);
    const matched = onsetsOf(context.deps, params, eeg.annotations);
    const onsets = new Map<number, number[]>();
    for (const o of matched.onsets) onsets.set(o.clipId, [...(onsets.get(o.clipId) ?? []), o.onsetSec]);
    const maxLagSamples = Math.round((params.maxLagMs / 1000) * eeg.rateHz);
    if (eeg.samples.length < 2 * maxLagSamples + 20) {
      throw new AppError('bad_input', `The EEG recording holds ${eeg.samples.length} samples (${(eeg.samples.length / eeg.rateHz).toFixed(1)} s), too short for lags up to ${params.maxLagMs} ms and their permutations.`);
    }
    let min = Infinity;
    let max = -Infinity;
    for (const v of eeg.samples) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    if (min === max) throw new AppError('bad_input', `Channel ${params.channel} is constant (${min}) over the whole recording: pick a channel that carries EEG.`);
    const activations: StimulusActivations[] = [];
    for (const [index, saeId] of params.saeIds.entries()) activations.push(await stimulusActivations(context, params, saeId, onsets, index));
    const out = correlateWithEeg(
      {
        eeg: eeg.samples,
        rateHz: eeg.rateHz,
        onsets,
        params,
        throwIfCancelled: context.throwIfCancelled,
        onFeature: (done, total) => context.progress(done, total, 'features', 'correlating with the EEG (all lags and permutations)'),
      },
      activations,
    );
    const features = params.saeIds.flatMap((saeId) =>
      out.tested
        .filter((t) => t.saeId === saeId)
        .sort((a, b) => Math.abs(b.bestR) - Math.abs(a.bestR))
        .slice(0, params.topFeatures),
    );
    const perLayer = activations.map((a) => {
      const mine = out.tested.filter((t) => t.saeId === a.saeId);
      return { saeId: a.saeId, layer: a.layer, tested: mine.length, significant: mine.filter((t) => t.significant).length };
    });
    const result: EegResult = {
      channel: params.channel,
      eegRateHz: eeg.rateHz,
      stimuli: matched.onsets.length,
      unmatchedOnsets: matched.unmatched.slice(0, 20),
      eegSeconds: eeg.samples.length / eeg.rateHz,
      permutations: params.permutations,
      lagsMs: out.lagsMs,
      tested: out.tested.length,
      correction: params.correction,
      features,
      perLayer,
      reference: REFERENCE,
    };
    return result;
  },
  tables(result) {
    return [
      {
        name: `top features: best lag, r and ${result.correction}-corrected p (${result.permutations} permutations)`,
        header: ['sae', 'layer', 'feature', 'best_lag_ms', 'best_r', 'p_corrected', 'significant'],
        rows: result.features.map((f) => [f.saeId, f.layer, f.feature, f.bestLagMs, f.bestR, f.p, f.significant ? 'yes' : 'no']),
      },
      { name: 'significant features per layer', header: ['sae', 'layer', 'tested', 'significant'], rows: result.perLayer.map((l) => [l.saeId, l.layer, l.tested, l.significant]) },
      {
        name: 'r by lag (top features)',
        header: ['sae', 'layer', 'feature', ...result.lagsMs.map((ms) => `r_${ms}ms`)],
        rows: result.features.map((f) => [f.saeId, f.layer, f.feature, ...f.r]),
      },
    ];
  },
  summary(result) {
    const lines = [`${result.stimuli} stimuli, ${result.eegSeconds.toFixed(1)} s of ${result.channel} at ${result.eegRateHz} Hz; ${result.tested} features x ${result.lagsMs.length} lags tested`];
    for (const l of result.perLayer) {
      const best = result.features.find((f) => f.saeId === l.saeId);
      lines.push(`layer ${l.layer} (SAE ${l.saeId}): ${l.significant} of ${l.tested} features significant${best ? `; strongest feature ${best.feature}: r ${best.bestR.toFixed(3)} at ${best.bestLagMs} ms (p ${best.p.toPrecision(2)})` : ''}`);
    }
    if (result.unmatchedOnsets.length > 0) lines.push(`onsets naming no clip of the run: ${result.unmatchedOnsets.slice(0, 5).join(', ')}${result.unmatchedOnsets.length > 5 ? ', …' : ''}`);
    return lines;
  },
};
