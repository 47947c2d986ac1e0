import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The JSON body of every error answer: `{detail, code}` (plus `retry_after_ms` on a 429). */
export interface ErrorBody {
  detail: string;
  code: string;
  retry_after_ms?: number;
}

/**
 * An error that becomes a 4xx answer with `{detail, code}` over REST and an
 * `error` frame `{code, detail}` over a socket. Business rules throw these;
 * nothing else reaches a client.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly code: string,
  ) {
    super(detail);
    this.name = 'HttpError';
  }
}

/**
 * 429 `rate_limited`: REST answers it with `Retry-After` (whole seconds) and
 * `retry_after_ms` in the body; a socket answers an `error` frame with `retry_after_ms`.
 */
export class RateLimitedError extends HttpError {
  constructor(
    readonly retryAfterMs: number,
    detail = 'Too many requests; slow down.',
  ) {
    super(429, detail, 'rate_limited');
    this.name = 'RateLimitedError';
  }
}

/** The detail of a `rate_limited` answer: what was too much, and the wait. */
export function rateLimitedDetail(what: string, retryAfterMs: number): string {
  const seconds = Math.ceil(retryAfterMs / 1000);
  return `Too many ${what}; try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;
}

/** A 429 for a refused take from a token bucket, with its wait in the detail. */
export function rateLimited(what: string, retryAfterMs: number): RateLimitedError {
  const wait = Math.max(1, Math.ceil(retryAfterMs));
  return new RateLimitedError(wait, rateLimitedDetail(what, wait));
}

export const badRequest = (detail: string, code = 'bad_request') =>
  new HttpError(400, detail, code);
export const unauthorized = (detail: string, code = 'not_authenticated') =>
  new HttpError(401, detail, code);
export const forbidden = (detail: string) => new HttpError(403, detail, 'forbidden');
export const notFound = (detail = 'Not found.') => new HttpError(404, detail, 'not_found');
export const conflict = (detail: string, code = 'conflict') => new HttpError(409, detail, code);
export const invalid = (detail: string, code = 'validation_error') =>
  new HttpError(422, detail, code);

/** Fastify's own errors for bad input, mapped to our statuses and wording. */
const frameworkErrors: Record<string, { status: number; detail: string; code: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    detail: 'Request body is too large.',
    code: 'body_too_large',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 400,
    detail: 'Content-Type must be application/json.',
    code: 'unsupported_media_type',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    detail: 'A JSON body is required.',
    code: 'body_required',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    detail: 'Content-Length does not match the body.',
    code: 'bad_request',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    detail: 'Malformed JSON body.',
    code: 'invalid_json',
  },
  FST_ERR_BAD_URL: { status: 400, detail: 'Malformed URL.', code: 'bad_request' },
  // An overlong path parameter cannot be an id of ours.
  FST_ERR_MAX_PARAM_LENGTH: { status: 404, detail: 'Not found.', code: 'not_found' },
};

function fieldOf(error: unknown, key: 'code' | 'statusCode'): unknown {
  return typeof error === 'object' && error !== null && key in error
    ? (error as Record<string, unknown>)[key]
    : undefined;
}

/**
 * Turns anything thrown while handling a request into a status and body.
 * `internal` marks the cases that are our fault (500), the only ones worth logging.
 */
export function describeError(error: unknown): {
  status: number;
  body: ErrorBody;
  internal: boolean;
} {
  if (error instanceof RateLimitedError) {
    return {
      status: error.status,
      body: { detail: error.detail, code: error.code, retry_after_ms: error.retryAfterMs },
      internal: false,
    };
  }
  if (error instanceof HttpError) {
    return {
      status: error.status,
      body: { detail: error.detail, code: error.code },
      internal: false,
    };
  }
  const code = fieldOf(error, 'code');
  const known = typeof code === 'string' ? frameworkErrors[code] : undefined;
  if (known) {
    return {
      status: known.status,
      body: { detail: known.detail, code: known.code },
      internal: false,
    };
  }
  const statusCode = fieldOf(error, 'statusCode');
  // Any other framework error that already knows it is the client's fault.
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const detail = error instanceof Error && error.message ? error.message : 'Bad request.';
    return { status: statusCode, body: { detail, code: 'bad_request' }, internal: false };
  }
  return {
    status: 500,
    body: { detail: 'Internal server error.', code: 'internal_error' },
    internal: true,
  };
}

/** Sends the answer for anything thrown while handling a request. */
export function replyWithError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const { status, body, internal } = describeError(error);
  if (internal) request.log.error({ err: error }, 'request failed');
  if (status === 401) reply.header('WWW-Authenticate', 'Bearer');
  if (body.retry_after_ms !== undefined) {
    reply.header('Retry-After', String(Math.max(1, Math.ceil(body.retry_after_ms / 1000))));
  }
  return reply.code(status).send(body);
}

/** Installs the error handler that keeps every answer `{detail, code}`. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(replyWithError);
}
