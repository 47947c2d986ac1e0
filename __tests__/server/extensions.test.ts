/**
 * [ext] `GET /extensions/`: the reference server names its extensions; in
 * seed-only mode the route does not exist (404, as on a seed server), and
 * neither do the extensions' routes.
 */
import { SERVER_EXTENSIONS } from '../../server/routes/extensions';
import { startTestServer } from '../support/server';
import type { TestServer } from '../support/server';
import { API } from './fixtures';

const servers: TestServer[] = [];
afterAll(() => Promise.all(servers.map((server) => server.close())));

async function started(options: { extensions?: boolean } = {}) {
  const server = await startTestServer({ rateLimits: false, ...options });
  servers.push(server);
  return { server, aibek: await server.login('aibek') };
}

describe('GET /extensions/', () => {
  it('names every extension the server has', async () => {
    const { aibek } = await started();
    const { status, body } = await aibek.request<{ extensions: string[] }>(
      'GET',
      `${API}/extensions/`,
    );
    expect(status).toBe(200);
    expect(body.extensions).toEqual([...SERVER_EXTENSIONS]);
    expect(body.extensions).toEqual(
      expect.arrayContaining(['stream', 'read', 'typing', 'presence']),
    );
  });

  it('needs a token, like every chat route', async () => {
    const { server } = await started();
    const response = await fetch(`${server.url}${API}/extensions/`);
    expect(response.status).toBe(401);
  });

  it('is 404 in seed-only mode, and so are the routes of the extensions', async () => {
    const { aibek } = await started({ extensions: false });
    for (const path of ['/extensions/', '/presence/']) {
      expect((await aibek.request('GET', `${API}${path}`)).status).toBe(404);
    }
  });
});
