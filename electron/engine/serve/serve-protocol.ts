/** Messages between the `audiosae serve` supervisor and its engine child (Node IPC). */
export interface ServeChildOptions {
  dataDir: string;
  port: number;
  token: string;
  staticDir: string;
  restarts: number;
}

export type ServeChildMessage =
  | { type: 'listening'; port: number; pid: number }
  | { type: 'fatal'; message: string };

export const SERVE_OPTIONS_ENV = 'AUDIOSAE_SERVE_OPTIONS';
