/** The `saes.analyze` job: one SAE's features over an activation run (its own, or the one given). */
import { AppError } from '../../common/errors.js';
import { loadSaeCheckpoint } from '../../../native-models/sae/sae-checkpoint.js';
import type { ActivationsRepo } from '../extraction/activations-repo.js';
import type { JobDefinition } from '../jobs/job-manager.js';
import type { SaesRepo } from '../training/saes-repo.js';
import type { AnalysisRepo } from './analysis-repo.js';
import { analyseAndStore, analysisRun, type AnalyseResult, type FeatureAnalyserOptions } from './feature-analyser.js';

export interface AnalyzeParams {
  saeId: number;
  runId?: number;
  topN: number;
  quantileSamples: number;
}

export function analyzeSaeJob(activations: ActivationsRepo, saes: SaesRepo, analyses: AnalysisRepo, options: FeatureAnalyserOptions): JobDefinition<AnalyzeParams> {
  return {
    title: (p) => `Analyse SAE ${p.saeId}${p.runId === undefined ? '' : ` on run ${p.runId}`} (top ${p.topN})`,
    async run({ jobId, params, progress, throwIfCancelled }): Promise<AnalyseResult> {
      const sae = saes.get(params.saeId);
      if (!sae) throw new AppError('not_found', `No SAE with id ${params.saeId}.`);
      const run = analysisRun(activations, sae, params.runId);
      if (sae.checkpointPath === null) throw new AppError('bad_input', `SAE ${sae.id} has no saved weights to analyse.`);
      const { config, weights } = await loadSaeCheckpoint(sae.checkpointPath);
      progress({ done: 0, total: run.frames * (params.quantileSamples > 0 ? 2 : 1), unit: 'frames', message: 'starting' });
      return analyseAndStore(activations, analyses, options, {
        run,
        saes: [{ saeId: sae.id, layer: sae.layer, architecture: config.architecture, k: config.k, weights }],
        topN: params.topN,
        quantileSamples: params.quantileSamples,
        jobId,
        onProgress: (done, total, message) => progress({ done, total, unit: 'frames', message }),
        throwIfCancelled,
      });
    },
  };
}
