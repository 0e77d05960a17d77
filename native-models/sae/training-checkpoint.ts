/**
 * A resumable training checkpoint: the own SAE checkpoint (sae.safetensors + cfg.json, usable on
 * its own) plus `optimizer.safetensors` (Adam moments m_*, v_*) and `trainer_state.json` (step,
 * dead-latent counters, threshold EMA). Loading it into a trainer built from the same config and
 * feeding the same batches reproduces an uninterrupted run bit for bit.
 * A checkpoint folder is complete or absent: it is written as `<folder>.partial`, each file
 * fsynced, then renamed into place. Write each checkpoint to a new folder (e.g. `step-000200`) and
 * delete older ones after; the newest folder that exists is the last good checkpoint.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../electron/common/errors.js';
import { readSafetensorsTensor, writeSafetensors } from '../formats/safetensors.js';
import { loadSaeCheckpoint, readJson, saveSaeCheckpoint, writeJsonAtomically } from './sae-checkpoint.js';
import type { SaeConfig } from './sae-config.js';
import type { SaeTrainingState } from './sae-trainer.js';
import { PARAMETER_NAMES } from './training-graph.js';

export const OPTIMIZER_FILE = 'optimizer.safetensors';
export const TRAINER_STATE_FILE = 'trainer_state.json';

export function saveTrainingCheckpoint(target: string, config: SaeConfig, state: SaeTrainingState): void {
  if (existsSync(target)) throw new AppError('conflict', `The checkpoint folder ${target} already exists; write each checkpoint to a new folder.`);
  const folder = `${target}.partial`;
  rmSync(folder, { recursive: true, force: true });
  saveSaeCheckpoint(folder, config, state.weights);
  const shape = (length: number) => [length];
  writeSafetensors(
    join(folder, OPTIMIZER_FILE),
    Object.entries(state.adam).map(([name, values]) => ({ name, dtype: 'F32' as const, shape: shape(values.length), bytes: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) })),
  );
  writeJsonAtomically(join(folder, TRAINER_STATE_FILE), {
    step: state.step,
    thresholdEstimate: state.thresholdEstimate,
    decoderBiasInitialised: state.decoderBiasInitialised,
    tokensSinceFired: Array.from(state.tokensSinceFired),
  });
  renameSync(folder, target);
}

export async function loadTrainingCheckpoint(folder: string): Promise<{ config: SaeConfig; state: SaeTrainingState }> {
  const statePath = join(folder, TRAINER_STATE_FILE);
  if (!existsSync(statePath)) throw new AppError('not_found', `${folder} holds no training checkpoint (${TRAINER_STATE_FILE} is missing).`);
  const { config, weights } = await loadSaeCheckpoint(folder);
  const raw = readJson(statePath) as { step?: unknown; thresholdEstimate?: unknown; decoderBiasInitialised?: unknown; tokensSinceFired?: unknown };
  if (typeof raw.step !== 'number' || !Array.isArray(raw.tokensSinceFired) || raw.tokensSinceFired.length !== config.dSae) {
    throw new AppError('bad_input', `${statePath} is not a valid trainer state for a ${config.dSae}-latent SAE.`);
  }
  const adam = {} as SaeTrainingState['adam'];
  for (const name of PARAMETER_NAMES) {
    for (const moment of ['m', 'v'] as const) {
      const key = `${moment}_${name}` as const;
      const tensor = (await readSafetensorsTensor(join(folder, OPTIMIZER_FILE), key)).data;
      if (tensor.length !== weights[name].length) throw new AppError('bad_input', `${join(folder, OPTIMIZER_FILE)}: ${key} has ${tensor.length} values, ${name} has ${weights[name].length}.`);
      adam[key] = tensor;
    }
  }
  return {
    config,
    state: {
      step: raw.step,
      weights,
      adam,
      tokensSinceFired: Float64Array.from(raw.tokensSinceFired as number[]),
      thresholdEstimate: typeof raw.thresholdEstimate === 'number' ? raw.thresholdEstimate : null,
      decoderBiasInitialised: raw.decoderBiasInitialised === true,
    },
  };
}
