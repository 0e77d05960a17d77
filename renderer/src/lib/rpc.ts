/**
 * The renderer's one RPC client. Transports come and go (engine restarts); the client stays,
 * so stores can subscribe to its events once.
 */
import { RpcClient } from '../../../electron/common/rpc-client.js';

export const rpc = new RpcClient();
