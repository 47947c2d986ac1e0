import type { FetchBaseQueryError } from '@reduxjs/toolkit/query';
import type { SerializedError } from '@reduxjs/toolkit';

/** The error an endpoint of {@link chatApi} fails with. */
export type ChatQueryError = FetchBaseQueryError;

/** Text worth showing: not blank, and not a page of markup (a proxy's HTML error page). */
const isWords = (text: string) => text.trim().length > 0 && !/^\s*</.test(text);

function detailOf(data: unknown): string | null {
  if (data && typeof data === 'object' && 'detail' in data) {
    const { detail } = data as { detail: unknown };
    if (typeof detail === 'string' && isWords(detail)) return detail;
    // FastAPI-style validation errors: [{msg, loc}, …]
    if (Array.isArray(detail)) {
      const messages = detail
        .map((item: unknown) =>
          item && typeof item === 'object' && 'msg' in item ? String(item.msg) : '',
        )
        .filter(isWords);
      if (messages.length) return messages.join('; ');
    }
  }
  return typeof data === 'string' && isWords(data) && data.length < 300 ? data : null;
}

/**
 * A human-readable sentence for any error the package meets: the server's
 * `detail` when it sent one, else a description of the failure.
 *
 * @example
 * ```ts
 * describeChatError({ status: 403, data: { detail: 'Only the sender may edit' } }); // 'Only the sender may edit'
 * describeChatError({ status: 'FETCH_ERROR', error: 'TypeError: fetch failed' }); // 'Network error: …'
 * ```
 */
export function describeChatError(error: unknown): string {
  if (!error || typeof error !== 'object') return String(error ?? 'Unknown error');
  const e = error as Partial<FetchBaseQueryError> & Partial<SerializedError>;
  if ('status' in e && e.status !== undefined) {
    const fromServer = 'data' in e ? detailOf(e.data) : null;
    switch (e.status) {
      case 'FETCH_ERROR':
        return `Network error: ${'error' in e ? String(e.error) : 'the server is unreachable'}`;
      case 'TIMEOUT_ERROR':
        return 'The server did not answer in time';
      case 'PARSING_ERROR':
        return 'The server sent an answer that is not valid JSON';
      case 'CUSTOM_ERROR':
        return 'error' in e ? String(e.error) : 'Request failed';
      default:
        return fromServer ?? `Request failed with status ${String(e.status)}`;
    }
  }
  if (typeof e.message === 'string') return e.message;
  return 'Unknown error';
}

/**
 * The words for a rejected RTK Query promise (`queryFulfilled`, `unwrap()`),
 * which carries the base query's error in `error`.
 */
export function describeRejection(failure: unknown): string {
  const inner =
    failure && typeof failure === 'object' && 'error' in failure ? failure.error : undefined;
  return describeChatError(inner ?? failure);
}

/**
 * Thrown by the direct API functions ({@link createChatClient}) when a call
 * fails. `status` is the HTTP status, or a string such as `'FETCH_ERROR'`.
 *
 * @example
 * ```ts
 * try { await getConversation(id); } catch (e) { if (e instanceof ChatApiError && e.status === 404) … }
 * ```
 */
export class ChatApiError extends Error {
  readonly status: number | string;
  readonly data: unknown;

  constructor(error: ChatQueryError) {
    super(describeChatError(error));
    this.name = 'ChatApiError';
    this.status = error.status;
    this.data = 'data' in error ? error.data : undefined;
  }
}

/**
 * A machine-readable code for an error: the server's `code` field when it sent
 * one, else `http_<status>` for an HTTP status, else the RTK Query status in
 * lower case (`fetch_error`, `timeout_error`, …).
 *
 * @example
 * ```ts
 * errorCodeOf({ status: 400, data: { detail: 'text: too long', code: 'validation_error' } }); // 'validation_error'
 * errorCodeOf({ status: 404, data: {} }); // 'http_404'
 * ```
 */
export function errorCodeOf(error: ChatQueryError): string {
  // A `code` counts only in a refusal's body: the data of a PARSING_ERROR or
  // of an answer of the wrong shape is no word of the server's about an error.
  const data = typeof error.status === 'number' && 'data' in error ? error.data : undefined;
  if (data && typeof data === 'object' && 'code' in data && typeof data.code === 'string')
    return data.code;
  return typeof error.status === 'number'
    ? `http_${error.status}`
    : String(error.status).toLowerCase();
}

/** True for failures worth retrying: no answer at all, or a server fault (5xx). */
export function isTransientError(error: ChatQueryError): boolean {
  if (typeof error.status === 'number') return error.status >= 500;
  return error.status === 'FETCH_ERROR' || error.status === 'TIMEOUT_ERROR';
}

/**
 * The server's retry hint of a REST error (`retry_after_ms` in its body):
 * a finite, non-negative number of ms, at most `maxMs` (a hint beyond what a
 * timer can hold would fire at once, again and again, or hold a queue
 * forever); anything else is no hint.
 */
export function retryAfterOf(error: ChatQueryError, maxMs: number): number | null {
  const data = 'data' in error ? error.data : undefined;
  const hint =
    data && typeof data === 'object'
      ? (data as { retry_after_ms?: unknown }).retry_after_ms
      : undefined;
  if (typeof hint !== 'number' || !Number.isFinite(hint) || hint < 0) return null;
  return Math.min(hint, maxMs);
}
