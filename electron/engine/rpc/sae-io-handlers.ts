/** PLACEHOLDER: being built; replace this whole file. */
import { AppError } from '../../common/errors.js';
import type { HandlerDeps } from './handlers.js';
import type { RpcHandlers } from './rpc-server.js';

type Methods = 'saes.import' | 'saes.export';

export function createSaeIoHandlers(_deps: HandlerDeps): Pick<RpcHandlers, Methods> {
  const notYet = (): never => {
    throw new AppError('unavailable', 'Not built yet.');
  };
  return new Proxy({} as Pick<RpcHandlers, Methods>, { get: () => notYet });
}
