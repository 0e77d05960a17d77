/** The engine calls of the Steering page, typed by the contract. */
import type { DiscoverySort, RpcParams } from '../../../electron/common/contract.js';
import type { CallOptions } from '../../../electron/common/rpc-client.js';
import { rpc } from './rpc.js';

export const steeringApi = {
  listSaes: () => rpc.call('saes.list', {}),
  activationRuns: () => rpc.call('activations.runs', {}),
  labelCounts: (datasetId: number, options?: CallOptions) => rpc.call('datasets.labelCounts', { datasetId }, options),
  discover: (params: RpcParams<'steering.discover'>) => rpc.call('steering.discover', params),
  discoveries: (saeId: number, options?: CallOptions) => rpc.call('steering.discoveries', { saeId }, options),
  ranking: (discoveryId: number, sort: DiscoverySort, limit: number, options?: CallOptions) => rpc.call('steering.ranking', { discoveryId, sort, limit }, options),
  savePreset: (params: RpcParams<'steering.savePreset'>) => rpc.call('steering.savePreset', params),
  presets: (saeId: number, options?: CallOptions) => rpc.call('steering.presets', { saeId }, options),
  deletePreset: (presetId: number) => rpc.call('steering.deletePreset', { presetId }),
};
