/**
 * The EEG evaluation's computation, given the EEG channel and each SAE's stimulus activations:
 * the `features` most active features per SAE, each as a time course at the EEG rate (frames
 * area-averaged onto EEG samples at onset + frame time, zero between stimuli), r at lags
 * 0..maxLag, and the permutation null (circular shifts beyond the lag window, one shared set of
 * shifts for every test) with the chosen correction over all features x lags:
 * - max-statistic: p = share of permutations whose largest |r| over every test reaches |r| (FWER);
 * - bonferroni: uncorrected permutation p x number of tests;
 * - fdr: Benjamini-Hochberg over the uncorrected permutation p-values.
 * A feature's best lag is the one with the largest |r|; it is significant when that lag's
 * corrected p < alpha.
 */
import type { EegParams } from '../../../common/paper-evals/eeg.js';
import { SeededRandom } from '../../../../native-models/common/seeded-random.js';
import { addFramesToCourse, benjaminiHochberg, CircularCorrelator } from './lagged-correlation.js';

/** One SAE's activations on the stimulus clips (only the latents that fired). */
export interface StimulusActivations {
  saeId: number;
  layer: number;
  width: number;
  frameSec: number;
  /** Per entry: the clip, the frame's start within the clip, the feature and its activation. */
  clipIds: Int32Array;
  times: Float32Array;
  features: Int32Array;
  values: Float32Array;
}

export interface CorrelationInput {
  eeg: Float64Array;
  rateHz: number;
  /** Onsets (s from the recording start) of each presented clip. */
  onsets: ReadonlyMap<number, readonly number[]>;
  params: Pick<EegParams, 'maxLagMs' | 'lagStepMs' | 'features' | 'permutations' | 'alpha' | 'correction' | 'seed'>;
  throwIfCancelled?: () => void;
  onFeature?: (done: number, total: number) => void;
}

export interface CorrelationOutput {
  lagsMs: number[];
  tested: { saeId: number; layer: number; feature: number; bestLagMs: number; bestR: number; p: number; significant: boolean; r: number[] }[];
}

/** The `count` features with the largest summed activation (features that never fired are left out). */
export function mostActive(activations: StimulusActivations, count: number): number[] {
  const totals = new Float64Array(activations.width);
  for (let i = 0; i < activations.features.length; i++) totals[activations.features[i]!]! += activations.values[i]!;
  return [...totals.keys()].filter((j) => totals[j]! > 0).sort((a, b) => totals[b]! - totals[a]! || a - b).slice(0, count);
}

/** The time course at the EEG rate of each chosen feature. */
export function featureCourses(activations: StimulusActivations, chosen: readonly number[], onsets: ReadonlyMap<number, readonly number[]>, length: number, rateHz: number): Map<number, Float64Array> {
  const courses = new Map(chosen.map((j) => [j, new Float64Array(length)] as const));
  for (let i = 0; i < activations.features.length; i++) {
    const course = courses.get(activations.features[i]!);
    if (!course) continue;
    const frames = (onsets.get(activations.clipIds[i]!) ?? []).map((o) => ({ startSec: o + activations.times[i]!, value: activations.values[i]! }));
    addFramesToCourse(course, rateHz, frames, activations.frameSec);
  }
  return courses;
}

export function lagsInMs(maxLagMs: number, stepMs: number): number[] {
  const lags: number[] = [];
  for (let ms = 0; ms <= maxLagMs + 1e-9; ms += stepMs) lags.push(ms);
  return lags;
}

export function correlateWithEeg(input: CorrelationInput, saes: readonly StimulusActivations[]): CorrelationOutput {
  const { eeg, rateHz, params } = input;
  const n = eeg.length;
  const lagsMs = lagsInMs(params.maxLagMs, params.lagStepMs);
  const lagSamples = lagsMs.map((ms) => Math.round((ms / 1000) * rateHz));
  const maxLag = lagSamples.at(-1)!;
  const correlator = new CircularCorrelator(eeg);
  const random = new SeededRandom(params.seed);
  const span = n - 2 * maxLag - 2;
  const shifts = Int32Array.from({ length: params.permutations }, () => maxLag + 1 + Math.floor(random.uniform() * span));
  const maxNull = new Float64Array(params.permutations);
  const observed: { saeId: number; layer: number; feature: number; r: Float64Array; exceed: Int32Array }[] = [];
  const total = saes.reduce((sum, s) => sum + Math.min(params.features, s.width), 0);
  let done = 0;
  for (const sae of saes) {
    const chosen = mostActive(sae, params.features);
    const courses = featureCourses(sae, chosen, input.onsets, n, rateHz);
    for (const feature of chosen) {
      input.throwIfCancelled?.();
      const c = correlator.correlate(courses.get(feature)!);
      done++;
      input.onFeature?.(done, total);
      if (!c) continue;
      const r = Float64Array.from(lagSamples, (d) => c[d]!);
      const exceed = new Int32Array(lagSamples.length);
      for (let p = 0; p < shifts.length; p++) {
        let largest = maxNull[p]!;
        for (let l = 0; l < lagSamples.length; l++) {
          const v = Math.abs(c[(shifts[p]! + lagSamples[l]!) % n]!);
          if (v >= Math.abs(r[l]!)) exceed[l]!++;
          if (v > largest) largest = v;
        }
        maxNull[p] = largest;
      }
      observed.push({ saeId: sae.saeId, layer: sae.layer, feature, r, exceed });
    }
  }
  const permutations = params.permutations;
  const tests = observed.length * lagSamples.length;
  const uncorrected = observed.flatMap((o) => [...o.exceed].map((e) => (1 + e) / (1 + permutations)));
  const fdr = params.correction === 'fdr' ? benjaminiHochberg(uncorrected) : [];
  const sortedMax = Float64Array.from(maxNull).sort();
  const maxStatisticP = (absR: number): number => {
    let lo = 0;
    let hi = sortedMax.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sortedMax[mid]! < absR) lo = mid + 1;
      else hi = mid;
    }
    return (1 + (sortedMax.length - lo)) / (1 + permutations);
  };
  const tested = observed.map((o, index) => {
    let best = 0;
    for (let l = 1; l < o.r.length; l++) if (Math.abs(o.r[l]!) > Math.abs(o.r[best]!)) best = l;
    const flat = index * lagSamples.length + best;
    const p =
      params.correction === 'max-statistic' ? maxStatisticP(Math.abs(o.r[best]!)) : params.correction === 'bonferroni' ? Math.min(1, uncorrected[flat]! * tests) : fdr[flat]!;
    return { saeId: o.saeId, layer: o.layer, feature: o.feature, bestLagMs: lagsMs[best]!, bestR: o.r[best]!, p, significant: p < params.alpha, r: [...o.r] };
  });
  return { lagsMs, tested };
}

