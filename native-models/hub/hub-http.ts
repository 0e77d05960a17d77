/** HTTP to the hub: auth header, and hub errors turned into actionable AppErrors. */
import { AppError, CancelledError } from '../../electron/common/errors.js';
import type { ResolvedHubOptions } from './hub-options.js';

const USER_AGENT = 'audiosae-lab/0.1.0; hf_hub-compatible';

export interface HubTarget {
  repoId: string;
  revision: string;
  file?: string;
}

/** An AppError for "the hub could not be reached", which callers may answer from the cache. */
export function isNetworkFailure(error: unknown): boolean {
  return error instanceof AppError && (error.details as { network?: boolean } | undefined)?.network === true;
}

export async function hubFetch(
  url: string,
  init: { method?: 'GET' | 'HEAD'; headers?: Record<string, string>; redirect?: 'follow' | 'manual'; signal?: AbortSignal },
  target: HubTarget,
  options: ResolvedHubOptions,
): Promise<Response> {
  const headers: Record<string, string> = { 'User-Agent': USER_AGENT, ...init.headers };
  if (options.token) headers['Authorization'] = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(url, { method: init.method ?? 'GET', headers, redirect: init.redirect ?? 'follow', signal: init.signal });
  } catch (error) {
    throw toTransportError(error, options.endpoint, init.signal);
  }
  const redirected = response.status >= 300 && response.status < 400 && init.redirect === 'manual';
  if (response.ok || redirected) return response;
  await response.body?.cancel().catch(() => undefined);
  throw hubHttpError(response, target, options);
}

export function toTransportError(error: unknown, endpoint: string, signal?: AbortSignal): AppError {
  if (signal?.aborted || (error instanceof Error && error.name === 'AbortError')) return new CancelledError('Download cancelled');
  if (error instanceof AppError) return error;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new AppError(
    'unavailable',
    `Cannot reach the model hub at ${endpoint} (${reason}). Check the network connection, or set HF_HUB_OFFLINE=1 to use only cached models.`,
    { network: true },
  );
}

function hubHttpError(response: Response, target: HubTarget, options: ResolvedHubOptions): AppError {
  const code = response.headers.get('x-error-code');
  const where = `${target.repoId}@${target.revision}`;
  if (code === 'RepoNotFound' || (response.status === 404 && target.file === undefined && code === null)) {
    return new AppError(
      'not_found',
      `Model repo ${target.repoId} was not found on ${options.endpoint}. Check the name${options.token ? '' : ', or set HF_TOKEN if it is private or gated'}.`,
    );
  }
  if (code === 'RevisionNotFound') return new AppError('not_found', `Revision "${target.revision}" does not exist in ${target.repoId}.`);
  if (code === 'EntryNotFound' || response.status === 404) {
    return new AppError('not_found', `${target.file ?? 'The file'} is not in ${where}.`);
  }
  if (response.status === 401 || response.status === 403 || code === 'GatedRepo') {
    return new AppError(
      'unavailable',
      `${options.endpoint} refused access to ${target.repoId} (HTTP ${response.status}). ${options.token ? 'The token in HF_TOKEN has no access: accept the model licence on the Hub or use another token.' : 'It may be private or gated: set HF_TOKEN to a token with access.'}`,
    );
  }
  return new AppError(
    'unavailable',
    `The model hub answered HTTP ${response.status} for ${target.file ? `${target.file} in ` : ''}${where}. Try again later.`,
    { network: response.status >= 500 },
  );
}
