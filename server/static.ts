import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Serves a built single-page app (the demo) from `dir` at `/`. */
export async function registerStatic(app: FastifyInstance, dir: string): Promise<void> {
  await app.register(fastifyStatic, { root: resolve(dir), wildcard: true, index: 'index.html' });
}

/**
 * Whether a request that matched nothing should get the app's `index.html`:
 * page navigations (GET/HEAD, outside `/api/`, last segment without a file extension).
 */
export function wantsAppShell(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0] ?? '';
  if (path === '/api' || path.startsWith('/api/')) return false;
  const lastSegment = path.slice(path.lastIndexOf('/') + 1);
  return !lastSegment.includes('.');
}
