/**
 * The engine as an Electron utility process. Electron's main forks this file; it gets
 * MessagePorts through `process.parentPort` and serves the RPC contract on each. It
 * never imports electron: the parentPort shape is declared here.
 */
import { ENGINE_ENV, type ConnectPortMessage, type EngineReadyMessage } from '../common/shell-protocol.js';
import { resolveDataDir } from './data-dir.js';
import { Engine } from './engine.js';
import { MessagePortChannel, type MessagePortLike } from './transports/message-port-channel.js';

interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown; ports: MessagePortLike[] }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parentPort) {
  console.error('utility-entry runs only as an Electron utility process; use `audiosae serve` from a shell.');
  process.exit(1);
}

const engine = Engine.open({
  dataDir: resolveDataDir(),
  restarts: Number(process.env[ENGINE_ENV.restarts] ?? 0),
});

parentPort.on('message', (event) => {
  const message = event.data as Partial<ConnectPortMessage> | undefined;
  const port = event.ports[0];
  if (message?.type === 'connect' && port) engine.connect(new MessagePortChannel(port));
});

const ready: EngineReadyMessage = { type: 'ready', pid: process.pid };
parentPort.postMessage(ready);

const stop = () => void engine.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
