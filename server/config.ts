import { randomBytes } from 'node:crypto';
import type { LoggerOption } from './log';

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
  /** Lifetime of refresh tokens; default 7 days. */
  refreshTtlSeconds?: number;
  /** HS256 secret; random per process when unset (tokens then die with the process). */
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
}

/** `ServerOptions` with every default applied. */
export type ServerConfig = Required<Omit<ServerOptions, 'staticDir'>> & {
  staticDir: string | null;
};

const KIB = 1024;

// One secret per process, so servers restarted within a test run still accept earlier tokens.
const processSecret = randomBytes(32).toString('base64url');

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number, got ${value}.`);
  }
  return value;
}

/** Applies the defaults of `ServerOptions`. */
export function resolveConfig(options: ServerOptions = {}): ServerConfig {
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    db: options.db ?? ':memory:',
    accessTtlSeconds: positive('accessTtlSeconds', options.accessTtlSeconds ?? 900),
    refreshTtlSeconds: positive('refreshTtlSeconds', options.refreshTtlSeconds ?? 7 * 24 * 3600),
    jwtSecret: options.jwtSecret ?? processSecret,
    staticDir: options.staticDir ?? null,
    logger: options.logger ?? false,
    now: options.now ?? Date.now,
    maxBodyBytes: positive('maxBodyBytes', options.maxBodyBytes ?? 64 * KIB),
    maxFrameBytes: positive('maxFrameBytes', options.maxFrameBytes ?? 64 * KIB),
  };
}

function numberFrom(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a number, got "${raw}".`);
  return value;
}

/**
 * Reads the command line server's settings from the environment: `PORT`, `HOST`,
 * `CHAT_DB`, `ACCESS_TTL_SECONDS`, `REFRESH_TTL_SECONDS`, `JWT_SECRET`, `STATIC_DIR`.
 * `defaultStaticDir` is used when `STATIC_DIR` is unset.
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
    jwtSecret: env.JWT_SECRET || undefined,
    staticDir: env.STATIC_DIR || defaultStaticDir,
    logger: true,
  };
}
