/** The engine calls of the Live page, typed by the contract. */
import type { RpcParams } from '../../../electron/common/contract.js';
import { rpc } from './rpc.js';

export const liveApi = {
  listModels: () => rpc.call('models.list', {}),
  listSaes: () => rpc.call('saes.list', {}),
  presets: (saeId: number) => rpc.call('steering.presets', { saeId }),
  start: (params: RpcParams<'live.start'>) => rpc.call('live.start', params),
  push: (sessionId: number, samples: Uint8Array<ArrayBuffer>) => rpc.call('live.push', { sessionId, samples }),
  configure: (params: RpcParams<'live.configure'>) => rpc.call('live.configure', params),
  stop: (sessionId: number) => rpc.call('live.stop', { sessionId }),
  saveTake: (sessionId: number, seconds?: number) => rpc.call('live.saveTake', seconds === undefined ? { sessionId } : { sessionId, seconds }),
};
