import type { FastifyInstance } from 'fastify';
import { requireUser } from '../auth';
import { authRoutes } from './auth';
import { changesRoutes } from './changes';
import type { RouteContext } from './context';
import { conversationRoutes } from './conversations';
import { limitRestWrites } from './limits';
import { messageRoutes } from './messages';
import { participantRoutes } from './participants';
import { searchRoutes } from './search';
import { userRoutes } from './users';

export type { RestLimits, RouteContext } from './context';

/** Mounts the [ext] auth endpoints at `/api/auth` and the chat API at `/api/unet-chat`. */
export async function registerRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  await app.register(
    async (scope) => {
      authRoutes(scope, context);
    },
    { prefix: '/api/auth' },
  );
  await app.register(
    async (scope) => {
      // Authentication runs before the body is parsed, so an anonymous caller learns nothing else.
      scope.addHook('onRequest', requireUser(context.auth));
      scope.addHook('onRequest', limitRestWrites(context));
      userRoutes(scope, context);
      conversationRoutes(scope, context);
      participantRoutes(scope, context);
      messageRoutes(scope, context);
      searchRoutes(scope, context);
      changesRoutes(scope, context);
    },
    { prefix: '/api/unet-chat' },
  );
}
