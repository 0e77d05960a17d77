/** `audiosae serve`'s supervisor and engine child, started in-process for tests that kill the engine. */
import { join } from 'node:path';
import { RpcClient } from '../../electron/common/rpc-client.js';
import { generateToken } from '../../electron/engine/server/auth.js';
import { ServeSupervisor, type SupervisorEvent } from '../../electron/engine/serve/supervisor.js';
import { connectWebSocket } from '../../electron/engine/transports/websocket-client.js';

export type ListeningEvent = Extract<SupervisorEvent, { type: 'listening' }>;

export interface SupervisedEngine {
  supervisor: ServeSupervisor;
  token: string;
  port: number;
  /** A new RPC client over the WebSocket (after a restart too: the port and token stay). */
  connect(): Promise<RpcClient>;
  /** Resolves at the next time the engine child listens (i.e. after a restart). */
  nextListening(): Promise<ListeningEvent>;
  stop(): Promise<void>;
}

/** The engine child inherits this process's environment (HF_ENDPOINT, HF_HUB_CACHE, ...). */
export async function startSupervisedEngine(dataDir: string, staticDir = join(dataDir, 'no-renderer')): Promise<SupervisedEngine> {
  const token = generateToken();
  const supervisor = new ServeSupervisor({ dataDir, port: 0, token, staticDir, restartPolicy: { baseDelayMs: 50 } });
  const nextListening = () =>
    new Promise<ListeningEvent>((resolve) => {
      const listener = supervisor.onEvent((event) => {
        if (event.type === 'listening') {
          listener.dispose();
          resolve(event);
        }
      });
    });
  const first = nextListening();
  supervisor.start();
  const { port } = await first;
  return {
    supervisor,
    token,
    port,
    connect: async () => new RpcClient(await connectWebSocket(`ws://127.0.0.1:${port}/rpc?token=${token}`)),
    nextListening,
    stop: () => supervisor.stop(),
  };
}
