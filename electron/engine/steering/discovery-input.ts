/**
 * Checks a discovery request and resolves its two sets: two runs (non-speech, speech) or one run
 * split by a clip label. Bad pairs are refused with what to do, before a job is queued.
 */
import type { ActivationRunSummary, RpcParsedParams, SaeSummary } from '../../common/contract.js';
import { AppError } from '../../common/errors.js';
import { analysisRun } from '../analysis/feature-analyser.js';
import type { ActivationsRepo } from '../extraction/activations-repo.js';
import type { SaesRepo } from '../training/saes-repo.js';
import type { SteeringRepo } from './steering-repo.js';

export type DiscoverParams = RpcParsedParams<'steering.discover'>;

export interface ResolvedSet {
  run: ActivationRunSummary;
  /** Clips of the run in the positive (non-speech) set; `all` or `none` for a run given whole. */
  positive: 'all' | 'none' | ReadonlySet<number>;
}

export interface ResolvedDiscovery {
  sae: SaeSummary;
  sets: ResolvedSet[];
}

export interface DiscoveryDeps {
  activations: ActivationsRepo;
  saes: SaesRepo;
  steering: SteeringRepo;
}

function runFor(deps: DiscoveryDeps, sae: SaeSummary, runId: number, role: string): ActivationRunSummary {
  const run = deps.activations.get(runId);
  if (!run) throw new AppError('not_found', `No activation run with id ${runId} (${role}).`);
  if (run.modelId !== sae.modelId) {
    throw new AppError('bad_input', `The ${role} run ${runId} was extracted with model ${run.modelId}, but SAE ${sae.id} belongs to model ${sae.modelId}: extract that set with model ${sae.modelId}.`);
  }
  return analysisRun(deps.activations, sae, runId);
}

export function resolveDiscovery(deps: DiscoveryDeps, params: DiscoverParams): ResolvedDiscovery {
  const sae = deps.saes.get(params.saeId);
  if (!sae) throw new AppError('not_found', `No SAE with id ${params.saeId}.`);
  if (sae.checkpointPath === null) throw new AppError('bad_input', `SAE ${sae.id} has no saved weights.`);
  if (params.nonspeechRunId !== undefined && params.speechRunId !== undefined) {
    if (params.nonspeechRunId === params.speechRunId) {
      throw new AppError('bad_input', `The non-speech and speech runs are both run ${params.speechRunId}: give two runs, or one run with --positive key=value.`);
    }
    return {
      sae,
      sets: [
        { run: runFor(deps, sae, params.nonspeechRunId, 'non-speech'), positive: 'all' },
        { run: runFor(deps, sae, params.speechRunId, 'speech'), positive: 'none' },
      ],
    };
  }
  if (params.runId === undefined || params.positive === undefined) {
    throw new AppError('bad_input', 'Give either nonspeechRunId and speechRunId, or runId and positive {key, value}.');
  }
  const run = runFor(deps, sae, params.runId, 'labelled');
  const { key, value } = params.positive;
  const labelled = deps.steering.labelledClips(run.id, params.positive);
  const { clips } = deps.steering.runClipCounts(run.id, params.positive);
  if (labelled.length === 0) {
    const values = deps.steering.labelValues(run.datasetId, key);
    const known = values.length > 0 ? `its clips carry ${key} = ${values.join(', ')}` : `no clip of its dataset has a "${key}" label`;
    throw new AppError('bad_input', `No clip of activation run ${run.id} carries the label ${key}=${value} (${known}): pick the label of the non-speech clips.`);
  }
  if (labelled.length === clips) {
    throw new AppError('bad_input', `All ${clips} clips of activation run ${run.id} carry ${key}=${value}, so nothing is left for the speech set: pick a label only the non-speech clips carry.`);
  }
  return { sae, sets: [{ run, positive: new Set(labelled) }] };
}
