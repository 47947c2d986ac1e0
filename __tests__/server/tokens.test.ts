import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { rawRequest, startTestServer } from '../support/server';
import type { ServerOptions, Session, TestServer } from '../support/server';
import { API, closeAll, createGroup, delay, expectNothingPending } from './fixtures';

interface Pair {
  access: string;
  refresh: string;
}

const servers: TestServer[] = [];

async function serve(options: ServerOptions = {}): Promise<TestServer> {
  const server = await startTestServer(options);
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const refresh = (server: TestServer, token: string) =>
  rawRequest<Pair & { code?: string; detail?: string }>(server.url, 'POST', '/api/auth/refresh/', {
    body: { refresh: token },
  });

const logout = (server: TestServer, token: string) =>
  rawRequest<{ code?: string } | null>(server.url, 'POST', '/api/auth/logout/', {
    body: { refresh: token },
  });

const usersWith = (server: TestServer, access: string) =>
  rawRequest<{ code?: string }>(server.url, 'GET', `${API}/users/`, { token: access });

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

describe('refresh token rotation', () => {
  it('answers {access, refresh} with a new refresh token of the same session each time', async () => {
    const server = await serve();
    const aibek = await server.login('aibek');
    const first = await refresh(server, aibek.refresh);
    expect(first.status).toBe(200);
    expect(Object.keys(first.body).sort()).toEqual(['access', 'refresh']);
    expect(first.body.refresh).not.toBe(aibek.refresh);
    expect(claimsOf(first.body.refresh)).toMatchObject({ token_type: 'refresh', user_id: 1 });
    expect(claimsOf(first.body.refresh).sid).toBe(claimsOf(aibek.refresh).sid);
    expect(claimsOf(first.body.access).sid).toBe(claimsOf(aibek.refresh).sid);
    expect((await usersWith(server, first.body.access)).status).toBe(200);
    const second = await refresh(server, first.body.refresh);
    expect(second.status).toBe(200);
    expect(second.body.refresh).not.toBe(first.body.refresh);
  });

  it('treats a reused refresh token as stolen: the whole session ends, access tokens and sockets too', async () => {
    const server = await serve({ refreshReuseGraceSeconds: 0 });
    const aibek = await server.login('aibek');
    const other = await server.login('aibek');
    const room = await createGroup(aibek, []);
    const rotated = await refresh(server, aibek.refresh);
    expect(rotated.status).toBe(200);
    const socket = await server.openSocket(room.id, rotated.body.access);
    const otherSocket = await server.openSocket(room.id, other.access);

    const reused = await refresh(server, aibek.refresh);
    expect(reused.status).toBe(401);
    expect(reused.body.code).toBe('token_reused');
    // Every token of that session is dead: the thief's and the owner's alike.
    expect((await refresh(server, rotated.body.refresh)).body.code).toBe('token_revoked');
    for (const access of [aibek.access, rotated.body.access]) {
      const answer = await usersWith(server, access);
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe('token_revoked');
    }
    expect(await socket.closed).toEqual({ code: 4401, reason: 'session ended' });
    const reopened = await server.openSocket(room.id, rotated.body.access);
    expect((await reopened.closed).code).toBe(4401);
    // Another login of the same user is another session and goes on.
    expect((await usersWith(server, other.access)).status).toBe(200);
    await expectNothingPending(otherSocket);
    expect((await refresh(server, other.refresh)).status).toBe(200);
    await closeAll(otherSocket);
  });

  it('lets two tabs refresh with the same token within the grace, and counts it as reuse after', async () => {
    const server = await serve({ refreshReuseGraceSeconds: 1 });
    const aibek = await server.login('aibek');
    const [tabA, tabB] = await Promise.all([
      refresh(server, aibek.refresh),
      refresh(server, aibek.refresh),
    ]);
    expect([tabA.status, tabB.status]).toEqual([200, 200]);
    expect(tabA.body.refresh).not.toBe(tabB.body.refresh);
    expect((await refresh(server, tabA.body.refresh)).status).toBe(200);
    expect((await refresh(server, tabB.body.refresh)).status).toBe(200);
    await delay(1100);
    const late = await refresh(server, aibek.refresh);
    expect(late.status).toBe(401);
    expect(late.body.code).toBe('token_reused');
  });

  it('refuses refresh tokens past their configured lifetime', async () => {
    const server = await serve({ refreshTtlSeconds: 1 });
    const aibek = await server.login('aibek');
    await delay(2100);
    const answer = await refresh(server, aibek.refresh);
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('token_expired');
  });

  it('refuses a refresh token this database never issued, and an access token', async () => {
    const server = await serve();
    const aibek = await server.login('aibek');
    // A restarted in-memory server shares the process's secret but not the token records.
    const fresh = await serve();
    expect((await refresh(fresh, aibek.refresh)).body.code).toBe('token_invalid');
    expect((await refresh(server, aibek.access)).body.code).toBe('token_invalid');
  });
});

describe('logout', () => {
  it('answers 204 and revokes the session: refresh, access token and open sockets end', async () => {
    const server = await serve();
    const aibek = await server.login('aibek');
    const room = await createGroup(aibek, []);
    const socket = await server.openSocket(room.id, aibek.access);
    const answer = await logout(server, aibek.refresh);
    expect(answer).toEqual({ status: 204, body: null });
    expect((await refresh(server, aibek.refresh)).body.code).toBe('token_revoked');
    expect((await usersWith(server, aibek.access)).body.code).toBe('token_revoked');
    expect((await socket.closed).code).toBe(4401);
    // Logging out twice is fine.
    expect((await logout(server, aibek.refresh)).status).toBe(204);
  });

  it('revokes with an expired refresh token too, and refuses one it did not sign', async () => {
    const server = await serve({ refreshTtlSeconds: 1 });
    const aibek = await server.login('aibek');
    await delay(2100);
    expect((await logout(server, aibek.refresh)).status).toBe(204);
    expect((await usersWith(server, aibek.access)).body.code).toBe('token_revoked');
    const forged = `${aibek.refresh.slice(0, -4)}AAAA`;
    const refused = await logout(server, forged);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'token_invalid' });
    expect((await logout(server, aibek.access)).status).toBe(401);
  });

  it('validates its body like refresh', async () => {
    const server = await serve();
    for (const body of [{}, { refresh: 42 }, []]) {
      const answer = await rawRequest(server.url, 'POST', '/api/auth/logout/', { body });
      expect(answer.status).toBe(422);
    }
  });
});

describe('token in Sec-WebSocket-Protocol [ext]', () => {
  function openWithProtocols(
    server: TestServer,
    conversationId: string,
    protocols: string[],
  ): Promise<{ socket: WebSocket; protocol: string; closed: Promise<number> } | { error: string }> {
    const url = `${server.url.replace(/^http/, 'ws')}/api/unet-chat/ws/conversations/${conversationId}/`;
    return new Promise((resolve) => {
      const socket = new WebSocket(url, protocols);
      const closed = new Promise<number>((done) => socket.once('close', (code) => done(code)));
      socket.once('open', () => resolve({ socket, protocol: socket.protocol, closed }));
      socket.once('error', (error) => resolve({ error: error.message }));
    });
  }

  let server: TestServer;
  let aibek: Session;
  let room: string;

  beforeEach(async () => {
    server = await serve();
    aibek = await server.login('aibek');
    room = (await createGroup(aibek, [])).id;
  });

  it('accepts "unet-chat, bearer.<token>" and answers the subprotocol unet-chat, never the token', async () => {
    const opened = await openWithProtocols(server, room, ['unet-chat', `bearer.${aibek.access}`]);
    if ('error' in opened) throw new Error(opened.error);
    expect(opened.protocol).toBe('unet-chat');
    opened.socket.send(JSON.stringify({ type: 'ping' }));
    const frame = await new Promise<string>((done) =>
      opened.socket.once('message', (data) => done(data.toString())),
    );
    expect(JSON.parse(frame)).toEqual({ type: 'pong', payload: {} });
    opened.socket.close();
  });

  it('closes with 4401 for a bad token in the subprotocol, and 4404 for a conversation of others', async () => {
    const bad = await openWithProtocols(server, room, ['unet-chat', 'bearer.not-a-token']);
    if ('error' in bad) throw new Error(bad.error);
    expect(await bad.closed).toBe(4401);
    const elena = await server.login('elena');
    const outsider = await openWithProtocols(server, room, ['unet-chat', `bearer.${elena.access}`]);
    if ('error' in outsider) throw new Error(outsider.error);
    expect(await outsider.closed).toBe(4404);
  });

  it('does not echo a token offered without unet-chat (the client then fails the handshake)', async () => {
    const opened = await openWithProtocols(server, room, [`bearer.${aibek.access}`]);
    expect(opened).toEqual({ error: expect.stringMatching(/subprotocol/i) });
  });

  it('keeps the query-string token working, with or without the subprotocol', async () => {
    const plain = await server.openSocket(room, aibek.access);
    await expectNothingPending(plain);
    const socket = new WebSocket(server.socketUrl(room, aibek.access), ['unet-chat']);
    const protocol = await new Promise<string>((done) =>
      socket.once('open', () => done(socket.protocol)),
    );
    expect(protocol).toBe('unet-chat');
    socket.close();
    await closeAll(plain);
  });
});

describe('tokens never reach the log', () => {
  it('redacts tokens passed in the socket URL, in Sec-WebSocket-Protocol, and in refresh and logout bodies', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const server = await serve({ logger: { stream } });
    const aibek = await server.login('aibek');
    const room = (await createGroup(aibek, [])).id;
    const secrets = [aibek.access, aibek.refresh];

    const viaQuery = await server.openSocket(room, aibek.access);
    await expectNothingPending(viaQuery);
    const viaProtocol = new WebSocket(
      `${server.url.replace(/^http/, 'ws')}/api/unet-chat/ws/conversations/${room}/`,
      ['unet-chat', `bearer.${aibek.access}`],
    );
    await new Promise((done) => viaProtocol.once('open', done));
    viaProtocol.close();
    const refused = new WebSocket(
      `${server.url.replace(/^http/, 'ws')}/api/unet-chat/ws/conversations/${room}/`,
      ['unet-chat', `bearer.${aibek.refresh}`],
    );
    await new Promise((done) => refused.once('close', done));
    const foreign = new WebSocket(server.socketUrl(room, aibek.access), {
      origin: 'http://evil.example',
    });
    foreign.on('error', () => undefined);
    await new Promise((done) => foreign.once('close', done));

    const rotated = await refresh(server, aibek.refresh);
    secrets.push(rotated.body.access, rotated.body.refresh);
    await refresh(server, aibek.refresh); // a reuse: logged as a 401
    await rawRequest(server.url, 'POST', '/api/auth/refresh/', {
      body: `{"refresh": "${rotated.body.refresh}"`, // malformed JSON around a real token
    });
    await logout(server, rotated.body.refresh);
    await rawRequest(server.url, 'POST', '/api/auth/login/', {
      body: { username: 'aibek', password: 'demo-wrong' },
    });
    await closeAll(viaQuery);
    await server.close();

    const log = lines.join('');
    expect(log).toContain('socket opened');
    expect(log).toContain('/api/auth/logout/');
    expect(log).not.toContain('demo-wrong');
    for (const secret of secrets) {
      expect(log).not.toContain(secret);
      expect(log).not.toContain(secret.split('.')[2]);
    }
  });
});
