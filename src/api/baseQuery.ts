import { fetchBaseQuery, retry } from '@reduxjs/toolkit/query';
import type { BaseQueryFn } from '@reduxjs/toolkit/query';
import type { ChatQueryError } from './errors';
import { isTransientError } from './errors';
import type { TokenRefresher } from './refresh';
import type { ChatRequest } from './routes';

/** The base query every chat request goes through. */
export type ChatBaseQuery = BaseQueryFn<ChatRequest, unknown, ChatQueryError>;

export interface AuthorizedBaseQuerySettings {
  baseUrl: string;
  apiPrefix: string;
  fetchFn: typeof fetch | undefined;
  timeoutMs: number;
  maxRetries: number;
  getAccessToken(): string | null;
  refresher: TokenRefresher;
  /** Delay before retry number `attempt` (1-based); default RTK's exponential backoff. */
  retryDelay?: (attempt: number) => number;
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new Error('Aborted'));
      },
      { once: true },
    );
  });
}

function isIdempotentSend(request: ChatRequest): boolean {
  const body = request.body;
  return (
    request.method === 'POST' &&
    request.url === '/messages/' &&
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { client_id?: unknown }).client_id === 'string'
  );
}

/**
 * `fetchBaseQuery` wrapped twice:
 * - auth: the token from the getter on every request; on a 401 one shared
 *   refresh (or none, when another request already refreshed since this one
 *   was sent) and one retry;
 * - RTK's `retry`: network errors and 5xx are retried with backoff, but only
 *   for reads and for sends that carry a `client_id` (the server dedupes
 *   those); other writes are never blindly repeated.
 */
export function createAuthorizedBaseQuery(settings: AuthorizedBaseQuerySettings): ChatBaseQuery {
  const rawBaseQuery = fetchBaseQuery({
    baseUrl: settings.baseUrl.replace(/\/+$/, '') + settings.apiPrefix,
    fetchFn: settings.fetchFn,
    timeout: settings.timeoutMs,
  });

  const authorized: ChatBaseQuery = async (request, api, extraOptions) => {
    const send = (token: string | null) =>
      rawBaseQuery(
        {
          url: request.url,
          method: request.method,
          body: request.body,
          params: request.params,
          headers: token ? { Authorization: `Bearer ${token}` } : undefined,
        },
        api,
        extraOptions,
      );

    const token = settings.getAccessToken();
    const first = await send(token);
    if (first.error?.status !== 401) return first;

    const current = settings.getAccessToken();
    const fresh = current !== null && current !== token ? true : await settings.refresher.refresh();
    return fresh ? send(settings.getAccessToken()) : first;
  };

  const { retryDelay } = settings;
  return retry(authorized, {
    ...(retryDelay
      ? {
          backoff: (attempt: number, _max: number, signal?: AbortSignal) =>
            delay(retryDelay(attempt), signal),
        }
      : {}),
    retryCondition: (error, request, { attempt, baseQueryApi }) =>
      attempt <= settings.maxRetries &&
      isTransientError(error as ChatQueryError) &&
      (baseQueryApi.type === 'query' || isIdempotentSend(request as ChatRequest)),
  }) as ChatBaseQuery;
}
