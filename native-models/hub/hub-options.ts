/**
 * Where the hub client downloads from and caches to. Defaults follow huggingface_hub, so the app
 * shares its cache (and a `huggingface-cli login` token) with Python tools on the same machine.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface HubOptions {
  endpoint?: string;
  cacheDir?: string;
  offline?: boolean;
  token?: string;
}

export type ResolvedHubOptions = Required<Omit<HubOptions, 'token'>> & { token?: string };

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

export function resolveHubOptions(overrides: HubOptions = {}, env: NodeJS.ProcessEnv = process.env): ResolvedHubOptions {
  const hfHome = env['HF_HOME'] || join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'huggingface');
  const token = overrides.token ?? (env['HF_TOKEN'] || readTokenFile(env['HF_TOKEN_PATH'] || join(hfHome, 'token')));
  const resolved: ResolvedHubOptions = {
    endpoint: (overrides.endpoint ?? (env['HF_ENDPOINT'] || DEFAULT_HUB_ENDPOINT)).replace(/\/+$/, ''),
    cacheDir: overrides.cacheDir ?? (env['HF_HUB_CACHE'] || join(hfHome, 'hub')),
    offline: overrides.offline ?? isTruthy(env['HF_HUB_OFFLINE']),
  };
  if (token) resolved.token = token;
  return resolved;
}

/** huggingface_hub's reading of boolean environment variables. */
function isTruthy(value: string | undefined): boolean {
  return value !== undefined && ['1', 'on', 'yes', 'true'].includes(value.trim().toLowerCase());
}

function readTokenFile(path: string): string | undefined {
  try {
    return existsSync(path) ? readFileSync(path, 'utf8').trim() || undefined : undefined;
  } catch {
    return undefined;
  }
}
