/** saes.import and saes.export: SAE checkpoints in and out of the store (electron/engine/saes/). */
import { exportSae } from '../saes/export-sae.js';
import { importSae } from '../saes/import-sae.js';
import { SaeIoRepo } from '../saes/sae-io-repo.js';
import type { HandlerDeps } from './handlers.js';
import type { RpcHandlers } from './rpc-server.js';

type Methods = 'saes.import' | 'saes.export';

export function createSaeIoHandlers(deps: HandlerDeps): Pick<RpcHandlers, Methods> {
  const io = new SaeIoRepo(deps.store.db);
  return {
    'saes.import': async (params) => {
      const sae = await importSae({ models: deps.store.models, saes: deps.saes, io, saesDir: deps.saesDir }, params);
      deps.notify?.({ type: 'saes.changed' });
      return sae;
    },
    'saes.export': (params) => exportSae(deps.saes, io, params),
  };
}
