import { randomUUID } from 'node:crypto';
import type { TokenService } from './auth';
import type { Db } from './db';
import { unauthorized } from './errors';
import type { Store } from './store';

/** The tokens a login or a refresh answers. */
export interface TokenPair {
  access: string;
  refresh: string;
}

/** Why a session ended. */
export type RevokeReason = 'logout' | 'reuse';

interface SessionRow {
  id: string;
  user_id: number;
  created_at: number;
  revoked_at: number | null;
}

interface RefreshRow {
  jti: string;
  session_id: string;
  expires_at: number;
  used_at: number | null;
}

// Expired refresh tokens are forgotten at most this often (on a login).
const PRUNE_EVERY_MS = 60_000;

/**
 * Login sessions and their refresh tokens. A login starts a session (a token
 * family); every refresh uses up its refresh token and mints the next one. A
 * refresh token presented again after it was used (outside a short grace for
 * two tabs refreshing at once) means it leaked: the whole session is revoked,
 * its access tokens stop working and its sockets are closed. A logout revokes
 * the session the same way.
 */
export class AuthSessions {
  private readonly sql;
  private readonly listeners = new Set<(sessionId: string) => void>();
  private prunedAt = 0;

  constructor(
    db: Db,
    private readonly tokens: TokenService,
    private readonly store: Store,
    private readonly reuseGraceMs: number,
  ) {
    this.sql = {
      session: db.prepare<[string], SessionRow>('SELECT * FROM auth_sessions WHERE id = ?'),
      insertSession: db.prepare<[string, number, number]>(
        'INSERT INTO auth_sessions (id, user_id, created_at) VALUES (?, ?, ?)',
      ),
      revoke: db.prepare<[number, string, string]>(
        `UPDATE auth_sessions SET revoked_at = ?, revoked_reason = ?
         WHERE id = ? AND revoked_at IS NULL`,
      ),
      token: db.prepare<[string], RefreshRow>('SELECT * FROM refresh_tokens WHERE jti = ?'),
      insertToken: db.prepare<[string, string, number]>(
        'INSERT INTO refresh_tokens (jti, session_id, expires_at) VALUES (?, ?, ?)',
      ),
      useToken: db.prepare<[number, string]>(
        'UPDATE refresh_tokens SET used_at = ? WHERE jti = ? AND used_at IS NULL',
      ),
      pruneTokens: db.prepare<[number]>('DELETE FROM refresh_tokens WHERE expires_at < ?'),
      pruneSessions: db.prepare(
        `DELETE FROM auth_sessions
         WHERE NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.session_id = auth_sessions.id)`,
      ),
    };
  }

  /** Calls `listener` with the id of every session that gets revoked. */
  onRevoked(listener: (sessionId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether `sessionId` was revoked. A session this database never saw is not. */
  isRevoked(sessionId: string): boolean {
    const row = this.sql.session.get(sessionId);
    return row !== undefined && row.revoked_at !== null;
  }

  /** Starts a session for `userId` and answers its first tokens. */
  async login(userId: number): Promise<TokenPair> {
    this.prune();
    const sessionId = randomUUID();
    this.sql.insertSession.run(sessionId, userId, Date.now());
    return this.mint(userId, sessionId, this.recordToken(sessionId));
  }

  /**
   * Trades a refresh token for a new pair. Throws 401 `token_invalid`,
   * `token_expired`, `token_revoked` (the session ended) or `token_reused`
   * (the token was used before: the session is revoked now).
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const claims = await this.tokens.verify(refreshToken, 'refresh');
    // From here to the new token's record nothing awaits, so two refreshes never interleave.
    const row = claims.jti === null ? undefined : this.sql.token.get(claims.jti);
    if (!row || row.session_id !== claims.sid) {
      throw unauthorized('Refresh token is not known.', 'token_invalid');
    }
    const session = this.sql.session.get(row.session_id);
    if (
      !session ||
      session.user_id !== claims.userId ||
      this.store.user(claims.userId) === undefined
    ) {
      throw unauthorized('Refresh token is not known.', 'token_invalid');
    }
    if (session.revoked_at !== null) {
      throw unauthorized('This session has ended; log in again.', 'token_revoked');
    }
    const now = Date.now();
    if (row.used_at !== null && now - row.used_at >= this.reuseGraceMs) {
      this.revoke(session.id, 'reuse');
      throw unauthorized(
        'Refresh token was already used; the session has been ended. Log in again.',
        'token_reused',
      );
    }
    // Within the grace a second refresh (another tab) gets tokens of its own.
    this.sql.useToken.run(now, row.jti);
    return this.mint(session.user_id, session.id, this.recordToken(session.id));
  }

  /**
   * Ends the session of `refreshToken`, expired or not; a session already
   * ended stays ended. Throws 401 only for a token this server did not sign.
   */
  async logout(refreshToken: string): Promise<void> {
    const claims = await this.tokens.verifySignature(refreshToken, 'refresh');
    const row = claims.jti === null ? undefined : this.sql.token.get(claims.jti);
    const sessionId = claims.sid ?? row?.session_id;
    if (sessionId !== undefined) this.revoke(sessionId, 'logout');
  }

  private revoke(sessionId: string, reason: RevokeReason): void {
    if (this.sql.revoke.run(Date.now(), reason, sessionId).changes === 0) return;
    for (const listener of this.listeners) listener(sessionId);
  }

  private recordToken(sessionId: string): string {
    const jti = randomUUID();
    const expiresAt = Date.now() + Math.ceil(this.tokens.ttl('refresh') + 1) * 1000;
    this.sql.insertToken.run(jti, sessionId, expiresAt);
    return jti;
  }

  private async mint(userId: number, sessionId: string, jti: string): Promise<TokenPair> {
    const [access, refresh] = await Promise.all([
      this.tokens.issue(userId, 'access', { sid: sessionId }),
      this.tokens.issue(userId, 'refresh', { sid: sessionId, jti }),
    ]);
    return { access, refresh };
  }

  // A session is forgotten once its last refresh token expired longer ago than an
  // access token lives, so no token of it can still be accepted.
  private prune(): void {
    const now = Date.now();
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    this.sql.pruneTokens.run(now - this.tokens.ttl('access') * 1000);
    this.sql.pruneSessions.run();
  }
}
