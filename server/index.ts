import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';
import { TokenService } from './auth';
import type { Authenticator } from './auth';
import { ChatService } from './chat';
import { TYPING_INTERVAL_MS, resolveConfig } from './config';
import type { ServerOptions } from './config';
import { closeDatabase, openDatabase } from './db';
import { KeyedBuckets } from './rateLimit';
import type { RestLimits } from './routes';
import { loadJwtSecret } from './secret';
import { RequestGuard } from './security';
import { AuthSessions } from './sessions';
import { Store } from './store';
import { PresenceTracker } from './presence';
import { seedDemoUsers } from './users';
import { SocketHub } from './ws';

export { DEMO_PASSWORD, DEMO_USERS } from './demoUsers';
export { CloseCode } from './ws';
export {
  DEFAULT_MAX_SOCKETS_PER_USER,
  DEFAULT_PRESENCE_OFFLINE_DELAY_MS,
  DEFAULT_RATE_LIMITS,
  TYPING_INTERVAL_MS,
} from './config';
export type { RateLimit, RateLimitOptions, ServerOptions } from './config';

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
    const tokens = new TokenService(config.jwtSecret ?? loadJwtSecret(config.db), {
      access: config.accessTtlSeconds,
      refresh: config.refreshTtlSeconds,
    });
    const sessions = new AuthSessions(db, tokens, store, config.refreshReuseGraceSeconds * 1000);
    const auth: Authenticator = { tokens, store, isRevoked: (sid) => sessions.isRevoked(sid) };
    const { rateLimits } = config;
    const buckets = <Key>(limit: typeof rateLimits.restWritesPerUser) =>
      limit ? new KeyedBuckets<Key>(limit) : null;
    const limits: RestLimits = {
      writesPerUser: buckets<number>(rateLimits.restWritesPerUser),
      loginFailuresPerUsername: buckets<string>(rateLimits.loginFailuresPerUsername),
      loginAttemptsPerAddress: buckets<string>(rateLimits.loginAttemptsPerAddress),
    };
    const guard = new RequestGuard({
      listenHost: config.host,
      allowedHosts: config.allowedHosts,
      allowedOrigins: config.allowedOrigins,
    });
    const chat = new ChatService(store, config.now, {
      extensions: config.extensions,
      typingIntervalMs: TYPING_INTERVAL_MS,
    });
    const presence = config.extensions
      ? new PresenceTracker({
          store,
          now: config.now,
          offlineDelayMs: config.presenceOfflineDelayMs,
        })
      : null;
    const shutdown = { requested: false };
    app = await buildApp(
      config,
      { chat, store, tokens, sessions, auth, limits, presence },
      shutdown,
      guard,
    );
    const http = app;
    let listeningPort = config.port;
    const hub = new SocketHub({
      chat,
      auth,
      log: http.log,
      maxFrameBytes: config.maxFrameBytes,
      guard,
      port: () => listeningPort,
      sendsPerConnection: rateLimits.socketSendsPerConnection,
      sendsPerUser: rateLimits.socketSendsPerUser,
      maxSocketsPerUser: config.maxSocketsPerUser,
      presence,
    });
    chat.subscribe((event) => hub.dispatch(event));
    // A logout or a reused refresh token ends the session's sockets too.
    sessions.onRevoked((sessionId) => hub.closeSession(sessionId));
    http.server.on('upgrade', (request, socket, head) => hub.handleUpgrade(request, socket, head));
    await http.listen({ port: config.port, host: config.host });
    const { port } = http.server.address() as AddressInfo;
    listeningPort = port;

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
