/** The `evals.run` job: runs one of the paper's evaluations and stores its result. */
import { AppError, CancelledError } from '../../common/errors.js';
import type { PaperEvalJobResult, PaperEvalKind, PaperEvalRequest } from '../../common/paper-evals/index.js';
import type { JobDefinition } from '../jobs/job-manager.js';
import type { PaperEvalDefinition, PaperEvalDeps, PaperEvalTuning } from './definition.js';
import type { PaperEvalsRepo } from './paper-evals-repo.js';
import { paperEvalDefinition } from './registry.js';

function definitionOf(request: PaperEvalRequest): PaperEvalDefinition<PaperEvalKind> {
  return paperEvalDefinition(request.kind) as unknown as PaperEvalDefinition<PaperEvalKind>;
}

export function paperEvalTitle(request: PaperEvalRequest): string {
  return definitionOf(request).title(request.params as never);
}

/** Refuses a bad request (missing SAEs, wrong runs, labels, files) before a job is queued. */
export async function checkPaperEval(deps: PaperEvalDeps, request: PaperEvalRequest): Promise<void> {
  await definitionOf(request).check(deps, request.params as never);
}

export function paperEvalJob(deps: PaperEvalDeps, repo: PaperEvalsRepo, tuning: PaperEvalTuning, onStored?: (evaluationId: number) => void): JobDefinition<PaperEvalRequest> {
  return {
    title: paperEvalTitle,
    async run({ jobId, params: request, progress, throwIfCancelled }): Promise<PaperEvalJobResult> {
      const started = performance.now();
      const definition = definitionOf(request);
      const params = request.params as never;
      await definition.check(deps, params);
      const evaluationId = repo.begin(request.kind, definition.title(params), request.params, jobId);
      try {
        const result = await definition.run(
          {
            deps,
            tuning,
            progress: (done, total, unit, message) => progress({ done, total, unit, message }),
            throwIfCancelled,
          },
          params,
        );
        throwIfCancelled();
        const summary = definition.summary(result);
        repo.complete(evaluationId, result, summary);
        onStored?.(evaluationId);
        return { evaluationId, kind: request.kind, summary, seconds: (performance.now() - started) / 1000 };
      } catch (error) {
        // Bad data will fail again on resume; a cancel (or a crash) leaves the row for the resumed job.
        if (error instanceof AppError && !(error instanceof CancelledError) && error.code === 'bad_input') repo.fail(evaluationId, error.message);
        throw error;
      }
    },
  };
}
