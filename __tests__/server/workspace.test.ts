/**
 * [ext] Typing and presence on the reference server — the relay, its
 * throttle, `GET /presence/`, the `presence` frames — and who may see any of
 * it: nothing of a conversation or a user you share no conversation with.
 * Bad input gets a clear 4xx or `error` frame, never a 500 or a closed socket.
 */
import { startTestServer } from '../support/server';
import type { TestServer, TestSocket } from '../support/server';
import type { Cast } from './fixtures';
import {
  API,
  ISO_MS_UTC,
  closeAll,
  createGroup,
  delay,
  expectNothingPending,
  loginAll,
  ofType,
  postMessage,
} from './fixtures';
import { isAbout, openStream } from './streams';

let server: TestServer;
let cast: Cast;

beforeAll(async () => {
  server = await startTestServer({ rateLimits: false, presenceOfflineDelayMs: 50 });
  cast = await loginAll(server);
});

afterAll(() => server.close());

const typing = (conversationId: string) => ({
  type: 'typing',
  payload: { conversation_id: conversationId },
});

/** Typing and messages of others are what these tests look for; presence comes and goes. */
const settled = (socket: TestSocket) => expectNothingPending(socket, ['presence']);

describe('typing', () => {
  it('goes to the other participants’ sockets and streams, never to the typist or outsiders', async () => {
    const { aibek, aizada, bakyt, elena } = cast;
    const group = await createGroup(aibek, [aizada, bakyt]);
    const [typist, aizadaSocket, bakytStream, elenaStream, aibekStream] = await Promise.all([
      server.openSocket(group.id, aibek.access),
      server.openSocket(group.id, aizada.access),
      openStream(server, bakyt.access),
      openStream(server, elena.access),
      openStream(server, aibek.access),
    ]);
    typist.send({ type: 'typing' });
    const frame = {
      type: 'typing',
      payload: { conversation_id: group.id, user_id: 1 },
    };
    expect(await aizadaSocket.nextFrame(ofType('typing'))).toEqual(frame);
    expect(await bakytStream.nextFrame(ofType('typing'))).toEqual(frame);
    for (const socket of [typist, aibekStream, elenaStream]) await settled(socket);
    expect([...typist.frames, ...aibekStream.frames].some(ofType('typing'))).toBe(false);
    expect(elenaStream.frames.some(isAbout(group.id))).toBe(false);
    await closeAll(typist, aizadaSocket, bakytStream, elenaStream, aibekStream);
  });

  it('is relayed at most once per 3 s per person and conversation; the rest are dropped silently', async () => {
    const { aibek, aizada, bakyt } = cast;
    const [one, two] = [
      await createGroup(aibek, [aizada, bakyt]),
      await createGroup(aibek, [aizada, bakyt]),
    ];
    const [aibekStream, aizadaStream, bakytStream] = await Promise.all([
      openStream(server, aibek.access),
      openStream(server, aizada.access),
      openStream(server, bakyt.access),
    ]);
    for (let index = 0; index < 5; index += 1) aibekStream.send(typing(one.id));
    aibekStream.send(typing(two.id));
    aizadaStream.send(typing(one.id));
    for (const stream of [aibekStream, aizadaStream, bakytStream])
      await expectNothingPending(stream, ['presence', 'typing']);
    // No answer to the dropped ones (an error would be noise for a client that types).
    expect(aibekStream.frames.some(ofType('error'))).toBe(false);
    expect(bakytStream.frames.filter(ofType('typing')).map((frame) => frame.payload)).toEqual(
      // Two sockets: their frames may interleave either way.
      expect.arrayContaining([
        { conversation_id: one.id, user_id: 1 },
        { conversation_id: two.id, user_id: 1 },
        { conversation_id: one.id, user_id: 2 },
      ]),
    );
    expect(bakytStream.frames.filter(ofType('typing'))).toHaveLength(3);
    await closeAll(aibekStream, aizadaStream, bakytStream);
  });

  it('starts afresh after the typist’s own message: typing right after it is relayed at once', async () => {
    const { aibek, aizada } = cast;
    const room = await createGroup(aibek, [aizada]);
    const [aibekStream, aizadaStream] = await Promise.all([
      openStream(server, aibek.access),
      openStream(server, aizada.access),
    ]);
    aibekStream.send(typing(room.id));
    await aizadaStream.nextFrame(ofType('typing'));
    await postMessage(aibek, room.id, 'done typing');
    aibekStream.send(typing(room.id));
    await expectNothingPending(aibekStream, ['presence', 'typing', 'message:new', 'read:updated']);
    await expectNothingPending(aizadaStream, ['presence', 'typing', 'message:new', 'read:updated']);
    // Typing, the message, typing again: within 3 s, yet both typing frames reach her.
    expect(
      aizadaStream.frames
        .filter(isAbout(room.id))
        .map((frame) => frame.type)
        .filter((type) => type !== 'read:updated'),
    ).toEqual(['typing', 'message:new', 'typing']);
    await closeAll(aibekStream, aizadaStream);
  });

  it('answers not_found on a stream, the same way, for a conversation of others and one that does not exist', async () => {
    const { aibek, aizada, elena } = cast;
    const group = await createGroup(aibek, [aizada]);
    const [outsider, aizadaStream] = await Promise.all([
      openStream(server, elena.access),
      openStream(server, aizada.access),
    ]);
    outsider.send(typing(group.id));
    const theirs = await outsider.nextFrame(ofType('error'));
    outsider.send(typing(crypto.randomUUID()));
    const nowhere = await outsider.nextFrame(ofType('error'));
    expect(theirs).toEqual({
      type: 'error',
      payload: { code: 'not_found', detail: expect.any(String) },
    });
    expect(nowhere).toEqual(theirs);
    await settled(aizadaStream);
    expect(aizadaStream.frames.some(ofType('typing'))).toBe(false);
    // The stream stays open and usable.
    await settled(outsider);
    await closeAll(outsider, aizadaStream);
  });

  it.each([
    ['no payload', { type: 'typing' }],
    ['a payload that is not an object', { type: 'typing', payload: 'c' }],
    ['no conversation_id', { type: 'typing', payload: {} }],
    ['a conversation_id that is not a UUID', { type: 'typing', payload: { conversation_id: 'x' } }],
    ['a numeric conversation_id', { type: 'typing', payload: { conversation_id: 7 } }],
  ])('refuses %s on a stream with validation_error and stays open', async (_what, frame) => {
    const stream = await openStream(server, cast.aibek.access);
    stream.send(frame);
    expect(await stream.nextFrame(ofType('error'))).toEqual({
      type: 'error',
      payload: { code: 'validation_error', detail: expect.stringContaining('conversation_id') },
    });
    await settled(stream);
    await closeAll(stream);
  });

  it('is an unknown frame type in seed-only mode', async () => {
    const seed = await startTestServer({ extensions: false });
    const aibek = await seed.login('aibek');
    const group = await createGroup(aibek, []);
    const socket = await seed.openSocket(group.id, aibek.access);
    socket.send({ type: 'typing' });
    expect(await socket.nextFrame(ofType('error'))).toEqual({
      type: 'error',
      payload: { code: 'unknown_type', detail: 'Unknown frame type "typing".' },
    });
    await closeAll(socket);
    await seed.close();
  });
});

describe('presence', () => {
  it('GET /presence/ lists everyone who shares a conversation with the caller, not the caller, not strangers', async () => {
    // A server of its own, so the conversations of other tests do not count.
    const own = await startTestServer({ rateLimits: false });
    const people = await loginAll(own);
    await createGroup(people.aibek, [people.aizada]);
    const aizadaSocket = await openStream(own, people.aizada.access);
    const answer = await people.aibek.request<unknown[]>('GET', `${API}/presence/`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([{ user_id: 2, online: true, last_seen_at: null }]);
    const noSlash = await people.aibek.request<unknown[]>('GET', `${API}/presence`);
    expect(noSlash).toEqual(answer);
    // Elena shares nothing with anyone: she sees nobody, and nobody sees her.
    expect((await people.elena.request('GET', `${API}/presence/`)).body).toEqual([]);
    const aizadas = await people.aizada.request<Array<{ user_id: number }>>(
      'GET',
      `${API}/presence/`,
    );
    expect(aizadas.body.map((entry) => entry.user_id)).toEqual([1]);
    await closeAll(aizadaSocket);
    expect((await fetch(`${own.url}${API}/presence/`)).status).toBe(401);
    await own.close();
  });

  it('announces online and then offline (with last_seen_at) to those who share a conversation, and to nobody else', async () => {
    const own = await startTestServer({ rateLimits: false, presenceOfflineDelayMs: 50 });
    const people = await loginAll(own);
    await createGroup(people.aibek, [people.aizada]);
    const [aibekStream, elenaStream] = await Promise.all([
      openStream(own, people.aibek.access),
      openStream(own, people.elena.access),
    ]);
    // On open, a stream gets the presence of those it shares a conversation with.
    expect(await aibekStream.nextFrame(ofType('presence'))).toEqual({
      type: 'presence',
      payload: { user_id: 2, online: false, last_seen_at: null },
    });
    const aizadaStream = await openStream(own, people.aizada.access);
    expect(await aibekStream.nextFrame(ofType('presence'))).toEqual({
      type: 'presence',
      payload: { user_id: 2, online: true, last_seen_at: null },
    });
    await closeAll(aizadaStream);
    const offline = await aibekStream.nextFrame<{ last_seen_at: string }>(ofType('presence'));
    expect(offline).toEqual({
      type: 'presence',
      payload: { user_id: 2, online: false, last_seen_at: expect.stringMatching(ISO_MS_UTC) },
    });
    expect((await people.aibek.request('GET', `${API}/presence/`)).body).toEqual([offline.payload]);
    await expectNothingPending(elenaStream);
    expect(elenaStream.frames.some(ofType('presence'))).toBe(false);
    await closeAll(aibekStream, elenaStream);
    await own.close();
  });

  it('tells each side of a new shared conversation the other’s presence', async () => {
    const own = await startTestServer({ rateLimits: false });
    const people = await loginAll(own);
    const [aibekStream, elenaStream] = await Promise.all([
      openStream(own, people.aibek.access),
      openStream(own, people.elena.access),
    ]);
    await expectNothingPending(aibekStream);
    await createGroup(people.aibek, [people.elena]);
    expect(await aibekStream.nextFrame(ofType('presence'))).toEqual({
      type: 'presence',
      payload: { user_id: 4, online: true, last_seen_at: null },
    });
    expect(await elenaStream.nextFrame(ofType('presence'))).toEqual({
      type: 'presence',
      payload: { user_id: 1, online: true, last_seen_at: null },
    });
    await closeAll(aibekStream, elenaStream);
    await own.close();
  });
});

describe('bad input to the workspace routes', () => {
  const read = (conversationId: string, body: string) =>
    fetch(`${server.url}${API}/conversations/${conversationId}/read/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cast.aibek.access}`, 'content-type': 'application/json' },
      body,
    });

  it.each([
    ['malformed JSON', '{"message_id": ', 400, 'invalid_json'],
    ['JSON null', 'null', 422, 'validation_error'],
    ['a string', '"latest"', 422, 'validation_error'],
    ['an array', '[]', 422, 'validation_error'],
    [
      'a huge message_id',
      JSON.stringify({ message_id: 'x'.repeat(100_000) }),
      413,
      'body_too_large',
    ],
    ['message_id null', JSON.stringify({ message_id: null }), 422, 'validation_error'],
  ])(
    'POST /read/ with %s is a %i %s with a JSON detail, never a 500',
    async (_what, body, status, code) => {
      const group = await createGroup(cast.aibek, []);
      await postMessage(cast.aibek, group.id, 'x');
      const response = await read(group.id, body);
      expect(response.status).toBe(status);
      expect(await response.json()).toEqual({ detail: expect.any(String), code });
    },
  );

  it('POST /read/ on a path id that is not a UUID is a 404 like any unknown conversation', async () => {
    const response = await read('not-a-uuid', JSON.stringify({ message_id: crypto.randomUUID() }));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ detail: expect.any(String), code: 'not_found' });
  });

  it('ignores a body sent to GET /presence/ and unknown query parameters', async () => {
    const answer = await cast.elena.request('GET', `${API}/presence/?online=1&x=%00`);
    expect(answer.status).toBe(200);
    await delay(0);
  });
});
