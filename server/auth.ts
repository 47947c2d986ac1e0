import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { unauthorized } from './errors';
import type { Store } from './store';

/** `access` authenticates requests; `refresh` only mints new access tokens. */
export type TokenType = 'access' | 'refresh';

/** What a verified token says. */
export interface TokenClaims {
  userId: number;
  /** Expiry, epoch seconds. */
  exp: number;
}

/**
 * Mints and checks HS256 JWTs with the host auth's claims: `user_id`,
 * `token_type`, `iat`, `exp` and a unique `jti` (two tokens minted in the
 * same second still differ).
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
  async issue(userId: number, type: TokenType): Promise<string> {
    const nowSeconds = Date.now() / 1000;
    // Rounding exp up keeps a token alive for at least its whole TTL, even a 1-second one.
    const exp = Math.ceil(nowSeconds + this.ttlSeconds[type]);
    return new SignJWT({ user_id: userId, token_type: type })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt(Math.floor(nowSeconds))
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(this.key);
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
    return { userId, exp: payload.exp };
  }
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

/**
 * Checks an access token and that its user exists; returns the user id or
 * throws 401.
 */
export async function authenticate(
  tokens: TokenService,
  store: Store,
  token: string | null,
): Promise<TokenClaims> {
  if (token === null) throw unauthorized('Authentication credentials were not provided.');
  const claims = await tokens.verify(token, 'access');
  if (store.user(claims.userId) === undefined) {
    throw unauthorized('Token user does not exist.', 'token_invalid');
  }
  return claims;
}

const callers = new WeakMap<FastifyRequest, number>();

/** An `onRequest` hook that admits only requests with a valid access token. */
export function requireUser(tokens: TokenService, store: Store) {
  return async (request: FastifyRequest): Promise<void> => {
    const claims = await authenticate(tokens, store, bearerToken(request.headers.authorization));
    callers.set(request, claims.userId);
  };
}

/** The authenticated user of a request that passed `requireUser`. */
export function callerOf(request: FastifyRequest): number {
  const userId = callers.get(request);
  if (userId === undefined) throw unauthorized('Authentication credentials were not provided.');
  return userId;
}
