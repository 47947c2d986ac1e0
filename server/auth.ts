import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { SignJWT, compactVerify, errors as joseErrors, jwtVerify } from 'jose';
import { unauthorized } from './errors';
import type { Store } from './store';

/** `access` authenticates requests; `refresh` only mints new access tokens. */
export type TokenType = 'access' | 'refresh';

/** What a verified token says. */
export interface TokenClaims {
  userId: number;
  /** Expiry, epoch seconds. */
  exp: number;
  /** The token's unique id. */
  jti: string | null;
  /** The login session (refresh-token family) the token belongs to. */
  sid: string | null;
}

/** Claims a token is minted with besides the standard ones. */
export interface IssueOptions {
  /** The login session; both token types carry it, so revoking a session ends both. */
  sid?: string;
  /** A chosen `jti` (refresh tokens are recorded by it); random otherwise. */
  jti?: string;
}

const optionalString = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null;

/**
 * Mints and checks HS256 JWTs with the host auth's claims: `user_id`,
 * `token_type`, `iat`, `exp`, a unique `jti` (two tokens minted in the
 * same second still differ) and `sid`, the login session.
 */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlSeconds: Record<TokenType, number>,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  /**
   * Mints a token of `type` for `userId`.
   *
   * @example
   * const access = await tokens.issue(1, 'access');
   */
  async issue(userId: number, type: TokenType, options: IssueOptions = {}): Promise<string> {
    const nowSeconds = Date.now() / 1000;
    // Rounding exp up keeps a token alive for at least its whole TTL, even a 1-second one.
    const exp = Math.ceil(nowSeconds + this.ttlSeconds[type]);
    const claims = options.sid === undefined ? {} : { sid: options.sid };
    return new SignJWT({ user_id: userId, token_type: type, ...claims })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt(Math.floor(nowSeconds))
      .setExpirationTime(exp)
      .setJti(options.jti ?? randomUUID())
      .sign(this.key);
  }

  /** Lifetime of a token of `type`, in seconds. */
  ttl(type: TokenType): number {
    return this.ttlSeconds[type];
  }

  /** Verifies signature, expiry and type; throws a 401 `HttpError` otherwise. */
  async verify(token: string, type: TokenType): Promise<TokenClaims> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        throw unauthorized('Token has expired.', 'token_expired');
      }
      throw unauthorized('Token is invalid.', 'token_invalid');
    }
    const userId = payload.user_id;
    if (
      payload.token_type !== type ||
      typeof userId !== 'number' ||
      !Number.isSafeInteger(userId) ||
      typeof payload.exp !== 'number'
    ) {
      throw unauthorized(`Token is not a valid ${type} token.`, 'token_invalid');
    }
    return {
      userId,
      exp: payload.exp,
      jti: optionalString(payload.jti),
      sid: optionalString(payload.sid),
    };
  }

  /**
   * Checks only the signature and type, not the expiry: enough to let a logout
   * revoke its session even after the token ran out. Throws 401 otherwise.
   */
  async verifySignature(token: string, type: TokenType): Promise<TokenClaims> {
    let claims: Record<string, unknown>;
    try {
      const { payload } = await compactVerify(token, this.key, { algorithms: ['HS256'] });
      const parsed: unknown = JSON.parse(new TextDecoder().decode(payload));
      if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
      claims = parsed as Record<string, unknown>;
    } catch {
      throw unauthorized('Token is invalid.', 'token_invalid');
    }
    const userId = claims.user_id;
    if (claims.token_type !== type || typeof userId !== 'number' || !Number.isSafeInteger(userId)) {
      throw unauthorized(`Token is not a valid ${type} token.`, 'token_invalid');
    }
    return {
      userId,
      exp: typeof claims.exp === 'number' ? claims.exp : 0,
      jti: optionalString(claims.jti),
      sid: optionalString(claims.sid),
    };
  }
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

/** What authenticating an access token needs. */
export interface Authenticator {
  tokens: TokenService;
  store: Store;
  /** Whether the login session `sid` was ended (logout, or a reused refresh token). */
  isRevoked(sid: string): boolean;
}

/**
 * Checks an access token, that its user exists and that its session was not
 * ended; returns its claims or throws 401.
 */
export async function authenticate(
  auth: Authenticator,
  token: string | null,
): Promise<TokenClaims> {
  if (token === null) throw unauthorized('Authentication credentials were not provided.');
  const claims = await auth.tokens.verify(token, 'access');
  if (auth.store.user(claims.userId) === undefined) {
    throw unauthorized('Token user does not exist.', 'token_invalid');
  }
  if (claims.sid !== null && auth.isRevoked(claims.sid)) {
    throw unauthorized('This session has ended; log in again.', 'token_revoked');
  }
  return claims;
}

const callers = new WeakMap<FastifyRequest, number>();

/** An `onRequest` hook that admits only requests with a valid access token. */
export function requireUser(auth: Authenticator) {
  return async (request: FastifyRequest): Promise<void> => {
    const claims = await authenticate(auth, bearerToken(request.headers.authorization));
    callers.set(request, claims.userId);
  };
}

/** The authenticated user of a request that passed `requireUser`. */
export function callerOf(request: FastifyRequest): number {
  const userId = callers.get(request);
  if (userId === undefined) throw unauthorized('Authentication credentials were not provided.');
  return userId;
}
