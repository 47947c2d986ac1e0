import type { FastifyInstance } from 'fastify';
import { unauthorized } from '../errors';
import { verifyPassword } from '../passwords';
import { parseLogin, parseRefresh } from '../validation';
import type { RouteContext } from './context';

// Compared against when the username is unknown, so both failures take as long.
const NO_SUCH_USER = 'scrypt$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** [ext] `POST /api/auth/login/` and `POST /api/auth/refresh/`, stand-ins for the host's auth. */
export function authRoutes(app: FastifyInstance, { store, tokens }: RouteContext): void {
  app.post('/login/', async (request) => {
    const { username, password } = parseLogin(request.body);
    const user = store.userByName(username);
    const valid = await verifyPassword(password, user?.password_hash ?? NO_SUCH_USER);
    if (!user || !valid) throw unauthorized('Invalid username or password.', 'invalid_credentials');
    const [access, refresh] = await Promise.all([
      tokens.issue(user.id, 'access'),
      tokens.issue(user.id, 'refresh'),
    ]);
    return {
      access,
      refresh,
      user: { id: user.id, username: user.username, full_name: user.full_name },
    };
  });

  app.post('/refresh/', async (request) => {
    const { refresh } = parseRefresh(request.body);
    const { userId } = await tokens.verify(refresh, 'refresh');
    if (store.user(userId) === undefined) {
      throw unauthorized('Token user does not exist.', 'token_invalid');
    }
    return { access: await tokens.issue(userId, 'access') };
  });
}
