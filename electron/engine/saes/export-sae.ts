/**
 * saes.export: writes a complete SAE to a folder in our own format or SAELens'. The folder must
 * be new, empty, or an SAE folder already (overwritten); anything else is refused so an export
 * never mixes into unrelated files.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../../common/errors.js';
import { loadSaeCheckpoint, OWN_CONFIG_FILE, OWN_WEIGHTS_FILE, saveSaeCheckpoint } from '../../../native-models/sae/sae-checkpoint.js';
import { exportSaeLens, SAELENS_CONFIG_FILE, SAELENS_WEIGHTS_FILE } from '../../../native-models/sae/saelens-format.js';
import type { SaesRepo } from '../training/saes-repo.js';
import { type SaeIoRepo, weightsFingerprint } from './sae-io-repo.js';

export interface SaeExportParams {
  saeId: number;
  folder: string;
  format: 'audiosae' | 'saelens';
}

const FILES = { audiosae: [OWN_CONFIG_FILE, OWN_WEIGHTS_FILE], saelens: [SAELENS_CONFIG_FILE, SAELENS_WEIGHTS_FILE] } as const;

function checkTarget(folder: string): void {
  if (!existsSync(folder)) return;
  if (!statSync(folder).isDirectory()) throw new AppError('bad_input', `${folder} is a file; give a folder to export the SAE into.`);
  const names = readdirSync(folder);
  if (names.length > 0 && !names.includes(OWN_CONFIG_FILE)) {
    throw new AppError('bad_input', `${folder} is not empty and holds no SAE (no ${OWN_CONFIG_FILE}); export into a new or empty folder.`);
  }
}

export async function exportSae(saes: SaesRepo, io: SaeIoRepo, params: SaeExportParams): Promise<{ folder: string; files: string[] }> {
  const sae = saes.get(params.saeId);
  if (sae === undefined) throw new AppError('not_found', `No SAE with id ${params.saeId}.`);
  if (sae.status !== 'complete' || sae.checkpointPath === null) {
    throw new AppError('bad_input', `SAE ${sae.id} is ${sae.status}: only a complete SAE can be exported${sae.jobId === null ? '' : ` (resume job ${sae.jobId} to finish it)`}.`);
  }
  const folder = resolve(params.folder);
  checkTarget(folder);
  const { config, weights } = await loadSaeCheckpoint(sae.checkpointPath);
  // Weights of the other format would be stale beside the new cfg.json.
  const other = params.format === 'audiosae' ? SAELENS_WEIGHTS_FILE : OWN_WEIGHTS_FILE;
  rmSync(join(folder, other), { force: true });
  if (params.format === 'audiosae') saveSaeCheckpoint(folder, config, weights);
  else exportSaeLens(folder, config, weights);
  io.setFingerprintIfMissing(sae.id, weightsFingerprint(weights, config.architecture));
  return { folder, files: [...FILES[params.format]].sort() };
}
