import { rawRequest, startTestServer } from '../support/server';
import type { TestServer } from '../support/server';
import { API, createGroup, delay } from './fixtures';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ accessTtlSeconds: 1 });
});

afterAll(() => server.close());

describe('access token expiry', () => {
  it('closes an open socket with 4401 when its token expires, and REST answers 401 until refreshed', async () => {
    // Before the login, so a slow machine can only make the wait longer: the token is
    // issued after this instant and must live its whole TTL (rounding never cuts it short).
    const beforeLogin = Date.now();
    const aibek = await server.login('aibek');
    const room = await createGroup(aibek, []);
    const socket = await server.openSocket(room.id, aibek.access);
    const closed = await socket.closed;
    expect(closed.code).toBe(4401);
    expect(Date.now() - beforeLogin).toBeGreaterThanOrEqual(1000);

    const expired = await aibek.request<{ detail: string; code: string }>(
      'GET',
      `${API}/conversations/`,
    );
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('token_expired');

    const reopened = await server.openSocket(room.id, aibek.access);
    expect((await reopened.closed).code).toBe(4401);

    const refreshed = await rawRequest<{ access: string }>(
      server.url,
      'POST',
      '/api/auth/refresh/',
      {
        body: { refresh: aibek.refresh },
      },
    );
    expect(refreshed.status).toBe(200);
    aibek.access = refreshed.body.access;
    expect((await aibek.request('GET', `${API}/conversations/`)).status).toBe(200);
  });

  it('accepts a fresh token right after login even with a one-second TTL', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const session = await server.login('bakyt');
      expect((await session.request('GET', `${API}/users/`)).status).toBe(200);
      await delay(150);
    }
  });
});
