import type { FastifyInstance } from 'fastify';
import { callerOf } from '../auth';
import { parseAddParticipant, pathUserId, pathUuid } from '../validation';
import type { RouteContext } from './context';

/** `/conversations/{id}/participants/` and `/conversations/{id}/participants/{user_id}`. */
export function participantRoutes(app: FastifyInstance, { chat }: RouteContext): void {
  app.post<{ Params: { id: string } }>(
    '/conversations/:id/participants/',
    async (request, reply) => {
      const conversationId = pathUuid(request.params.id);
      const { user_id } = parseAddParticipant(request.body);
      const added = chat.addParticipant(callerOf(request), conversationId, user_id);
      return reply.code(201).send(added);
    },
  );

  app.delete<{ Params: { id: string; userId: string } }>(
    '/conversations/:id/participants/:userId',
    async (request, reply) => {
      const conversationId = pathUuid(request.params.id);
      const userId = pathUserId(request.params.userId);
      chat.removeParticipant(callerOf(request), conversationId, userId);
      return reply.code(204).send();
    },
  );
}
