/** PLACEHOLDER until the probing evaluation is built: refuses every request. */
import { AppError } from '../../../common/errors.js';
import type { PaperEvalDefinition } from '../definition.js';

export const probingEvaluation: PaperEvalDefinition<'probing'> = {
  kind: 'probing',
  title: () => 'probing evaluation',
  check: () => {
    throw new AppError('unavailable', 'The probing evaluation is not available in this build.');
  },
  run: () => Promise.reject(new AppError('unavailable', 'The probing evaluation is not available in this build.')),
  tables: () => [],
  summary: () => [],
};
