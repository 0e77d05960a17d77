/** The engine calls of the paper-evaluations part of the Evaluations page, typed by the contract. */
import type { PaperEvalKind, PaperEvalRequestInput } from '../../../electron/common/paper-evals/index.js';
import type { CallOptions } from '../../../electron/common/rpc-client.js';
import { rpc } from './rpc.js';

export const paperEvalsApi = {
  listModels: () => rpc.call('models.list', {}),
  listSaes: () => rpc.call('saes.list', {}),
  listRuns: () => rpc.call('activations.runs', {}),
  listDatasets: () => rpc.call('datasets.list', {}),
  labelCounts: (datasetId: number, key?: string, options?: CallOptions) => rpc.call('datasets.labelCounts', key == null ? { datasetId } : { datasetId, key }, options),
  start: (request: PaperEvalRequestInput) => rpc.call('evals.start', request),
  list: (kind: PaperEvalKind) => rpc.call('evals.list', { kind }),
  get: (id: number, options?: CallOptions) => rpc.call('evals.get', { id }, options),
  csv: (id: number) => rpc.call('evals.csv', { id }),
  remove: (id: number) => rpc.call('evals.delete', { id }),
  importAlignments: (datasetId: number, path: string, format: 'auto' | 'textgrid' | 'ctm') => rpc.call('alignments.import', { datasetId, path, format }),
  alignmentSummary: (datasetId: number, options?: CallOptions) => rpc.call('alignments.summary', { datasetId }, options),
};
