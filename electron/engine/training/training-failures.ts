/**
 * Failures a training job must explain rather than pass through: a full disk while writing a
 * checkpoint (the partial write is removed, the previous checkpoint stays), and a loss that stops
 * being finite (the SAE diverged).
 */
import { rmSync } from 'node:fs';
import { AppError } from '../../common/errors.js';
import type { StepMetrics } from '../../../native-models/sae/sae-trainer.js';

const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);

/**
 * Runs a checkpoint write into `target`; on failure removes `partial` (what the write leaves
 * behind) and turns a full disk or quota into a message that says where and what to do.
 */
export function writeCheckpointOrExplain<T>(target: string, partial: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code !== undefined && DISK_FULL_CODES.has(code)) {
      throw new AppError(
        'unavailable',
        `The disk is full (${code}): could not write the SAE checkpoint ${target}. Free space on that disk (or move the data folder with --data-dir) and resume the job; the previous checkpoint is kept.`,
        { path: target, errno: code },
      );
    }
    throw error;
  }
}

/** Refuses to go on once a step's loss is NaN or infinite: later steps and checkpoints would be garbage. */
export function assertFiniteLoss(metrics: StepMetrics, saeId: number, layer: number, lr: number): void {
  if (Number.isFinite(metrics.mse) && Number.isFinite(metrics.auxLoss)) return;
  throw new AppError(
    'bad_input',
    `SAE ${saeId} (layer ${layer}): the loss became ${metrics.mse + metrics.auxLoss} at step ${metrics.step}, so training stopped. The activations are too large or the learning rate (${lr}) too high; train again with a lower one. Its last good checkpoint is kept.`,
    { saeId, step: metrics.step },
  );
}
