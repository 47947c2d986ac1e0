import type { Message } from '../../src/api/types';
import { DEFAULT_RATE_LIMITS } from '../../server';
import { KeyedBuckets, TokenBucket, takeAll } from '../../server/rateLimit';
import { rawRequest, startTestServer } from '../support/server';
import type { ServerOptions, TestFrame, TestServer, TestSocket } from '../support/server';
import {
  API,
  READ_FRAMES,
  closeAll,
  createGroup,
  delay,
  expectNothingPending,
  loginAll,
} from './fixtures';

interface RateLimitedPayload {
  code: string;
  detail: string;
  client_id?: string;
  retry_after_ms: number;
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

function send(socket: TestSocket, text: string, clientId: string = crypto.randomUUID()): string {
  socket.send({ type: 'message:send', payload: { text, reply_to: null, client_id: clientId } });
  return clientId;
}

const isNew = (clientId: string) => (frame: TestFrame) =>
  frame.type === 'message:new' && frame.payload.client_id === clientId;
const isError = (clientId: string) => (frame: TestFrame) =>
  frame.type === 'error' && frame.payload.client_id === clientId;

describe('token buckets', () => {
  it('allows a burst, refills at the rate, and answers the wait until the next token', () => {
    let now = 0;
    const bucket = new TokenBucket({ burst: 2, perSecond: 4 }, () => now);
    expect(bucket.take()).toEqual({ ok: true });
    expect(bucket.take()).toEqual({ ok: true });
    expect(bucket.take()).toEqual({ ok: false, retryAfterMs: 250 });
    now = 100;
    expect(bucket.take()).toEqual({ ok: false, retryAfterMs: 150 });
    now = 250;
    expect(bucket.take()).toEqual({ ok: true });
    now = 10_000;
    // Never more than the burst, however long it waited.
    expect([bucket.take(), bucket.take(), bucket.take()].map((verdict) => verdict.ok)).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('does not charge a refused take, and gives a refunded token back', () => {
    let now = 0;
    const bucket = new TokenBucket({ burst: 1, perSecond: 1 }, () => now);
    bucket.take();
    for (let attempt = 0; attempt < 100; attempt += 1) expect(bucket.take().ok).toBe(false);
    now = 1000;
    expect(bucket.take().ok).toBe(true);
    bucket.refund();
    expect(bucket.take().ok).toBe(true);
  });

  it('takes from every bucket or from none, answering the longest wait', () => {
    const now = 0;
    const wide = new TokenBucket({ burst: 5, perSecond: 1 }, () => now);
    const narrow = new TokenBucket({ burst: 1, perSecond: 2 }, () => now);
    expect(takeAll([wide, narrow]).ok).toBe(true);
    expect(takeAll([wide, narrow])).toEqual({ ok: false, retryAfterMs: 500 });
    // The refused take left the wide bucket untouched: 4 tokens.
    expect([1, 2, 3, 4, 5].map(() => wide.take().ok)).toEqual([true, true, true, true, false]);
  });

  it('keeps memory bounded under a spray of keys, forgetting refilled buckets first', () => {
    const now = 0;
    const buckets = new KeyedBuckets<string>({ burst: 1, perSecond: 1 }, 100, () => now);
    buckets.take('held');
    for (let index = 0; index < 1000; index += 1) buckets.get(`idle-${index}`);
    expect(buckets.size).toBeLessThanOrEqual(100);
    const fresh = new KeyedBuckets<string>({ burst: 1, perSecond: 0.001 }, 10, () => now);
    fresh.take('spent');
    for (let index = 0; index < 9; index += 1) fresh.get(`full-${index}`);
    fresh.get('one-more');
    // The full buckets were forgotten, the spent one was not: it is still empty.
    expect(fresh.take('spent').ok).toBe(false);
  });
});

describe('socket sends', () => {
  it('answers sends beyond a socket’s budget with rate_limited, keeps the socket, and stores a re-send', async () => {
    const server = await serve({
      rateLimits: {
        // Slow refill: a loaded machine must not refill a token between the five sends.
        socketSendsPerConnection: { burst: 3, perSecond: 1 },
        socketSendsPerUser: false,
      },
    });
    const aibek = await server.login('aibek');
    const room = await createGroup(aibek, []);
    const socket = await server.openSocket(room.id, aibek.access);
    const ids = [1, 2, 3, 4, 5].map((index) => send(socket, `m${index}`));
    for (const id of ids.slice(0, 3)) await socket.nextFrame(isNew(id));
    const refused: TestFrame<RateLimitedPayload>[] = [];
    for (const id of ids.slice(3)) refused.push(await socket.nextFrame(isError(id)));
    for (const [index, frame] of refused.entries()) {
      expect(frame).toEqual({
        type: 'error',
        payload: {
          code: 'rate_limited',
          detail: expect.stringMatching(/try again/),
          client_id: ids[3 + index],
          retry_after_ms: expect.any(Number),
        },
      });
      expect(Number.isInteger(frame.payload.retry_after_ms)).toBe(true);
      expect(frame.payload.retry_after_ms).toBeGreaterThan(0);
      expect(frame.payload.retry_after_ms).toBeLessThanOrEqual(1000);
    }
    await expectNothingPending(socket, READ_FRAMES);

    // After the hint, the same sends go through, in order, and nothing was lost.
    for (const id of ids.slice(3)) {
      await delay(1100);
      send(socket, `again ${id}`, id);
      await socket.nextFrame(isNew(id), 5000);
    }
    const stored = await aibek.request<Message[]>('GET', `${API}/messages/${room.id}`);
    expect(stored.body.map((message) => message.client_id)).toEqual(ids);
    await closeAll(socket);
  });

  it('omits client_id from the error of a send that had none', async () => {
    const server = await serve({
      rateLimits: { socketSendsPerConnection: { burst: 1, perSecond: 0.1 } },
    });
    const aibek = await server.login('aibek');
    const room = await createGroup(aibek, []);
    const socket = await server.openSocket(room.id, aibek.access);
    socket.send({ type: 'message:send', payload: { text: 'one' } });
    socket.send({ type: 'message:send', payload: { text: 'two' } });
    const error = await socket.nextFrame((frame) => frame.type === 'error');
    expect(Object.keys(error.payload).sort()).toEqual(['code', 'detail', 'retry_after_ms']);
    await closeAll(socket);
  });

  it('shares one budget between all sockets of a user, and not with other users', async () => {
    const server = await serve({
      rateLimits: {
        socketSendsPerConnection: false,
        socketSendsPerUser: { burst: 4, perSecond: 0.5 },
      },
    });
    const cast = await loginAll(server);
    const rooms = await Promise.all([
      createGroup(cast.aibek, [cast.aizada]),
      createGroup(cast.aibek, [cast.aizada]),
    ]);
    const [first, second] = await Promise.all(
      rooms.map((room) => server.openSocket(room.id, cast.aibek.access)),
    );
    const accepted = [send(first!, 'a'), send(second!, 'b'), send(first!, 'c'), send(second!, 'd')];
    await first!.nextFrame(isNew(accepted[0]!));
    await second!.nextFrame(isNew(accepted[3]!));
    const overFirst = send(first!, 'e');
    const overSecond = send(second!, 'f');
    expect((await first!.nextFrame(isError(overFirst))).payload.code).toBe('rate_limited');
    expect((await second!.nextFrame(isError(overSecond))).payload.code).toBe('rate_limited');

    const aizada = await server.openSocket(rooms[0]!.id, cast.aizada.access);
    const hers = send(aizada, 'her own budget');
    await aizada.nextFrame(isNew(hers));
    await closeAll(first!, second!, aizada);
  });

  it('never drops the socket of a flood: every send beyond the budget is answered', async () => {
    const server = await serve();
    const aibek = await server.login('aibek');
    const room = await createGroup(aibek, []);
    const socket = await server.openSocket(room.id, aibek.access);
    const total = 600;
    for (let index = 0; index < total; index += 1) {
      socket.send({ type: 'message:send', payload: { text: `f${index}`, client_id: null } });
    }
    await socket.nextFrame(
      () =>
        socket.frames.filter((frame) => frame.type === 'message:new' || frame.type === 'error')
          .length === total,
      15_000,
    );
    const refused = socket.frames.filter((frame) => frame.type === 'error');
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused.map((frame) => frame.payload.code))).toEqual(new Set(['rate_limited']));
    socket.send({ type: 'ping' });
    await socket.nextFrame((frame) => frame.type === 'pong');
    // Every page (at most 200 each): what was stored is exactly what was announced.
    const stored: Message[] = [];
    for (;;) {
      const before = stored[0] ? `&before=${stored[0].id}` : '';
      const page = await aibek.request<Message[]>(
        'GET',
        `${API}/messages/${room.id}?limit=200${before}`,
      );
      stored.unshift(...page.body);
      if (page.body.length < 200) break;
    }
    const announced = socket.frames.filter((frame) => frame.type === 'message:new');
    expect(stored.map((message) => message.id)).toEqual(announced.map((frame) => frame.payload.id));
    await closeAll(socket);
  });

  it('lets 4 users send 100 messages each at once with the default limits', async () => {
    const server = await serve();
    const cast = await loginAll(server);
    const people = [cast.aibek, cast.aizada, cast.bakyt, cast.elena];
    const room = await createGroup(cast.aibek, people.slice(1));
    const sockets = await Promise.all(
      people.map((person) => server.openSocket(room.id, person.access)),
    );
    const ids = sockets.map((socket, person) =>
      Array.from({ length: 100 }, (_, index) => send(socket, `${person}:${index}`)),
    );
    await Promise.all(
      sockets.map((socket, person) => socket.nextFrame(isNew(ids[person]![99]!), 15_000)),
    );
    for (const socket of sockets) {
      expect(socket.frames.filter((frame) => frame.type === 'error')).toEqual([]);
    }
    await closeAll(...sockets);
  });
});

describe('REST writes', () => {
  it('answers writes beyond a user’s budget 429 with Retry-After and retry_after_ms; reads and others go on', async () => {
    // Slow refill: a loaded machine must not refill a token between the writes.
    const server = await serve({ rateLimits: { restWritesPerUser: { burst: 3, perSecond: 0.5 } } });
    const cast = await loginAll(server);
    const room = await createGroup(cast.aibek, [cast.aizada]);
    const post = (text: string) =>
      fetch(`${server.url}${API}/messages/`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${cast.aibek.access}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ conversation_id: room.id, sender_id: 1, text }),
      });
    expect((await post('one')).status).toBe(201);
    expect((await post('two')).status).toBe(201);
    const refused = await post('three');
    expect(refused.status).toBe(429);
    const retryAfter = refused.headers.get('retry-after');
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    const body = (await refused.json()) as Record<string, unknown>;
    expect(body).toEqual({
      detail: expect.stringMatching(/try again/),
      code: 'rate_limited',
      retry_after_ms: expect.any(Number),
    });
    expect(Number.isInteger(body.retry_after_ms)).toBe(true);
    expect(body.retry_after_ms).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBe(Math.ceil((body.retry_after_ms as number) / 1000));

    expect((await cast.aibek.request('GET', `${API}/messages/${room.id}`)).status).toBe(200);
    expect(
      (
        await cast.aizada.request('POST', `${API}/messages/`, {
          conversation_id: room.id,
          sender_id: 2,
          text: 'mine',
        })
      ).status,
    ).toBe(201);
    await delay((body.retry_after_ms as number) + 100);
    expect((await post('three, later')).status).toBe(201);
  });

  it('lets one user send 120 messages back to back with the default limits', async () => {
    const server = await serve();
    const aibek = await server.login('aibek');
    const room = await createGroup(aibek, []);
    for (let index = 0; index < 120; index += 1) {
      const answer = await aibek.request('POST', `${API}/messages/`, {
        conversation_id: room.id,
        sender_id: 1,
        text: `m${index}`,
      });
      expect(answer.status).toBe(201);
    }
  });
});

describe('login attempts', () => {
  const login = (server: TestServer, username: string, password: string) =>
    rawRequest<Record<string, unknown>>(server.url, 'POST', '/api/auth/login/', {
      body: { username, password },
    });

  it('refuses even the right password after 200 wrong ones, and only for that username', async () => {
    const server = await serve({
      rateLimits: {
        loginFailuresPerUsername: { burst: 10, perSecond: 0.01 },
        loginAttemptsPerAddress: false,
      },
    });
    const statuses = new Map<number, number>();
    // 20 guessers at once: refusals are held a moment each (a tarpit), so one alone is slow.
    let attempt = 0;
    const guesser = async () => {
      while (attempt < 200) {
        attempt += 1;
        const { status } = await login(server, 'aibek', `guess-${attempt}`);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 20 }, guesser));
    expect(statuses.get(401)).toBeGreaterThanOrEqual(10);
    expect(statuses.get(429)).toBeGreaterThan(150);
    const right = await login(server, 'aibek', 'demo');
    expect(right.status).toBe(429);
    expect(right.body).toMatchObject({ code: 'rate_limited', retry_after_ms: expect.any(Number) });
    expect(right.body.retry_after_ms).toBeGreaterThan(1000);
    // Another username from the same address is not affected.
    expect((await login(server, 'aizada', 'demo')).status).toBe(200);
  });

  it('refuses with the default limits after 10 wrong passwords, with Retry-After', async () => {
    const server = await serve();
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect((await login(server, 'bakyt', 'wrong')).status).toBe(401);
    }
    const response = await fetch(`${server.url}/api/auth/login/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bakyt', password: 'demo' }),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('does not count successful logins against a username', async () => {
    const server = await serve({
      rateLimits: { loginFailuresPerUsername: { burst: 2, perSecond: 0.01 } },
    });
    for (let attempt = 0; attempt < 6; attempt += 1) {
      expect((await login(server, 'elena', 'demo')).status).toBe(200);
    }
  });

  it('limits every attempt per address, right or wrong', async () => {
    const server = await serve({
      rateLimits: {
        loginFailuresPerUsername: false,
        loginAttemptsPerAddress: { burst: 5, perSecond: 0.01 },
      },
    });
    const names = ['aibek', 'aizada', 'bakyt', 'elena', 'aibek'];
    for (const name of names) expect((await login(server, name, 'demo')).status).toBe(200);
    expect((await login(server, 'aizada', 'demo')).status).toBe(429);
  });
});

describe('switching limits off', () => {
  it('stores 300 socket sends and 400 REST writes at once with rateLimits: false', async () => {
    const server = await serve({ rateLimits: false });
    const aibek = await server.login('aibek');
    const room = await createGroup(aibek, []);
    const socket = await server.openSocket(room.id, aibek.access);
    const ids = Array.from({ length: 300 }, (_, index) => send(socket, `s${index}`));
    await socket.nextFrame(isNew(ids[299]!), 15_000);
    expect(socket.frames.filter((frame) => frame.type === 'error')).toEqual([]);
    const answers = await Promise.all(
      Array.from({ length: 400 }, (_, index) =>
        aibek.request('POST', `${API}/messages/`, {
          conversation_id: room.id,
          sender_id: 1,
          text: `r${index}`,
        }),
      ),
    );
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([201]));
    for (let attempt = 0; attempt < 40; attempt += 1) {
      const wrong = await rawRequest(server.url, 'POST', '/api/auth/login/', {
        body: { username: 'aibek', password: 'nope' },
      });
      expect(wrong.status).toBe(401);
    }
    await closeAll(socket);
  });

  it('documents its defaults in code: generous for the demo, never zero', () => {
    expect(DEFAULT_RATE_LIMITS).toEqual({
      socketSendsPerConnection: { burst: 100, perSecond: 20 },
      socketSendsPerUser: { burst: 200, perSecond: 40 },
      restWritesPerUser: { burst: 300, perSecond: 30 },
      loginFailuresPerUsername: { burst: 10, perSecond: 0.1 },
      loginAttemptsPerAddress: { burst: 30, perSecond: 1 },
    });
  });
});

describe('sockets per user', () => {
  it('closes the oldest socket with 4409 "too many sockets" once a user opens one more than the cap', async () => {
    const server = await serve({ maxSocketsPerUser: 3 });
    const cast = await loginAll(server);
    const room = await createGroup(cast.aibek, [cast.aizada]);
    const sockets: TestSocket[] = [];
    for (let index = 0; index < 3; index += 1) {
      sockets.push(await server.openSocket(room.id, cast.aibek.access));
    }
    const hers = await server.openSocket(room.id, cast.aizada.access);
    sockets.push(await server.openSocket(room.id, cast.aibek.access));
    expect(await sockets[0]!.closed).toEqual({ code: 4409, reason: 'too many sockets' });
    for (const socket of [...sockets.slice(1), hers]) await expectNothingPending(socket);
    sockets.push(await server.openSocket(room.id, cast.aibek.access));
    expect((await sockets[1]!.closed).code).toBe(4409);
    await closeAll(...sockets.slice(2), hers);
  });

  it('keeps 30 sockets of one user open with the default cap, and closes the 31st’s oldest', async () => {
    const server = await serve();
    const aibek = await server.login('aibek');
    const rooms = await Promise.all(
      Array.from({ length: 10 }, (_, index) => createGroup(aibek, [], `room ${index}`)),
    );
    const sockets: TestSocket[] = [];
    for (let index = 0; index < 30; index += 1) {
      sockets.push(await server.openSocket(rooms[index % 10]!.id, aibek.access));
    }
    await Promise.all(sockets.map((socket) => expectNothingPending(socket)));
    sockets.push(await server.openSocket(rooms[0]!.id, aibek.access));
    expect((await sockets[0]!.closed).code).toBe(4409);
    await closeAll(...sockets.slice(1));
  });

  it('has no cap with maxSocketsPerUser: false', async () => {
    const server = await serve({ maxSocketsPerUser: false });
    const aibek = await server.login('aibek');
    const room = await createGroup(aibek, []);
    const sockets: TestSocket[] = [];
    for (let index = 0; index < 40; index += 1) {
      sockets.push(await server.openSocket(room.id, aibek.access));
    }
    await Promise.all(sockets.map((socket) => expectNothingPending(socket)));
    await closeAll(...sockets);
  });
});
