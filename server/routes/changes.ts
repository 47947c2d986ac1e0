import type { FastifyInstance } from 'fastify';
import { callerOf } from '../auth';
import { parseChangesCursor } from '../changesCursor';
import { parseChangesQuery, pathUuid } from '../validation';
import type { RouteContext } from './context';

/**
 * [ext] `GET /messages/{conversation_id}/changes/?since=<cursor>&limit=<n>`:
 * edits and deletions after the cursor (creations are not listed).
 */
export function changesRoutes(app: FastifyInstance, { chat }: RouteContext): void {
  app.get<{ Params: { conversationId: string } }>(
    '/messages/:conversationId/changes/',
    async (request) => {
      const conversationId = pathUuid(request.params.conversationId);
      const { since, limit } = parseChangesQuery(request.query);
      const position = since === null ? null : parseChangesCursor(since);
      return chat.listChanges(callerOf(request), conversationId, position, limit);
    },
  );
}
