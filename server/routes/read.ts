import type { FastifyInstance } from 'fastify';
import { callerOf } from '../auth';
import { parseMarkRead, pathUuid } from '../validation';
import type { RouteContext } from './context';

/**
 * [ext] `POST /conversations/{id}/read/` `{message_id}`: moves the caller's read
 * cursor forward; answers `{conversation_id, user_id, last_read_message_id}`.
 */
export function readRoutes(app: FastifyInstance, { chat }: RouteContext): void {
  app.post<{ Params: { id: string } }>('/conversations/:id/read/', async (request) => {
    const conversationId = pathUuid(request.params.id);
    const { message_id } = parseMarkRead(request.body);
    return chat.markRead(callerOf(request), conversationId, message_id);
  });
}
