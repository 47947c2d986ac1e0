import type { FastifyInstance } from 'fastify';
import { callerOf } from '../auth';
import { parseCreateConversation, pathUuid } from '../validation';
import type { RouteContext } from './context';

interface ById {
  Params: { id: string };
}

/** `/conversations/` and `/conversations/{id}`. */
export function conversationRoutes(app: FastifyInstance, { chat }: RouteContext): void {
  app.post('/conversations/', async (request, reply) => {
    const input = parseCreateConversation(request.body);
    const { conversation, created } = chat.createConversation(callerOf(request), input);
    return reply.code(created ? 201 : 200).send(conversation);
  });

  app.get('/conversations/', async (request) => chat.listConversations(callerOf(request)));

  app.get<ById>('/conversations/:id', async (request) =>
    chat.getConversation(callerOf(request), pathUuid(request.params.id)),
  );

  app.delete<ById>('/conversations/:id', async (request, reply) => {
    chat.deleteConversation(callerOf(request), pathUuid(request.params.id));
    return reply.code(204).send();
  });
}
