/** Opens a WebSocket to an engine in server mode and returns it as a Channel (Node clients, tests). */
import { WebSocket } from 'ws';
import type { Channel } from '../../common/wire.js';
import { MAX_FRAME_BYTES, WebSocketChannel } from './websocket-channel.js';

export function connectWebSocket(url: string, headers: Record<string, string> = {}): Promise<Channel> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers, maxPayload: MAX_FRAME_BYTES });
    socket.once('open', () => {
      socket.off('error', reject);
      resolve(new WebSocketChannel(socket));
    });
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`WebSocket refused: HTTP ${response.statusCode}`)),
    );
  });
}
