import type { FastifyInstance } from 'fastify';
import { callerOf } from '../auth';
import { parseEditMessage, parsePageQuery, parseSendMessage, pathUuid } from '../validation';
import type { RouteContext } from './context';

/**
 * `/messages/`, `/messages/{conversation_id}` (GET) and `/messages/{message_id}` (PUT, DELETE).
 * In seed-only mode `client_id` and the paging query are ignored, as the seed knows neither.
 */
export function messageRoutes(app: FastifyInstance, { chat }: RouteContext): void {
  app.post('/messages/', async (request, reply) => {
    const input = parseSendMessage(request.body, { clientId: chat.extensions });
    const { message, created } = chat.postMessage(callerOf(request), input);
    return reply.code(created ? 201 : 200).send(message);
  });

  app.get<{ Params: { conversationId: string } }>('/messages/:conversationId', async (request) => {
    const conversationId = pathUuid(request.params.conversationId);
    const page = chat.extensions ? parsePageQuery(request.query) : null;
    return chat.listMessages(callerOf(request), conversationId, page);
  });

  app.put<{ Params: { messageId: string } }>('/messages/:messageId', async (request) => {
    const messageId = pathUuid(request.params.messageId);
    const { text } = parseEditMessage(request.body);
    return chat.editMessage(callerOf(request), messageId, text);
  });

  app.delete<{ Params: { messageId: string } }>('/messages/:messageId', async (request, reply) => {
    chat.deleteMessage(callerOf(request), pathUuid(request.params.messageId));
    return reply.code(204).send();
  });
}
