/** An engine on a data folder with an RPC client over the in-process transport, as integration tests use it. */
import type { EngineEvent } from '../../electron/common/contract.js';
import { RpcClient } from '../../electron/common/rpc-client.js';
import { Engine, type EngineOptions } from '../../electron/engine/engine.js';
import { createInProcessChannelPair } from '../../electron/engine/transports/in-process-channel.js';
import type { TestHub } from './fixture-hub.js';

export interface InProcessEngine {
  engine: Engine;
  client: RpcClient;
  /** Every event the client received, in order. */
  events: EngineEvent[];
  close(): Promise<void>;
}

/** Opens the engine (pointed at `hub` when given) and connects a client to it. */
export function openInProcessEngine(options: EngineOptions & { testHub?: TestHub }): InProcessEngine {
  const { testHub, ...engineOptions } = options;
  const engine = Engine.open(testHub ? { ...engineOptions, hub: { endpoint: testHub.endpoint, cacheDir: testHub.cacheDir } } : engineOptions);
  const [clientEnd, engineEnd] = createInProcessChannelPair();
  engine.connect(engineEnd);
  const client = new RpcClient(clientEnd);
  const events: EngineEvent[] = [];
  client.onEvent((e) => events.push(e));
  return {
    engine,
    client,
    events,
    async close() {
      client.dispose();
      await engine.close();
    },
  };
}
