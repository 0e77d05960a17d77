/** live.*: microphone sessions (electron/engine/live/), each owned by the connection that started it. */
import { decodeFloat32Chunk } from '../live/audio-chunk.js';
import type { HandlerDeps } from './handlers.js';
import type { RpcHandlers } from './rpc-server.js';

type Methods = 'live.start' | 'live.push' | 'live.configure' | 'live.stop' | 'live.saveTake';

export function createLiveHandlers(deps: Pick<HandlerDeps, 'live'>): Pick<RpcHandlers, Methods> {
  const { live } = deps;
  return {
    'live.start': (params, { client }) => live.start(params, client),
    'live.push': ({ sessionId, samples }, { client }) => live.push(sessionId, decodeFloat32Chunk(samples), client),
    'live.configure': ({ sessionId, ...change }, { client }) => live.configure(sessionId, change, client),
    'live.stop': ({ sessionId }, { client }) => live.stop(sessionId, client),
    'live.saveTake': ({ sessionId, seconds }, { client }) => live.saveTake(sessionId, seconds, client),
  };
}
