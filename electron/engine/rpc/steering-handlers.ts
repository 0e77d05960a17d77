/** steering.*: discovery of non-speech ("hallucination") features (a job), rankings and steering presets. */
import { AppError } from '../../common/errors.js';
import { resolveDiscovery, type DiscoverParams } from '../steering/discovery-input.js';
import { found, type HandlerDeps } from './handlers.js';
import type { RpcHandlers } from './rpc-server.js';

type Methods = 'steering.discover' | 'steering.discoveries' | 'steering.ranking' | 'steering.savePreset' | 'steering.presets' | 'steering.deletePreset';

export function createSteeringHandlers(deps: HandlerDeps): Pick<RpcHandlers, Methods> {
  const { jobs, activations, saes, steering } = deps;
  return {
    'steering.discover': (params) => {
      // Refuse a bad request now rather than as a failed job.
      resolveDiscovery({ activations, saes, steering }, params);
      return { jobId: jobs.enqueue<DiscoverParams>('steering.discover', params).id };
    },
    'steering.discoveries': ({ saeId }) => {
      found(saes.get(saeId), 'SAE', saeId);
      return steering.discoveries(saeId);
    },
    'steering.ranking': ({ discoveryId, offset, limit, sort }) => {
      const discovery = found(steering.discovery(discoveryId), 'discovery', discoveryId);
      return { discovery, offset, ...steering.ranking(discoveryId, sort, offset, limit) };
    },
    'steering.savePreset': ({ name, saeId, features, scale, notes }) => {
      const sae = found(saes.get(saeId), 'SAE', saeId);
      let picked: number[];
      if (Array.isArray(features)) {
        const outside = features.filter((f) => f >= sae.width);
        if (outside.length > 0) throw new AppError('bad_input', `SAE ${saeId} has features 0..${sae.width - 1}; ${outside.slice(0, 5).join(', ')} ${outside.length === 1 ? 'is' : 'are'} outside it.`);
        picked = [...new Set(features)];
      } else {
        const discovery = found(steering.discovery(features.discoveryId), 'discovery', features.discoveryId);
        if (discovery.saeId !== saeId) throw new AppError('bad_input', `Discovery ${discovery.id} ranks the features of SAE ${discovery.saeId}, not SAE ${saeId}.`);
        picked = steering.topFeatures(discovery.id, features.topN);
      }
      return steering.savePreset({ name, saeId, features: picked.map((feature) => ({ feature, scale })), notes });
    },
    'steering.presets': ({ saeId }) => steering.presets(saeId),
    'steering.deletePreset': ({ presetId }) => ({ deleted: steering.deletePreset(presetId) }),
  };
}
