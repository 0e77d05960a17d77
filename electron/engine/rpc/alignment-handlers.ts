/** alignments.import (TextGrid / CTM for a dataset's clips) and alignments.summary. */
import { AlignmentsRepo } from '../alignments/alignments-repo.js';
import { importAlignments } from '../alignments/import-alignments.js';
import { found, type HandlerDeps } from './handlers.js';
import type { RpcHandlers } from './rpc-server.js';

export function createAlignmentHandlers({ store }: HandlerDeps): Pick<RpcHandlers, 'alignments.import' | 'alignments.summary'> {
  const repo = new AlignmentsRepo(store.db);
  return {
    'alignments.import': (params) => {
      found(store.datasets.get(params.datasetId), 'dataset', params.datasetId);
      return importAlignments(store.db, params);
    },
    'alignments.summary': ({ datasetId }) => {
      found(store.datasets.get(datasetId), 'dataset', datasetId);
      return repo.summary(datasetId);
    },
  };
}
