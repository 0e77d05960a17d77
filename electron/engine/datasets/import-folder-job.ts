/**
 * The dataset import job: scan a folder, probe and hash every audio file, then write the
 * dataset and all its clips in one transaction. One bad file never stops the rest; it is
 * listed in the job's result. A cancelled or crashed import writes nothing.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AppError } from '../../common/errors.js';
import { probeWav } from '../audio/wav.js';
import type { JobDefinition } from '../jobs/job-manager.js';
import type { DatasetsRepo, NewClip } from '../store/datasets-repo.js';
import { scanAudioFiles } from './scan-folder.js';

export interface ImportFolderParams {
  name: string;
  folder: string;
}

export interface ImportFailure {
  path: string;
  reason: string;
}

export interface ImportFolderResult {
  datasetId: number;
  imported: number;
  failures: ImportFailure[];
}

export function importFolderJob(
  datasets: DatasetsRepo,
  onImported: (datasetId: number) => void,
): JobDefinition<ImportFolderParams> {
  return {
    title: (params) => `Import "${params.name}" from ${params.folder}`,
    async run({ params, progress, signal, throwIfCancelled, jobId }) {
      progress({ done: 0, total: null, unit: 'files', message: 'Scanning folder' });
      const files = await scanAudioFiles(params.folder, signal);
      if (files.length === 0) {
        throw new AppError('bad_input', `No audio files (.wav) found in ${params.folder}`);
      }
      const clips: NewClip[] = [];
      const failures: ImportFailure[] = [];
      for (const [index, file] of files.entries()) {
        throwIfCancelled();
        if (!file.supported) {
          failures.push({ path: file.path, reason: 'Unsupported format: only WAV is imported so far.' });
        } else {
          try {
            const bytes = await readFile(file.path);
            const info = probeWav(bytes, file.path);
            clips.push({
              path: file.path,
              relativePath: file.relativePath,
              sha256: createHash('sha256').update(bytes).digest('hex'),
              durationSec: info.durationSec,
              sampleRate: info.sampleRate,
              channels: info.channels,
            });
          } catch (error) {
            failures.push({ path: file.path, reason: (error as Error).message });
          }
        }
        progress({ done: index + 1, total: files.length, unit: 'files', message: file.relativePath });
      }
      if (clips.length === 0) {
        throw new AppError(
          'bad_input',
          `None of the ${files.length} audio files in ${params.folder} could be read.`,
          { failures },
        );
      }
      throwIfCancelled();
      const datasetId = datasets.createWithClips(params.name, params.folder, jobId, clips);
      onImported(datasetId);
      const result: ImportFolderResult = { datasetId, imported: clips.length, failures };
      return result;
    },
  };
}
