/** PLACEHOLDER until the domains evaluation is built: refuses every request. */
import { AppError } from '../../../common/errors.js';
import type { PaperEvalDefinition } from '../definition.js';

export const domainsEvaluation: PaperEvalDefinition<'domains'> = {
  kind: 'domains',
  title: () => 'domains evaluation',
  check: () => {
    throw new AppError('unavailable', 'The domains evaluation is not available in this build.');
  },
  run: () => Promise.reject(new AppError('unavailable', 'The domains evaluation is not available in this build.')),
  tables: () => [],
  summary: () => [],
};
