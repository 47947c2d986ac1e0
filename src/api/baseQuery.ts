import { fetchBaseQuery, retry } from '@reduxjs/toolkit/query';
import type { BaseQueryFn } from '@reduxjs/toolkit/query';
import type { ChatQueryError } from './errors';
import { isTransientError } from './errors';
import type { TokenRefresher } from './refresh';
import type { ChatRequest } from './routes';
import { checkAnswer } from './validate';

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
 * The body of an answer: JSON, or null when empty. A refusal or a fault
 * whose body is not JSON (a proxy's HTML 403, nginx's 413) keeps its text, so
 * it stays an error with its HTTP status; only a success that is not JSON is
 * a `PARSING_ERROR`.
 */
async function parseBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length === 0) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (response.ok) throw error;
    return text;
  }
}

/**
 * `fetchBaseQuery` wrapped three times:
 * - auth: the token from the getter on every request; on a 401 one shared
 *   refresh (or none, when another request already refreshed since this one
 *   was sent) and one retry;
 * - RTK's `retry`: network errors and 5xx are retried with backoff, but only
 *   for reads and for sends that carry a `client_id` (the server dedupes
 *   those); other writes are never blindly repeated;
 * - the answer's check: a request that `expects` a shape gets an error
 *   instead of an answer of another shape (validate.ts); never retried, as
 *   the same server would answer the same.
 */
export function createAuthorizedBaseQuery(settings: AuthorizedBaseQuerySettings): ChatBaseQuery {
  const rawBaseQuery = fetchBaseQuery({
    baseUrl: settings.baseUrl.replace(/\/+$/, '') + settings.apiPrefix,
    fetchFn: settings.fetchFn,
    timeout: settings.timeoutMs,
    responseHandler: parseBody,
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
  const retried = retry(authorized, {
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

  return async (request, api, extraOptions) => {
    const result = await retried(request, api, extraOptions);
    if (result.error) return result;
    return { ...checkAnswer(request, result.data), meta: result.meta };
  };
}
