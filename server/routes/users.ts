import type { FastifyInstance } from 'fastify';
import type { RouteContext } from './context';

/** [ext] `GET /users/`: the user directory for pickers. */
export function userRoutes(app: FastifyInstance, { chat }: RouteContext): void {
  app.get('/users/', async () => chat.users());
}
