/** The engine calls of the Evaluations page, typed by the contract. */
import type { RpcParams } from '../../../electron/common/contract.js';
import type { CallOptions } from '../../../electron/common/rpc-client.js';
import { rpc } from './rpc.js';

export const evaluationsApi = {
  listModels: () => rpc.call('models.list', {}),
  listSaes: () => rpc.call('saes.list', {}),
  listDatasets: () => rpc.call('datasets.list', {}),
  presets: (saeId: number, options?: CallOptions) => rpc.call('steering.presets', { saeId }, options),
  evaluate: (params: RpcParams<'steering.evaluate'>) => rpc.call('steering.evaluate', params),
  evaluations: () => rpc.call('steering.evaluations', {}),
  evaluation: (id: number, options?: CallOptions) => rpc.call('steering.evaluation', { id }, options),
  csv: (id: number) => rpc.call('steering.evaluationCsv', { id }),
};
