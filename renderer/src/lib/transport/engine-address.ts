/**
 * Where the engine is, from the page's own address.
 * Browser/server mode: the page is http://127.0.0.1:PORT/?token=T and the RPC socket is
 * ws://127.0.0.1:PORT/rpc?token=T. Without a token in the address the socket still goes to
 * /rpc: the server's HttpOnly cookie (set when the printed URL was first opened) may let it in.
 * Electron: the page is app://... and the preload hands over a MessagePort.
 */
export type EngineAddress = { transport: 'websocket'; url: string; hasToken: boolean } | { transport: 'electron' };

export interface PageLocation {
  protocol: string;
  host: string;
  search: string;
}

export function engineAddress(location: PageLocation): EngineAddress {
  const isHttp = location.protocol === 'http:' || location.protocol === 'https:';
  if (!isHttp) return { transport: 'electron' };
  const token = new URLSearchParams(location.search).get('token');
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return { transport: 'websocket', url: `${scheme}//${location.host}/rpc${query}`, hasToken: Boolean(token) };
}
