/** PLACEHOLDER: being built; replace this whole file. */
import { AppError } from '../../common/errors.js';
import type { HandlerDeps } from './handlers.js';
import type { RpcHandlers } from './rpc-server.js';

type Methods = 'features.list' | 'features.get' | 'features.clipActivations' | 'labels.set' | 'labels.history' | 'labels.undo' | 'labels.search' | 'labels.export' | 'labels.import';

export function createFeatureHandlers(_deps: HandlerDeps): Pick<RpcHandlers, Methods> {
  const notYet = (): never => {
    throw new AppError('unavailable', 'Not built yet.');
  };
  return new Proxy({} as Pick<RpcHandlers, Methods>, { get: () => notYet });
}
