/**
 * The dataset import job. Detects (or takes) the corpus layout, scans the folder, and for each
 * audio file: streams it through sha256, probes its header (and decodes a first block of a
 * compressed file), asks the layout for labels and a transcript, and commits clips in batches,
 * each batch one transaction, under a dataset marked `importing` until the end.
 *
 * - One bad file never stops the rest: it becomes a row of the import report (why it failed).
 * - Cancel or crash: committed batches stay under the still-`importing` (hidden) dataset; a
 *   resumed job (same folder, same name) continues into it and skips every file whose relative
 *   path and sha256 are already there. Nothing is half-written: a batch is all or nothing.
 * - Memory: one batch of rows and one read buffer; layouts keep their metadata tables.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { AppError } from '../../common/errors.js';
import { probeAudio } from '../audio/probe.js';
import type { JobDefinition } from '../jobs/job-manager.js';
import type { DatasetsRepo, NewClip } from '../store/datasets-repo.js';
import type { LayoutRegistry } from './layouts/index.js';
import { scanAudioFiles } from './scan-folder.js';

export interface ImportFolderParams {
  name: string;
  folder: string;
  layout?: string;
}

export interface ImportFailure {
  path: string;
  reason: string;
}

export interface ImportFolderResult {
  datasetId: number;
  layout: string;
  /** Clips written by this job. */
  imported: number;
  /** Files already in the dataset (same path and sha256), skipped. */
  skipped: number;
  failedCount: number;
  /** The first failures (all of them: datasets.importReport). */
  failures: ImportFailure[];
}

const BATCH_SIZE = 200;
const BATCH_MS = 1000;
const FAILURES_IN_RESULT = 200;

export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function describeError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'Unreadable: permission denied.';
  if (e.code === 'ELOOP') return 'Symlink loop: the link never reaches a file.';
  if (e.code === 'ENOENT') return 'The file disappeared during the import.';
  if (e.code === 'EISDIR') return 'Not a file.';
  if (error instanceof AppError) return error.message;
  return `Unreadable or corrupt: ${e.message ?? String(error)}`;
}

export function importFolderJob(
  datasets: DatasetsRepo,
  layouts: LayoutRegistry,
  onImported: (datasetId: number) => void,
): JobDefinition<ImportFolderParams> {
  return {
    title: (params) => `Import "${params.name}" from ${params.folder}`,
    async run({ params, progress, signal, throwIfCancelled, jobId }) {
      progress({ done: 0, total: null, unit: 'files', message: 'Scanning folder' });
      const layoutName = params.layout ?? 'auto';
      const importer = layoutName === 'auto' ? await layouts.detect(params.folder) : layouts.get(layoutName);
      const files = await scanAudioFiles(params.folder, signal);
      if (files.length === 0) {
        throw new AppError('bad_input', `No audio files (.wav, .flac, .mp3, .ogg, .opus, .m4a) found in ${params.folder}`);
      }
      const reader = await importer.open(params.folder);
      throwIfCancelled();
      const datasetId = datasets.beginImport(params.name, params.folder, importer.name, jobId);

      let batch: NewClip[] = [];
      let failed: ImportFailure[] = [];
      let lastCommit = performance.now();
      const firstFailures: ImportFailure[] = [];
      let imported = 0;
      let skipped = 0;
      let failedCount = 0;
      const commit = () => {
        if (batch.length === 0 && failed.length === 0) return;
        datasets.commitBatch(datasetId, jobId, batch, failed);
        imported += batch.length;
        batch = [];
        failed = [];
        lastCommit = performance.now();
      };
      const fail = (path: string, reason: string) => {
        failed.push({ path, reason });
        failedCount++;
        if (firstFailures.length < FAILURES_IN_RESULT) firstFailures.push({ path, reason });
      };
      for (const refused of reader.refused ?? []) fail(refused.path, refused.reason);

      for (const [index, file] of files.entries()) {
        throwIfCancelled();
        if (file.problem) {
          fail(file.path, file.problem);
        } else {
          try {
            const sha256 = await sha256File(file.path, signal);
            if (datasets.hasClip(datasetId, file.relativePath, sha256)) {
              skipped++;
            } else {
              const info = await probeAudio(file.path);
              const meta = await reader.describe(file.relativePath);
              batch.push({
                path: file.path,
                relativePath: file.relativePath,
                sha256,
                durationSec: info.durationSec,
                sampleRate: info.sampleRate,
                channels: info.channels,
                format: info.format,
                labels: meta.labels,
                transcript: meta.transcript,
              });
            }
          } catch (error) {
            throwIfCancelled();
            fail(file.path, describeError(error));
          }
        }
        if (batch.length >= BATCH_SIZE || performance.now() - lastCommit > BATCH_MS) {
          throwIfCancelled();
          commit();
        }
        progress({ done: index + 1, total: files.length, unit: 'files', message: file.relativePath });
      }
      throwIfCancelled();
      commit();
      if (datasets.clipCountIncludingUnfinished(datasetId) === 0) {
        datasets.delete(datasetId);
        throw new AppError(
          'bad_input',
          `None of the ${files.length} audio files in ${params.folder} could be read.`,
          { failures: firstFailures },
        );
      }
      datasets.finishImport(datasetId);
      onImported(datasetId);
      const result: ImportFolderResult = {
        datasetId,
        layout: importer.name,
        imported,
        skipped,
        failedCount,
        failures: firstFailures,
      };
      return result;
    },
  };
}
