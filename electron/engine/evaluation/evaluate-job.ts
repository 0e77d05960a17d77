/**
 * The `steering.evaluate` job: an alpha sweep. Each clip's first 30 s window is encoded once;
 * the original and every alpha's steered output (features scaled by -alpha) are decoded as one
 * batch; each clip's transcripts are stored as soon as they exist (a resumed job skips the clips
 * already stored), then the table (FPR on non-speech, WER on speech, with 95% intervals).
 */
import { AppError } from '../../common/errors.js';
import type { EvaluationSummaryRow } from '../../common/contract.js';
import { WhisperDecoder } from '../../../native-models/decoders/whisper-decoder.js';
import { WhisperLogMel } from '../../../native-models/frontends/whisper-log-mel.js';
import type { ExecutionDevice } from '../../../native-models/onnx/runtime.js';
import { saeArchitecture } from '../../../native-models/sae/architecture-registry.js';
import { inferenceSelectionFor } from '../../../native-models/sae/inference-graph.js';
import { loadSaeCheckpoint } from '../../../native-models/sae/sae-checkpoint.js';
import { steeringScale } from '../../../native-models/steering/sae-splice.js';
import { decodeAudioRange } from '../audio/decode.js';
import type { JobDefinition } from '../jobs/job-manager.js';
import { resolveEvaluation, type EvaluateParams, type EvaluationDeps } from './evaluation-input.js';
import type { NewClipResult } from './evaluations-repo.js';
import { summarizeSweep } from './sweep-summary.js';
import { SteeredWhisperEncoder, transcribeSweep } from '../../../native-models/steering/steered-whisper-encoder.js';
import { normalizeTranscript, normalizedWords } from './text-normalizer.js';
import { wordErrors } from './word-errors.js';

export interface EvaluateResult {
  evaluationId: number;
  table: EvaluationSummaryRow[];
  clips: number;
  seconds: number;
}

export interface EvaluateJobOptions {
  device?: ExecutionDevice;
  /** Called once an evaluation's table is stored (the engine tells clients). */
  onStored?: (evaluationId: number) => void;
}

/** The paper's steering: s_i = -alpha for the chosen features, 1 elsewhere (alpha 0 removes them). */
export function sweepScales(dSae: number, features: readonly number[], alphas: readonly number[]): Float32Array[] {
  return alphas.map((alpha) => steeringScale(dSae, features, alpha === 0 ? 0 : -alpha));
}

async function firstWindow(path: string, signal: AbortSignal): Promise<Float32Array> {
  try {
    const { samples } = await decodeAudioRange(path, { targetRate: WhisperLogMel.SAMPLE_RATE, durationSec: WhisperLogMel.WINDOW_SAMPLES / WhisperLogMel.SAMPLE_RATE, signal });
    return samples.subarray(0, WhisperLogMel.WINDOW_SAMPLES);
  } catch (error) {
    if (error instanceof AppError && error.code !== 'not_found') throw error;
    throw new AppError('not_found', `The clip's file is gone or unreadable: ${path}. Restore it (or re-import the dataset) and resume the job.`);
  }
}

export function describeEvaluation(p: EvaluateParams): string {
  const what = p.presetId !== undefined ? `preset ${p.presetId}` : `${p.features?.length ?? 0} features`;
  return `Evaluate steering of SAE ${p.saeId} (${what}), alphas ${p.alphas.join(', ')}`;
}

export function evaluateJob(deps: EvaluationDeps, options: EvaluateJobOptions = {}): JobDefinition<EvaluateParams> {
  return {
    title: describeEvaluation,
    async run({ jobId, params, progress, throwIfCancelled, signal }): Promise<EvaluateResult> {
      const started = performance.now();
      const { spec, model, sae, speechClips, nonSpeechClips } = resolveEvaluation(deps, params);
      const clips = [...nonSpeechClips.map((id) => ({ id, set: 'nonspeech' as const })), ...speechClips.map((id) => ({ id, set: 'speech' as const }))];
      const evaluation = deps.evaluations.begin(spec, clips.length, jobId);
      const done = deps.evaluations.doneClips(evaluation.id);
      progress({ done: done.size, total: clips.length, unit: 'clips', message: 'loading the model' });

      const { config, weights } = await loadSaeCheckpoint(sae.checkpointPath!);
      const selection = inferenceSelectionFor(saeArchitecture(config.architecture).inferenceSelection, config.k);
      const disposers: Array<() => Promise<void>> = [];
      try {
        const encoder = await SteeredWhisperEncoder.load(model.snapshotDir, { layer: spec.layer, sae: weights, selection, device: options.device });
        disposers.push(() => encoder.dispose());
        const decoder = await WhisperDecoder.load(model.snapshotDir, { device: options.device });
        disposers.push(() => decoder.dispose());
        const frontend = await WhisperLogMel.create({ nMels: encoder.config.nMels as 80 | 128, device: options.device });
        disposers.push(() => frontend.dispose());
        const scales = sweepScales(encoder.dSae, spec.features, spec.alphas);

        let count = done.size;
        for (const clip of clips) {
          if (done.has(clip.id)) continue;
          throwIfCancelled();
          const row = deps.datasets.getClip(clip.id);
          if (!row) throw new AppError('not_found', `Clip ${clip.id} was deleted during the evaluation; start it again.`);
          const samples = await firstWindow(row.path, signal);
          const sequences = await transcribeSweep(encoder, decoder, await frontend.compute(samples), scales, { maxNewTokens: spec.maxNewTokens });
          const reference = clip.set === 'speech' ? normalizedWords(row.transcript ?? '') : null;
          const result: NewClipResult = {
            clipId: clip.id,
            set: clip.set,
            variants: sequences.map((s, i) => {
              const normalized = normalizeTranscript(s.text);
              return {
                alpha: i === 0 ? null : spec.alphas[i - 1]!,
                text: s.text,
                normalized,
                errors: reference === null ? null : wordErrors(reference, normalized === '' ? [] : normalized.split(' ')),
              };
            }),
          };
          deps.evaluations.addClip(evaluation.id, result);
          count++;
          progress({ done: count, total: clips.length, unit: 'clips', message: `${clip.set === 'speech' ? 'speech' : 'non-speech'}: ${row.relativePath}` });
        }
      } finally {
        for (const dispose of disposers.reverse()) await dispose().catch(() => undefined);
      }
      const table = summarizeSweep(spec.alphas, deps.evaluations.variantResults(evaluation.id));
      deps.evaluations.complete(evaluation.id, table);
      options.onStored?.(evaluation.id);
      return { evaluationId: evaluation.id, table, clips: clips.length, seconds: (performance.now() - started) / 1000 };
    },
  };
}
