/** PLACEHOLDER until the phonemes evaluation is built: refuses every request. */
import { AppError } from '../../../common/errors.js';
import type { PaperEvalDefinition } from '../definition.js';

export const phonemesEvaluation: PaperEvalDefinition<'phonemes'> = {
  kind: 'phonemes',
  title: () => 'phonemes evaluation',
  check: () => {
    throw new AppError('unavailable', 'The phonemes evaluation is not available in this build.');
  },
  run: () => Promise.reject(new AppError('unavailable', 'The phonemes evaluation is not available in this build.')),
  tables: () => [],
  summary: () => [],
};
