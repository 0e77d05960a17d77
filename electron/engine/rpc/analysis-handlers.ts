/** `saes.analyze` (a job: feature statistics and examples over an activation run) and `saes.analysis`. */
import { analysisRun } from '../analysis/feature-analyser.js';
import type { AnalyzeParams } from '../analysis/analyze-job.js';
import { found, type HandlerDeps } from './handlers.js';
import type { RpcHandlers } from './rpc-server.js';

type Methods = 'saes.analyze' | 'saes.analysis';

export function createAnalysisHandlers(deps: HandlerDeps): Pick<RpcHandlers, Methods> {
  const { jobs, activations, saes, analyses } = deps;
  return {
    'saes.analyze': (params) => {
      // Refuse a bad pair now rather than as a failed job.
      analysisRun(activations, found(saes.get(params.saeId), 'SAE', params.saeId), params.runId);
      return { jobId: jobs.enqueue<AnalyzeParams>('saes.analyze', params).id };
    },
    'saes.analysis': ({ saeId }) => {
      found(saes.get(saeId), 'SAE', saeId);
      return analyses.get(saeId);
    },
  };
}
