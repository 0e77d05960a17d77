/**
 * Messages between the Electron main process, the preload script, the renderer and the
 * engine utility process. Only the MessagePort and the engine's state cross; all RPC
 * traffic then flows renderer <-> engine over the port, never through main.
 */

/** main -> engine (utility process parentPort), with one transferred MessagePort. */
export interface ConnectPortMessage {
  type: 'connect';
}

/** engine -> main (parentPort) once the store is open and the engine accepts connections. */
export interface EngineReadyMessage {
  type: 'ready';
  pid: number;
}

/** IPC channel main uses to send the renderer's end of the port (to the preload). */
export const ENGINE_PORT_IPC_CHANNEL = 'audiosae:engine-port';
/** IPC channel main uses to send the engine's state (to the preload). */
export const ENGINE_STATE_IPC_CHANNEL = 'audiosae:engine-state';

/** Tag on window.postMessage data from the preload, so the renderer ignores anything else. */
export const PRELOAD_MESSAGE_SOURCE = 'audiosae-preload';

export type EngineState = 'starting' | 'ready' | 'restarting' | 'failed';

export interface EngineStateUpdate {
  state: EngineState;
  restarts: number;
  /** Why the engine stopped, when it did (exit code, crash reason). */
  reason?: string;
}

/** preload -> renderer through window.postMessage (the port rides in `ports`). */
export type PreloadMessage =
  | { source: typeof PRELOAD_MESSAGE_SOURCE; type: 'engine-port' }
  | ({ source: typeof PRELOAD_MESSAGE_SOURCE; type: 'engine-state' } & EngineStateUpdate);

/** Environment variables the supervisor passes to the engine process. */
export const ENGINE_ENV = {
  dataDir: 'AUDIOSAE_DATA_DIR',
  restarts: 'AUDIOSAE_ENGINE_RESTARTS',
} as const;
