/** evals.* : start one of the paper's evaluations (job `evals.run`), list, get with tables, CSV, delete. */
import type { PaperEvalKind, PaperEvaluationDetail } from '../../common/paper-evals/index.js';
import type { PaperEvalDeps } from '../paper-evals/definition.js';
import { PaperEvalsRepo } from '../paper-evals/paper-evals-repo.js';
import { paperEvalDefinition } from '../paper-evals/registry.js';
import { checkPaperEval } from '../paper-evals/run-job.js';
import { tablesCsv } from '../paper-evals/tables-csv.js';
import { found, type HandlerDeps } from './handlers.js';
import type { RpcHandlers } from './rpc-server.js';

type Methods = 'evals.start' | 'evals.list' | 'evals.get' | 'evals.csv' | 'evals.delete';

export function createPaperEvalHandlers(handlerDeps: HandlerDeps): Pick<RpcHandlers, Methods> {
  const { jobs, store, saes, activations } = handlerDeps;
  const repo = new PaperEvalsRepo(store.db);
  const deps: PaperEvalDeps = { store, db: store.db, activations, saes };
  const detail = (id: number): PaperEvaluationDetail => {
    const stored = found(repo.get(id), 'evaluation', id);
    const definition = paperEvalDefinition(stored.kind as PaperEvalKind);
    const tables = stored.result === null ? [] : definition.tables(stored.result as never);
    return { ...stored, result: stored.result as never, tables };
  };
  return {
    'evals.start': async (request) => {
      await checkPaperEval(deps, request);
      return { jobId: jobs.enqueue('evals.run', request).id };
    },
    'evals.list': ({ kind, limit }) => repo.list(kind, limit),
    'evals.get': ({ id }) => detail(id),
    'evals.csv': ({ id }) => {
      const d = detail(id);
      return { filename: `${d.kind}-evaluation-${id}.csv`, csv: tablesCsv(d.tables) };
    },
    'evals.delete': ({ id }) => ({ deleted: repo.delete(id) }),
  };
}
