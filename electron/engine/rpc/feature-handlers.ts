/** features.* (browse an analysed SAE's features) and labels.* (label, history, search, export/import). */
import type { HandlerDeps } from './handlers.js';
import type { RpcHandlers } from './rpc-server.js';

type Methods = 'features.list' | 'features.get' | 'features.clipActivations' | 'labels.set' | 'labels.history' | 'labels.undo' | 'labels.search' | 'labels.export' | 'labels.import';

export function createFeatureHandlers(deps: HandlerDeps): Pick<RpcHandlers, Methods> {
  const service = deps.features;
  return {
    'features.list': (query) => service.list(query),
    'features.get': ({ saeId, feature, neighbours }) => service.get(saeId, feature, neighbours),
    'features.clipActivations': (params) => service.clipActivations(params),
    'labels.set': ({ saeId, feature, patch, author }) => service.setLabel(saeId, feature, patch, author),
    'labels.history': ({ saeId, feature }) => service.history(saeId, feature),
    'labels.undo': ({ saeId, feature }) => service.undo(saeId, feature),
    'labels.search': ({ query, saeId, limit }) => service.search(query, saeId, limit),
    'labels.export': ({ saeId, format }) => service.exportLabels(saeId, format),
    'labels.import': (params) => service.importLabels(params),
  };
}
