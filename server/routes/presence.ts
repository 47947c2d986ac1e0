import type { FastifyInstance } from 'fastify';
import { callerOf } from '../auth';
import type { PresencePayload } from '../events';
import type { RouteContext } from './context';

/**
 * [ext] `GET /presence/`: `[{user_id, online, last_seen_at}]` of everyone who
 * shares a conversation with the caller (not the caller), by user id.
 */
export function presenceRoutes(app: FastifyInstance, { presence }: RouteContext): void {
  app.get('/presence/', async (request): Promise<PresencePayload[]> =>
    presence ? presence.sharedWith(callerOf(request)) : [],
  );
}
