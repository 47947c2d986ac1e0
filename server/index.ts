import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';
import { TokenService } from './auth';
import { ChatService } from './chat';
import { resolveConfig } from './config';
import type { ServerOptions } from './config';
import { closeDatabase, openDatabase } from './db';
import { Store } from './store';
import { seedDemoUsers } from './users';
import { SocketHub } from './ws';

export { DEMO_PASSWORD, DEMO_USERS } from './demoUsers';
export { CloseCode } from './ws';
export type { ServerOptions } from './config';

/** A listening server. */
export interface RunningServer {
  /** `http://127.0.0.1:PORT` (the host as configured). */
  url: string;
  port: number;
  /** Closes every socket with 1001, finishes in-flight requests, then closes the database. */
  close(): Promise<void>;
}

const FORCE_CLOSE_AFTER_MS = 10_000;

function urlFor(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/**
 * Starts the reference unet-chat server: REST and WebSockets on one port,
 * SQLite storage, the demo users seeded.
 *
 * @example
 * const server = await startServer({ db: ':memory:' });
 * const res = await fetch(`${server.url}/api/auth/login/`, { method: 'POST', ... });
 * await server.close();
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const config = resolveConfig(options);
  const db = openDatabase(config.db);
  let app: FastifyInstance | undefined;
  try {
    await seedDemoUsers(db);
    const store = new Store(db);
    const tokens = new TokenService(config.jwtSecret, {
      access: config.accessTtlSeconds,
      refresh: config.refreshTtlSeconds,
    });
    const chat = new ChatService(store, config.now);
    const shutdown = { requested: false };
    app = await buildApp(config, { chat, store, tokens }, shutdown);
    const http = app;
    const hub = new SocketHub({
      chat,
      tokens,
      store,
      log: http.log,
      maxFrameBytes: config.maxFrameBytes,
    });
    chat.subscribe((event) => hub.dispatch(event));
    http.server.on('upgrade', (request, socket, head) => hub.handleUpgrade(request, socket, head));
    await http.listen({ port: config.port, host: config.host });
    const { port } = http.server.address() as AddressInfo;

    let closing: Promise<void> | undefined;
    const close = () => {
      closing ??= (async () => {
        shutdown.requested = true;
        // A client that neither finishes nor hangs up must not hold shutdown forever.
        const deadline = setTimeout(() => http.server.closeAllConnections(), FORCE_CLOSE_AFTER_MS);
        try {
          // Sockets and HTTP wind down together; the database closes only after both.
          await Promise.all([hub.close(), http.close()]);
        } finally {
          clearTimeout(deadline);
          closeDatabase(db);
        }
      })();
      return closing;
    };
    return { url: urlFor(config.host, port), port, close };
  } catch (error) {
    // E.g. the port is taken: release what was set up before failing.
    await app?.close();
    closeDatabase(db);
    throw error;
  }
}
