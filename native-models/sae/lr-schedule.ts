/**
 * Learning rate at a (0-based) step: linear warm-up over `warmupSteps`, constant, then linear
 * decay to zero from `decayStartFraction` of `totalSteps` (the paper: 200k steps, decay from 160k).
 */
export interface LrSchedule {
  lr: number;
  totalSteps: number;
  warmupSteps: number;
  decayStartFraction: number;
}

export function learningRateAt(step: number, schedule: LrSchedule): number {
  const { lr, totalSteps, warmupSteps, decayStartFraction } = schedule;
  const warm = warmupSteps > 0 ? Math.min(1, (step + 1) / warmupSteps) : 1;
  const decayStart = Math.floor(totalSteps * decayStartFraction);
  const decay = step < decayStart ? 1 : Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - decayStart));
  return lr * warm * decay;
}
