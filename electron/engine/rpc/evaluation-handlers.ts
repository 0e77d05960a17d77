/** steering.evaluate (an alpha-sweep job), and the stored evaluations: list, one with its clips, CSV. */
import type { EvaluationDetail } from '../../common/contract.js';
import { evaluationCsv } from '../evaluation/evaluation-csv.js';
import { resolveEvaluation, type EvaluateParams, type EvaluationDeps } from '../evaluation/evaluation-input.js';
import { EvaluationsRepo } from '../evaluation/evaluations-repo.js';
import { found, type HandlerDeps } from './handlers.js';
import type { RpcHandlers } from './rpc-server.js';

type Methods = 'steering.evaluate' | 'steering.evaluations' | 'steering.evaluation' | 'steering.evaluationCsv';

export function createEvaluationHandlers(handlerDeps: HandlerDeps): Pick<RpcHandlers, Methods> {
  const { jobs, store, saes, steering } = handlerDeps;
  const evaluations = new EvaluationsRepo(store.db);
  const deps: EvaluationDeps = { models: store.models, saes, datasets: store.datasets, evaluations, steering };
  const detail = (id: number): EvaluationDetail => ({ evaluation: found(evaluations.get(id), 'evaluation', id), clips: evaluations.clips(id) });
  return {
    'steering.evaluate': (params) => {
      // Refuse a bad request now rather than as a failed job.
      resolveEvaluation(deps, params);
      return { jobId: jobs.enqueue<EvaluateParams>('steering.evaluate', params).id };
    },
    'steering.evaluations': ({ saeId, limit }) => evaluations.list(saeId, limit),
    'steering.evaluation': ({ id }) => detail(id),
    'steering.evaluationCsv': ({ id }) => ({ filename: `evaluation-${id}.csv`, csv: evaluationCsv(detail(id)) }),
  };
}
