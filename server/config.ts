import type { LoggerOption } from './log';

/** A token bucket: up to `burst` at once, then `perSecond` on average. */
export interface RateLimit {
  burst: number;
  perSecond: number;
}

/** Each limit of the server; `false` switches that one off. */
export interface RateLimitOptions {
  /** `message:send` frames per socket; default 100 at once, 20/s. */
  socketSendsPerConnection?: RateLimit | false;
  /** `message:send` frames per user, over all their sockets; default 200 at once, 40/s. */
  socketSendsPerUser?: RateLimit | false;
  /** POST/PUT/DELETE under `/api/unet-chat` per user; default 300 at once, 30/s. */
  restWritesPerUser?: RateLimit | false;
  /** Failed logins per username (a success gives its attempt back); default 10, then 1 per 10 s. */
  loginFailuresPerUsername?: RateLimit | false;
  /** Every login attempt per client address; default 30 at once, 1/s. */
  loginAttemptsPerAddress?: RateLimit | false;
}

/** The rate limits in force: null where a limit is off. */
export type RateLimits = Record<keyof RateLimitOptions, RateLimit | null>;

/** Options of `startServer`; every one has a default. */
export interface ServerOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; default `'127.0.0.1'`. */
  host?: string;
  /** SQLite file path, or `':memory:'` (the default). */
  db?: string;
  /** Lifetime of access tokens; default 900 s. */
  accessTtlSeconds?: number;
  /** Lifetime of each refresh token (every refresh mints a new one); default 7 days. */
  refreshTtlSeconds?: number;
  /**
   * How long a refresh token that was just rotated may still be exchanged (two tabs
   * refreshing at once) before a reuse counts as theft; default 10 s, 0 for none.
   */
  refreshReuseGraceSeconds?: number;
  /**
   * HS256 secret. When unset it is read from (or created in) `<db>.jwt-secret`
   * beside a file database, mode 0600, so restarts keep sessions; a `:memory:`
   * database uses one random secret per process.
   */
  jwtSecret?: string;
  /** Serve this folder at `/`, falling back to `index.html` for non-API page URLs. */
  staticDir?: string;
  /** Fastify (pino) logging; default off. Tokens are redacted from every line. */
  logger?: LoggerOption;
  /** Clock for message and conversation timestamps, epoch ms; default `Date.now`. */
  now?: () => number;
  /** Largest accepted request body; default 64 KiB. */
  maxBodyBytes?: number;
  /** Largest accepted socket frame; default 64 KiB. */
  maxFrameBytes?: number;
  /** Rate limits (token buckets); `false` switches all of them off. */
  rateLimits?: RateLimitOptions | false;
  /** Open sockets per user; one more closes that user's oldest with 4409. Default 30; `false`: no cap. */
  maxSocketsPerUser?: number | false;
  /**
   * Host names accepted in `Host` besides `localhost`, `*.localhost`, `127.0.0.1`,
   * `::1` and the listening host; `'.example.com'` also accepts its subdomains.
   * `'*'` accepts any host (switches the check off).
   */
  allowedHosts?: readonly string[] | '*';
  /**
   * Origins (`https://app.example.com`) whose pages may open sockets, besides the
   * server's own origin and the localhost origins of its port. `'*'` accepts any.
   */
  allowedOrigins?: readonly string[] | '*';
  /**
   * `false`: seed-only mode. The server behaves as the seed describes the production
   * server, every [ext] extension off (see docs/server.md); default `true`.
   */
  extensions?: boolean;
  /**
   * [ext] How long after a user's last socket closed they are announced offline, so
   * that a reconnect does not flap; default 2000 ms.
   */
  presenceOfflineDelayMs?: number;
}

/** `ServerOptions` with every default applied. */
export interface ServerConfig {
  port: number;
  host: string;
  db: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  refreshReuseGraceSeconds: number;
  /** null: resolved at start from the database's secret file (see `loadJwtSecret`). */
  jwtSecret: string | null;
  staticDir: string | null;
  logger: LoggerOption;
  now: () => number;
  maxBodyBytes: number;
  maxFrameBytes: number;
  rateLimits: RateLimits;
  /** null: no cap. */
  maxSocketsPerUser: number | null;
  /** null: any host. */
  allowedHosts: readonly string[] | null;
  /** null: any origin. */
  allowedOrigins: readonly string[] | null;
  extensions: boolean;
  presenceOfflineDelayMs: number;
}

const KIB = 1024;

/** The defaults of every rate limit, documented in docs/server.md and docs/security.md. */
export const DEFAULT_RATE_LIMITS: Readonly<Record<keyof RateLimitOptions, RateLimit>> = {
  socketSendsPerConnection: { burst: 100, perSecond: 20 },
  socketSendsPerUser: { burst: 200, perSecond: 40 },
  restWritesPerUser: { burst: 300, perSecond: 30 },
  loginFailuresPerUsername: { burst: 10, perSecond: 0.1 },
  loginAttemptsPerAddress: { burst: 30, perSecond: 1 },
};

export const DEFAULT_MAX_SOCKETS_PER_USER = 30;

/** [ext] The default of `presenceOfflineDelayMs`. */
export const DEFAULT_PRESENCE_OFFLINE_DELAY_MS = 2000;

/** [ext] A user's typing is relayed at most once per this many ms in each conversation. */
export const TYPING_INTERVAL_MS = 3000;

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number, got ${value}.`);
  }
  return value;
}

function notNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be zero or more, got ${value}.`);
  }
  return value;
}

function rateLimit(name: string, limit: RateLimit | false): RateLimit | null {
  if (limit === false) return null;
  return {
    burst: positive(`${name}.burst`, limit.burst),
    perSecond: positive(`${name}.perSecond`, limit.perSecond),
  };
}

function resolveRateLimits(options: RateLimitOptions | false | undefined): RateLimits {
  const keys = Object.keys(DEFAULT_RATE_LIMITS) as (keyof RateLimitOptions)[];
  return Object.fromEntries(
    keys.map((key) => [
      key,
      options === false
        ? null
        : rateLimit(`rateLimits.${key}`, options?.[key] ?? DEFAULT_RATE_LIMITS[key]),
    ]),
  ) as RateLimits;
}

function nameList(value: readonly string[] | '*' | undefined): readonly string[] | null {
  if (value === '*') return null;
  return (value ?? []).map((entry) => entry.trim()).filter((entry) => entry !== '');
}

/** Applies the defaults of `ServerOptions`. */
export function resolveConfig(options: ServerOptions = {}): ServerConfig {
  const maxSockets = options.maxSocketsPerUser ?? DEFAULT_MAX_SOCKETS_PER_USER;
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    db: options.db ?? ':memory:',
    accessTtlSeconds: positive('accessTtlSeconds', options.accessTtlSeconds ?? 900),
    refreshTtlSeconds: positive('refreshTtlSeconds', options.refreshTtlSeconds ?? 7 * 24 * 3600),
    refreshReuseGraceSeconds: notNegative(
      'refreshReuseGraceSeconds',
      options.refreshReuseGraceSeconds ?? 10,
    ),
    jwtSecret: options.jwtSecret ?? null,
    staticDir: options.staticDir ?? null,
    logger: options.logger ?? false,
    now: options.now ?? Date.now,
    maxBodyBytes: positive('maxBodyBytes', options.maxBodyBytes ?? 64 * KIB),
    maxFrameBytes: positive('maxFrameBytes', options.maxFrameBytes ?? 64 * KIB),
    rateLimits: resolveRateLimits(options.rateLimits),
    maxSocketsPerUser:
      maxSockets === false ? null : Math.floor(positive('maxSocketsPerUser', maxSockets)),
    allowedHosts: nameList(options.allowedHosts),
    allowedOrigins: nameList(options.allowedOrigins),
    extensions: options.extensions ?? true,
    presenceOfflineDelayMs: notNegative(
      'presenceOfflineDelayMs',
      options.presenceOfflineDelayMs ?? DEFAULT_PRESENCE_OFFLINE_DELAY_MS,
    ),
  };
}

function numberFrom(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a number, got "${raw}".`);
  return value;
}

const isOff = (raw: string) => /^(off|false|0|no)$/i.test(raw.trim());

/** `<burst>/<perSecond>` (e.g. `200/40`) or `off`. */
function rateLimitFrom(env: NodeJS.ProcessEnv, name: string): RateLimit | false | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  if (isOff(raw)) return false;
  const match = /^\s*([\d.]+)\s*\/\s*([\d.]+)\s*$/.exec(raw);
  if (!match)
    throw new RangeError(`${name} must be "<burst>/<per second>" or "off", got "${raw}".`);
  return { burst: Number(match[1]), perSecond: Number(match[2]) };
}

function listFrom(env: NodeJS.ProcessEnv, name: string): readonly string[] | '*' | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  if (raw.trim() === '*') return '*';
  return raw.split(',');
}

/** Environment variable of each rate limit. */
export const RATE_LIMIT_ENV: Readonly<Record<keyof RateLimitOptions, string>> = {
  socketSendsPerConnection: 'RATE_LIMIT_SOCKET_SENDS_PER_CONNECTION',
  socketSendsPerUser: 'RATE_LIMIT_SOCKET_SENDS_PER_USER',
  restWritesPerUser: 'RATE_LIMIT_REST_WRITES_PER_USER',
  loginFailuresPerUsername: 'RATE_LIMIT_LOGIN_FAILURES_PER_USERNAME',
  loginAttemptsPerAddress: 'RATE_LIMIT_LOGIN_ATTEMPTS_PER_ADDRESS',
};

function rateLimitsFrom(env: NodeJS.ProcessEnv): RateLimitOptions | false {
  if (env.RATE_LIMITS !== undefined && isOff(env.RATE_LIMITS)) return false;
  const limits: RateLimitOptions = {};
  for (const [key, name] of Object.entries(RATE_LIMIT_ENV) as [keyof RateLimitOptions, string][]) {
    const limit = rateLimitFrom(env, name);
    if (limit !== undefined) limits[key] = limit;
  }
  return limits;
}

function maxSocketsFrom(env: NodeJS.ProcessEnv): number | false | undefined {
  const raw = env.MAX_SOCKETS_PER_USER;
  if (raw !== undefined && raw.trim() !== '' && isOff(raw)) return false;
  return numberFrom(env, 'MAX_SOCKETS_PER_USER');
}

/**
 * Reads the command line server's settings from the environment (see
 * docs/server.md for the list). `defaultStaticDir` is used when `STATIC_DIR` is unset.
 */
export function optionsFromEnv(
  env: NodeJS.ProcessEnv,
  defaultStaticDir: string | undefined,
): ServerOptions {
  return {
    port: numberFrom(env, 'PORT') ?? 8787,
    host: env.HOST || '127.0.0.1',
    db: env.CHAT_DB || './data/unet-chat.sqlite',
    accessTtlSeconds: numberFrom(env, 'ACCESS_TTL_SECONDS'),
    refreshTtlSeconds: numberFrom(env, 'REFRESH_TTL_SECONDS'),
    refreshReuseGraceSeconds: numberFrom(env, 'REFRESH_REUSE_GRACE_SECONDS'),
    jwtSecret: env.JWT_SECRET || undefined,
    staticDir: env.STATIC_DIR || defaultStaticDir,
    logger: true,
    rateLimits: rateLimitsFrom(env),
    maxSocketsPerUser: maxSocketsFrom(env),
    allowedHosts: listFrom(env, 'ALLOWED_HOSTS'),
    allowedOrigins: listFrom(env, 'ALLOWED_ORIGINS'),
    extensions:
      env.EXTENSIONS === undefined || env.EXTENSIONS.trim() === '' || !isOff(env.EXTENSIONS),
    presenceOfflineDelayMs: numberFrom(env, 'PRESENCE_OFFLINE_DELAY_MS'),
  };
}
