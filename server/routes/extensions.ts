import type { FastifyInstance } from 'fastify';
import type { RouteContext } from './context';

/**
 * The [ext] features this server has, by the names clients test for. A seed
 * server has no such route (404), and a client then finds each one out alone.
 */
export const SERVER_EXTENSIONS = [
  'stream',
  'read',
  'typing',
  'presence',
  'search',
  'changes',
  'paging',
  'client_id',
  'token_protocol',
  'rate_limits',
] as const;

/** [ext] `GET /extensions/`: `{extensions: string[]}`. */
export function extensionsRoutes(app: FastifyInstance, _context: RouteContext): void {
  app.get('/extensions/', async () => ({ extensions: [...SERVER_EXTENSIONS] }));
}
