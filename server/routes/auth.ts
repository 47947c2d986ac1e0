import type { FastifyInstance } from 'fastify';
import { rateLimited, unauthorized } from '../errors';
import { verifyPassword } from '../passwords';
import { holdRefusal } from '../rateLimit';
import type { TokenBucket } from '../rateLimit';
import { parseLogin, parseRefresh } from '../validation';
import type { RouteContext } from './context';

// Compared against when the username is unknown, so both failures take as long.
const NO_SUCH_USER = 'scrypt$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

// A bucket key never needs more of a username than any real one has.
const USERNAME_KEY_LENGTH = 150;

/**
 * [ext] Stand-ins for the host's auth: `POST /api/auth/login/`, `/refresh/`
 * (rotates the refresh token) and `/logout/` (revokes the session).
 */
export function authRoutes(app: FastifyInstance, { store, sessions, limits }: RouteContext): void {
  app.post('/login/', async (request) => {
    const { username, password } = parseLogin(request.body);
    // Both buckets are charged before the password is hashed, so a refused attempt costs no CPU.
    const address = limits.loginAttemptsPerAddress?.get(request.ip) ?? null;
    const name =
      limits.loginFailuresPerUsername?.get(username.toLowerCase().slice(0, USERNAME_KEY_LENGTH)) ??
      null;
    const charged: TokenBucket[] = [];
    for (const bucket of [address, name]) {
      if (bucket === null) continue;
      const verdict = bucket.take();
      if (!verdict.ok) {
        for (const taken of charged) taken.refund();
        await holdRefusal(verdict.retryAfterMs);
        // Refused even with the right password: that is what stops guessing.
        throw rateLimited('login attempts', verdict.retryAfterMs);
      }
      charged.push(bucket);
    }
    const user = store.userByName(username);
    const valid = await verifyPassword(password, user?.password_hash ?? NO_SUCH_USER);
    if (!user || !valid) throw unauthorized('Invalid username or password.', 'invalid_credentials');
    // Only failures count against a username; every attempt counts against an address.
    name?.refund();
    const { access, refresh } = await sessions.login(user.id);
    return {
      access,
      refresh,
      user: { id: user.id, username: user.username, full_name: user.full_name },
    };
  });

  app.post('/refresh/', async (request) => {
    const { refresh } = parseRefresh(request.body);
    return sessions.refresh(refresh);
  });

  app.post('/logout/', async (request, reply) => {
    const { refresh } = parseRefresh(request.body);
    await sessions.logout(refresh);
    return reply.code(204).send();
  });
}
