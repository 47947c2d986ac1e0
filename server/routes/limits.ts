import type { FastifyRequest } from 'fastify';
import { callerOf } from '../auth';
import { rateLimited } from '../errors';
import { holdRefusal } from '../rateLimit';
import type { RouteContext } from './context';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * An `onRequest` hook (after authentication) that takes one token per write
 * from the caller's bucket: 429 `rate_limited` with `Retry-After` when empty.
 * Reads are never limited, so a user who floods still sees their chats.
 */
export function limitRestWrites({ limits }: RouteContext) {
  return async (request: FastifyRequest): Promise<void> => {
    if (limits.writesPerUser === null || !WRITES.has(request.method)) return;
    const verdict = limits.writesPerUser.take(callerOf(request));
    if (verdict.ok) return;
    await holdRefusal(verdict.retryAfterMs);
    throw rateLimited('writes', verdict.retryAfterMs);
  };
}
