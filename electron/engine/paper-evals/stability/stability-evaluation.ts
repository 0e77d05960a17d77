/** PLACEHOLDER until the stability evaluation is built: refuses every request. */
import { AppError } from '../../../common/errors.js';
import type { PaperEvalDefinition } from '../definition.js';

export const stabilityEvaluation: PaperEvalDefinition<'stability'> = {
  kind: 'stability',
  title: () => 'stability evaluation',
  check: () => {
    throw new AppError('unavailable', 'The stability evaluation is not available in this build.');
  },
  run: () => Promise.reject(new AppError('unavailable', 'The stability evaluation is not available in this build.')),
  tables: () => [],
  summary: () => [],
};
