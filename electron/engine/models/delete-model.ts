/**
 * Deleting a model: its registration, optionally its activation runs (with `force`) and its
 * snapshot in the HF cache (with `deleteFiles`; see removeSnapshot for what stays untouched).
 */
import { rm } from 'node:fs/promises';
import { relative, resolve, isAbsolute } from 'node:path';
import type { ModelDeleteResult, ModelRow } from '../../common/contract.js';
import { AppError } from '../../common/errors.js';
import { removeSnapshot } from '../../../native-models/hub/index.js';
import type { ActivationsRepo } from '../extraction/activations-repo.js';
import type { ModelsRepo } from '../store/models-repo.js';

export interface DeleteModelDeps {
  models: ModelsRepo;
  activations: ActivationsRepo;
  /** Where extraction writes run folders; only folders inside it are removed. */
  activationsDir: string;
  /** Drops the model from memory (loaded sessions) before its files go. */
  unload?: (model: ModelRow) => Promise<void> | void;
}

export async function deleteModel(
  deps: DeleteModelDeps,
  modelId: number,
  { deleteFiles, force }: { deleteFiles: boolean; force: boolean },
): Promise<ModelDeleteResult> {
  const model = deps.models.get(modelId);
  if (!model) throw new AppError('not_found', `No model with id ${modelId}.`);
  const runs = deps.activations.list().filter((r) => r.modelId === modelId);
  if (runs.some((r) => r.status === 'running')) {
    throw new AppError('conflict', `${model.repoId} is being used by a running extraction; cancel it first.`);
  }
  if (runs.length > 0 && !force) {
    throw new AppError(
      'conflict',
      `${model.repoId} has ${runs.length} activation run${runs.length === 1 ? '' : 's'} (${runs.map((r) => `#${r.id}`).join(', ')}); delete with force to remove them too.`,
    );
  }
  await deps.unload?.(model);
  for (const run of runs) {
    const dir = resolve(run.dir);
    const rel = relative(resolve(deps.activationsDir), dir);
    if (run.dir !== '' && rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) await rm(dir, { recursive: true, force: true });
  }
  const deleted = deps.models.delete(modelId); // activation runs go by ON DELETE CASCADE

  let bytesFreed = 0;
  let filesKept: string | null = null;
  if (deleteFiles) {
    const sharing = deps.models.list().filter((m) => m.snapshotDir === model.snapshotDir);
    if (sharing.length > 0) {
      filesKept = `${sharing.map((m) => `${m.repoId}@${m.revision}`).join(', ')} uses the same snapshot, so its files were kept.`;
    } else {
      bytesFreed = await removeSnapshot(model.repoId, model.snapshotDir);
    }
  }
  return { deleted, runsDeleted: runs.length, bytesFreed, filesKept };
}
