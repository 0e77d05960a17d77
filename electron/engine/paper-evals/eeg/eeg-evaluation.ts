/** PLACEHOLDER until the eeg evaluation is built: refuses every request. */
import { AppError } from '../../../common/errors.js';
import type { PaperEvalDefinition } from '../definition.js';

export const eegEvaluation: PaperEvalDefinition<'eeg'> = {
  kind: 'eeg',
  title: () => 'eeg evaluation',
  check: () => {
    throw new AppError('unavailable', 'The eeg evaluation is not available in this build.');
  },
  run: () => Promise.reject(new AppError('unavailable', 'The eeg evaluation is not available in this build.')),
  tables: () => [],
  summary: () => [],
};
