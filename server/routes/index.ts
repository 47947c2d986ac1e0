import type { FastifyInstance } from 'fastify';
import { requireUser } from '../auth';
import { authRoutes } from './auth';
import { changesRoutes } from './changes';
import type { RouteContext } from './context';
import { conversationRoutes } from './conversations';
import { limitRestWrites } from './limits';
import { messageRoutes } from './messages';
import { participantRoutes } from './participants';
import { extensionsRoutes } from './extensions';
import { presenceRoutes } from './presence';
import { readRoutes } from './read';
import { searchRoutes } from './search';
import { userRoutes } from './users';

export type { RestLimits, RouteContext } from './context';

/**
 * Mounts the [ext] auth endpoints at `/api/auth` and the chat API at `/api/unet-chat`.
 * The auth endpoints and `/users/` stay in seed-only mode: they stand in for the host's
 * own services, which the package needs to log in and to name people.
 */
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
      // [ext] Seed-only mode has none of these: their paths answer 404 like any unknown route.
      if (context.chat.extensions) {
        searchRoutes(scope, context);
        changesRoutes(scope, context);
        readRoutes(scope, context);
        presenceRoutes(scope, context);
        extensionsRoutes(scope, context);
      }
    },
    { prefix: '/api/unet-chat' },
  );
}
