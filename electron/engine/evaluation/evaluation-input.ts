/**
 * Checks a `steering.evaluate` request and resolves it: the Whisper model, the SAE (of that model,
 * trained on the layer asked for), the features (given, or a steering preset's), and the clips of
 * each set (the first maxClipsPerSet by path; speech clips need a reference transcript and at most 30 s).
 * Refused with what to do, before a job is queued.
 */
import type { ModelRow, RpcParsedParams, SaeSummary } from '../../common/contract.js';
import { AppError } from '../../common/errors.js';
import type { SteeringRepo } from '../steering/steering-repo.js';
import type { DatasetsRepo } from '../store/datasets-repo.js';
import type { ModelsRepo } from '../store/models-repo.js';
import type { SaesRepo } from '../training/saes-repo.js';
import type { EvaluationSpec, EvaluationsRepo } from './evaluations-repo.js';

export type EvaluateParams = RpcParsedParams<'steering.evaluate'>;

export interface EvaluationDeps {
  models: ModelsRepo;
  saes: SaesRepo;
  datasets: DatasetsRepo;
  evaluations: EvaluationsRepo;
  /** Steering presets (presetId); absent: only explicit features. */
  steering?: SteeringRepo;
}

export interface ResolvedEvaluation {
  spec: EvaluationSpec;
  model: ModelRow;
  sae: SaeSummary;
  speechClips: number[];
  nonSpeechClips: number[];
}

function featuresOf(deps: EvaluationDeps, params: EvaluateParams, sae: SaeSummary): number[] {
  let features: number[];
  if (params.presetId !== undefined) {
    if (!deps.steering) throw new AppError('unavailable', 'Steering presets are not available in this engine; give the features instead.');
    const preset = deps.steering.preset(params.presetId);
    if (!preset) throw new AppError('not_found', `No steering preset with id ${params.presetId}. List them: audiosae steer preset list`);
    if (preset.saeId !== sae.id) throw new AppError('bad_input', `Preset ${preset.id} "${preset.name}" holds features of SAE ${preset.saeId}, not SAE ${sae.id}: pick that SAE or another preset.`);
    features = preset.features.map((f) => f.feature);
  } else {
    features = params.features ?? [];
  }
  const outside = features.filter((f) => f >= sae.width);
  if (outside.length > 0) throw new AppError('bad_input', `SAE ${sae.id} has features 0..${sae.width - 1}; ${outside.slice(0, 5).join(', ')} ${outside.length === 1 ? 'is' : 'are'} outside it.`);
  return [...new Set(features)].sort((a, b) => a - b);
}

export function resolveEvaluation(deps: EvaluationDeps, params: EvaluateParams): ResolvedEvaluation {
  const model = deps.models.get(params.modelId);
  if (!model) throw new AppError('not_found', `No model with id ${params.modelId}. Download one first: audiosae models download <repo>`);
  if (model.architecture !== 'whisper-encoder') throw new AppError('bad_input', `Model ${model.id} (${model.repoId}) is a ${model.architecture}; steering evaluations transcribe, so they need a Whisper model.`);
  const sae = deps.saes.get(params.saeId);
  if (!sae) throw new AppError('not_found', `No SAE with id ${params.saeId}. List them: audiosae sae list`);
  if (sae.modelId !== model.id) throw new AppError('bad_input', `SAE ${sae.id} was trained on model ${sae.modelId}, not model ${model.id}: pick an SAE of model ${model.id}.`);
  if (sae.checkpointPath === null) throw new AppError('bad_input', `SAE ${sae.id} has no checkpoint yet (status ${sae.status}); let its training save one first.`);
  if (params.layer !== undefined && params.layer !== sae.layer) throw new AppError('bad_input', `SAE ${sae.id} reads layer ${sae.layer}, not layer ${params.layer}: the splice goes at the SAE's own layer.`);
  if (sae.layer > model.layers) throw new AppError('bad_input', `SAE ${sae.id} reads layer ${sae.layer}, but model ${model.id} has layers 0..${model.layers}.`);
  const features = featuresOf(deps, params, sae);
  for (const [id, role] of [[params.speechDatasetId, 'speech'], [params.nonSpeechDatasetId, 'non-speech']] as const) {
    if (!deps.datasets.get(id)) throw new AppError('not_found', `No dataset with id ${id} (the ${role} set). List them: audiosae datasets list`);
  }
  if (params.speechDatasetId === params.nonSpeechDatasetId) throw new AppError('bad_input', 'The speech and non-speech sets are the same dataset: give two different datasets.');
  const speechClips = deps.evaluations.datasetClipIds(params.speechDatasetId, params.maxClipsPerSet, true);
  const nonSpeechClips = deps.evaluations.datasetClipIds(params.nonSpeechDatasetId, params.maxClipsPerSet, false);
  if (speechClips.length === 0) throw new AppError('bad_input', `Dataset ${params.speechDatasetId} has no clips of at most 30 s with a transcript: WER needs references (import a LibriSpeech-layout corpus, whose transcripts are read; only a clip's first 30 s window is transcribed).`);
  if (nonSpeechClips.length === 0) throw new AppError('bad_input', `Dataset ${params.nonSpeechDatasetId} (the non-speech set) has no clips.`);
  return {
    model,
    sae,
    speechClips,
    nonSpeechClips,
    spec: {
      modelId: model.id,
      saeId: sae.id,
      layer: sae.layer,
      features,
      presetId: params.presetId ?? null,
      alphas: params.alphas,
      speechDatasetId: params.speechDatasetId,
      nonSpeechDatasetId: params.nonSpeechDatasetId,
      maxClipsPerSet: params.maxClipsPerSet,
      maxNewTokens: params.maxNewTokens,
    },
  };
}
