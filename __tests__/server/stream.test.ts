/**
 * [ext] The user stream `/api/unet-chat/ws/`: admission (tokens, close codes,
 * Origin, the socket cap), every frame of every conversation of the user in
 * the order a conversation socket sees them, the conversation frames of its
 * own, who gets what, and client frames.
 */
import type { Conversation, Message } from '../../src/api/types';
import { startTestServer } from '../support/server';
import type { Session, TestFrame, TestServer, TestSocket } from '../support/server';
import type { Cast } from './fixtures';
import {
  API,
  closeAll,
  createConversation,
  createGroup,
  expectNothingPending,
  loginAll,
  ofType,
  postMessage,
} from './fixtures';
import { isAbout, openRecorded, openStream, streamUrl, typesOf } from './streams';

let server: TestServer;
let cast: Cast;

beforeAll(async () => {
  server = await startTestServer({ rateLimits: false });
  cast = await loginAll(server);
});

afterAll(() => server.close());

/** Waits until the stream has handled everything sent before (ping → pong), presence aside. */
async function settled(socket: TestSocket): Promise<void> {
  await expectNothingPending(socket, ['presence', ...PENDING_OK]);
}
// Frames a test reads from `frames` afterwards instead of consuming them one by one.
const PENDING_OK = [
  'message:new',
  'message:updated',
  'message:deleted',
  'read:updated',
  'typing',
  'participant:added',
  'participant:removed',
  'conversation:created',
  'conversation:updated',
  'conversation:deleted',
];

const get = (session: Session, id: string) =>
  session.request<Conversation>('GET', `${API}/conversations/${id}`);

describe('admission', () => {
  it('opens with the token in the query, with or without the trailing slash', async () => {
    for (const slash of [true, false]) {
      const stream = await openRecorded(streamUrl(server, cast.bakyt.access, slash));
      stream.send({ type: 'ping' });
      expect(await stream.nextFrame(ofType('pong'))).toEqual({ type: 'pong', payload: {} });
      await closeAll(stream);
    }
  });

  it('opens with the token in the bearer subprotocol, answering only "unet-chat"', async () => {
    const stream = await openRecorded(streamUrl(server, null), {
      protocols: ['unet-chat', `bearer.${cast.bakyt.access}`],
    });
    expect(stream.raw.protocol).toBe('unet-chat');
    stream.send({ type: 'ping' });
    expect(await stream.nextFrame(ofType('pong'))).toEqual({ type: 'pong', payload: {} });
    await closeAll(stream);
  });

  it.each([
    ['no token', null, 'unauthorized'],
    ['a malformed token', 'not-a-jwt', 'unauthorized'],
  ])('closes with 4401 for %s', async (_what, token, reason) => {
    const stream = await openRecorded(streamUrl(server, token));
    expect(await stream.closed).toEqual({ code: 4401, reason });
    expect(stream.frames).toEqual([]);
  });

  it('closes with 4401 "token expired" when the token expires, and on a revoked session', async () => {
    const short = await startTestServer({ accessTtlSeconds: 1 });
    const user = await short.login('aibek');
    const stream = await openStream(short, user.access);
    expect(await stream.closed).toEqual({ code: 4401, reason: 'token expired' });
    const late = await openStream(short, user.access);
    expect(await late.closed).toEqual({ code: 4401, reason: 'token expired' });
    await short.close();

    const session = await server.login('elena');
    const open = await openStream(server, session.access);
    const logout = await fetch(`${server.url}/api/auth/logout/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh: session.refresh }),
    });
    expect(logout.status).toBe(204);
    expect(await open.closed).toEqual({ code: 4401, reason: 'session ended' });
    const again = await openStream(server, session.access);
    expect(await again.closed).toEqual({ code: 4401, reason: 'unauthorized' });
  });

  it('refuses a foreign Origin before the handshake (HTTP 403)', async () => {
    const stream = await openRecorded(streamUrl(server, cast.bakyt.access), {
      headers: { origin: 'https://evil.example' },
    });
    expect((await stream.closed).code).toBe(1006);
  });

  it('counts toward the socket cap: one more closes the oldest socket with 4409', async () => {
    const capped = await startTestServer({ maxSocketsPerUser: 2 });
    const user = await capped.login('aibek');
    const room = await createGroup(user, []);
    const oldest = await capped.openSocket(room.id, user.access);
    const stream = await openStream(capped, user.access);
    const newest = await openStream(capped, user.access);
    expect(await oldest.closed).toEqual({ code: 4409, reason: 'too many sockets' });
    for (const socket of [stream, newest]) {
      socket.send({ type: 'ping' });
      await socket.nextFrame(ofType('pong'));
    }
    const one = await capped.openSocket(room.id, user.access);
    expect((await stream.closed).code).toBe(4409);
    await closeAll(newest, one);
    await capped.close();
  });
});

describe('conversation frames', () => {
  it('carries every frame of a conversation, in the order its conversation socket sees them', async () => {
    const { aibek, aizada, bakyt, elena } = cast;
    const group = await createGroup(aibek, [aizada, bakyt], 'order');
    const [socket, stream, aizadaStream, bakytStream, elenaStream] = await Promise.all([
      server.openSocket(group.id, aibek.access),
      openStream(server, aibek.access),
      openStream(server, aizada.access),
      openStream(server, bakyt.access),
      openStream(server, elena.access),
    ]);
    const first = await postMessage(aizada, group.id, 'first');
    expect((await stream.nextFrame(ofType('message:new'))).payload).toEqual(first);
    stream.send({
      type: 'message:send',
      payload: { conversation_id: group.id, text: 'over the stream', reply_to: null },
    });
    const second = (await stream.nextFrame<Message>(ofType('message:new'))).payload;
    await aizada.request('PUT', `${API}/messages/${first.id}`, { text: 'edited' });
    await aizada.request('DELETE', `${API}/messages/${first.id}`);
    await aibek.request('POST', `${API}/conversations/${group.id}/participants/`, { user_id: 4 });
    await aizada.request('POST', `${API}/conversations/${group.id}/read/`, {
      message_id: second.id,
    });
    aizadaStream.send({ type: 'typing', payload: { conversation_id: group.id } });
    await socket.nextFrame(ofType('typing'));
    await aibek.request('DELETE', `${API}/conversations/${group.id}/participants/3`);
    await aibek.request('DELETE', `${API}/conversations/${group.id}`);
    expect((await socket.closed).code).toBe(4404);
    await Promise.all([stream, aizadaStream, bakytStream, elenaStream].map(settled));

    // What a conversation socket also gets: all but the stream's own conversation frames.
    const streamOnly = new Set(['conversation:created', 'conversation:updated']);
    const onStream = stream.frames.filter(
      (frame: TestFrame) => isAbout(group.id)(frame) && !streamOnly.has(frame.type),
    );
    expect(onStream).toEqual(socket.frames);
    expect(typesOf(stream).filter((type) => type !== 'pong')).toEqual([
      'message:new',
      'read:updated',
      'message:new',
      'read:updated',
      'message:updated',
      'message:deleted',
      'participant:added',
      'conversation:updated',
      'read:updated',
      'typing',
      'participant:removed',
      'conversation:updated',
      'conversation:deleted',
    ]);
    // The typist never gets her own typing; the others get it once each.
    expect(typesOf(aizadaStream)).not.toContain('typing');
    // Bakyt's last frame of the conversation names his removal; nothing after it reaches him.
    const bakytTypes = typesOf(bakytStream).filter((type) => type !== 'pong');
    expect(bakytTypes.slice(-2)).toEqual(['typing', 'participant:removed']);
    expect(bakytStream.frames.filter(ofType('participant:removed'))).toEqual([
      { type: 'participant:removed', payload: { conversation_id: group.id, user_id: 3 } },
    ]);
    // Elena sees the conversation from her addition on, never what came before.
    expect(typesOf(elenaStream).filter((type) => type !== 'pong')).toEqual([
      'participant:added',
      'conversation:created',
      'read:updated',
      'typing',
      'participant:removed',
      'conversation:updated',
      'conversation:deleted',
    ]);
    // The stream outlives the conversation.
    await expectNothingPending(stream, ['presence', ...PENDING_OK]);
    await closeAll(stream, aizadaStream, bakytStream, elenaStream);
  });

  it('sends conversation:created to every participant, the creator included, as each one GETs it', async () => {
    const { aibek, aizada, bakyt, elena } = cast;
    const streams = await Promise.all(
      [aibek, aizada, bakyt, elena].map((session) => openStream(server, session.access)),
    );
    const [aibekStream, aizadaStream, bakytStream, elenaStream] = streams;
    const group = await createGroup(aibek, [aizada, bakyt], 'created');
    for (const [session, stream] of [
      [aibek, aibekStream],
      [aizada, aizadaStream],
      [bakyt, bakytStream],
    ] as const) {
      const frame = await stream!.nextFrame(ofType('conversation:created'));
      expect(frame.payload).toEqual((await get(session, group.id)).body);
      expect(frame.payload).toMatchObject({
        participant_ids: [1, 2, 3],
        last_message: null,
        last_read_message_id: null,
        unread_count: 0,
      });
    }
    // The answer of the creator's POST is his own view too.
    expect(group).toEqual((await get(aibek, group.id)).body);
    await settled(elenaStream!);
    expect(elenaStream!.frames.some(isAbout(group.id))).toBe(false);
    await closeAll(...streams);
  });

  it('sends nothing when a private conversation that exists is asked for again (200)', async () => {
    const { aizada, elena } = cast;
    const first = await createConversation(aizada, { type: 'private', participant_ids: [4] });
    const streams = await Promise.all([
      openStream(server, aizada.access),
      openStream(server, elena.access),
    ]);
    const again = await elena.request('POST', `${API}/conversations/`, {
      type: 'private',
      participant_ids: [2],
    });
    expect(again.status).toBe(200);
    for (const stream of streams) {
      await settled(stream);
      expect(stream.frames.some(isAbout(first.id))).toBe(false);
    }
    await closeAll(...streams);
  });

  it('on an addition: everyone gets participant:added, then the new member conversation:created and the others conversation:updated', async () => {
    const { aibek, aizada, elena } = cast;
    const group = await createGroup(aibek, [aizada], 'add');
    await postMessage(aizada, group.id, 'before elena');
    const streams = await Promise.all(
      [aibek, aizada, elena].map((s) => openStream(server, s.access)),
    );
    const [aibekStream, aizadaStream, elenaStream] = streams;
    await aizada.request('POST', `${API}/conversations/${group.id}/participants/`, { user_id: 4 });
    const added = { type: 'participant:added', payload: { conversation_id: group.id, user_id: 4 } };
    for (const [session, stream, type] of [
      [aibek, aibekStream, 'conversation:updated'],
      [aizada, aizadaStream, 'conversation:updated'],
      [elena, elenaStream, 'conversation:created'],
    ] as const) {
      const [frame, next] = [
        await stream!.nextFrame(isAbout(group.id)),
        await stream!.nextFrame(isAbout(group.id)),
      ];
      expect(frame).toEqual(added);
      expect(next.type).toBe(type);
      expect(next.payload).toEqual((await get(session, group.id)).body);
    }
    // The new member's view: everything before her is unread.
    expect(elenaStream!.frames.find(ofType('conversation:created'))?.payload).toMatchObject({
      participant_ids: [1, 2, 4],
      unread_count: 1,
      last_read_message_id: null,
    });
    await closeAll(...streams);
  });

  it('on a removal: the removed user gets participant:removed and then nothing more of it; the others conversation:updated', async () => {
    const { aibek, aizada, bakyt } = cast;
    const group = await createGroup(aibek, [aizada, bakyt], 'remove');
    const streams = await Promise.all(
      [aibek, aizada, bakyt].map((s) => openStream(server, s.access)),
    );
    const [aibekStream, aizadaStream, bakytStream] = streams;
    await aibek.request('DELETE', `${API}/conversations/${group.id}/participants/3`);
    const removed = {
      type: 'participant:removed',
      payload: { conversation_id: group.id, user_id: 3 },
    };
    expect(await bakytStream!.nextFrame(isAbout(group.id))).toEqual(removed);
    for (const [session, stream] of [
      [aibek, aibekStream],
      [aizada, aizadaStream],
    ] as const) {
      expect(await stream!.nextFrame(isAbout(group.id))).toEqual(removed);
      const updated = await stream!.nextFrame(isAbout(group.id));
      expect(updated.type).toBe('conversation:updated');
      expect(updated.payload).toEqual((await get(session, group.id)).body);
      expect(updated.payload).toMatchObject({ participant_ids: [1, 2] });
    }
    await postMessage(aizada, group.id, 'after bakyt left');
    aizadaStream!.send({ type: 'typing', payload: { conversation_id: group.id } });
    await aibekStream!.nextFrame(ofType('typing'));
    await settled(bakytStream!);
    expect(bakytStream!.frames.filter(isAbout(group.id))).toEqual([removed]);
    // And he may no longer send into it over his stream.
    bakytStream!.send({
      type: 'message:send',
      payload: { conversation_id: group.id, text: 'still here?', reply_to: null },
    });
    expect((await bakytStream!.nextFrame(ofType('error'))).payload).toMatchObject({
      code: 'not_found',
    });
    await closeAll(...streams);
  });

  it('keeps the stream open when a conversation is deleted, after conversation:deleted', async () => {
    const { aibek, aizada } = cast;
    const group = await createGroup(aibek, [aizada], 'deleted');
    const stream = await openStream(server, aizada.access);
    await aibek.request('DELETE', `${API}/conversations/${group.id}`);
    expect(await stream.nextFrame(isAbout(group.id))).toEqual({
      type: 'conversation:deleted',
      payload: { id: group.id },
    });
    stream.send({ type: 'ping' });
    await stream.nextFrame(ofType('pong'));
    await closeAll(stream);
  });

  it('carries the events of all the user’s conversations on one socket, and none of others', async () => {
    const { aibek, aizada, bakyt, elena } = cast;
    const mine = [
      await createGroup(bakyt, [aizada], 'one'),
      await createGroup(elena, [bakyt], 'two'),
    ];
    const notMine = await createGroup(aibek, [aizada, elena], 'not bakyt’s');
    const stream = await openStream(server, bakyt.access);
    const sent = [
      await postMessage(aizada, mine[0]!.id, 'in one'),
      await postMessage(aibek, notMine.id, 'elsewhere'),
      await postMessage(elena, mine[1]!.id, 'in two'),
    ];
    expect((await stream.nextFrame(ofType('message:new'))).payload).toEqual(sent[0]);
    expect((await stream.nextFrame(ofType('message:new'))).payload).toEqual(sent[2]);
    await settled(stream);
    expect(stream.frames.some(isAbout(notMine.id))).toBe(false);
    await closeAll(stream);
  });
});

describe('client frames', () => {
  it('message:send stores the message in the named conversation and fans it out', async () => {
    const { aibek, aizada } = cast;
    const group = await createGroup(aibek, [aizada], 'send');
    const [stream, watcher] = await Promise.all([
      openStream(server, aizada.access),
      server.openSocket(group.id, aibek.access),
    ]);
    const clientId = crypto.randomUUID();
    const frame = {
      type: 'message:send',
      payload: { conversation_id: group.id, text: 'hello', reply_to: null, client_id: clientId },
    };
    stream.send(frame);
    const echo = await stream.nextFrame<Message>(ofType('message:new'));
    expect(echo.payload).toMatchObject({
      conversation_id: group.id,
      sender_id: 2,
      text: 'hello',
      client_id: clientId,
    });
    expect(await watcher.nextFrame(ofType('message:new'))).toEqual(echo);
    // A retry answers the stored message to this stream only.
    stream.send(frame);
    expect(await stream.nextFrame(ofType('message:new'))).toEqual(echo);
    await expectNothingPending(watcher, ['read:updated']);
    const stored = await aibek.request<Message[]>('GET', `${API}/messages/${group.id}`);
    expect(stored.body).toEqual([echo.payload]);
    await closeAll(stream, watcher);
  });

  it('message:send answers not_found, the same way, for a conversation of others and one that does not exist', async () => {
    const { aibek, bakyt } = cast;
    const others = await createGroup(aibek, [], 'private to aibek');
    const stream = await openStream(server, bakyt.access);
    const answers = [];
    for (const conversationId of [others.id, crypto.randomUUID()]) {
      const clientId = crypto.randomUUID();
      stream.send({
        type: 'message:send',
        payload: {
          conversation_id: conversationId,
          text: 'probe',
          reply_to: null,
          client_id: clientId,
        },
      });
      const { payload } = await stream.nextFrame<{ client_id: string }>(ofType('error'));
      expect(payload.client_id).toBe(clientId);
      answers.push({ ...payload, client_id: undefined });
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]).toMatchObject({ code: 'not_found' });
    const stored = await aibek.request<Message[]>('GET', `${API}/messages/${others.id}`);
    expect(stored.body).toEqual([]);
    await closeAll(stream);
  });

  it.each([
    ['no conversation_id', { text: 'x' }],
    ['a conversation_id that is not a UUID', { conversation_id: 'nope', text: 'x' }],
    ['no payload', undefined],
    ['an empty text', { conversation_id: '00000000-0000-7000-8000-000000000000', text: ' ' }],
  ])(
    'message:send with %s answers validation_error and keeps the stream',
    async (_what, payload) => {
      const stream = await openStream(server, cast.bakyt.access);
      stream.send({ type: 'message:send', payload });
      expect((await stream.nextFrame(ofType('error'))).payload).toMatchObject({
        code: 'validation_error',
      });
      stream.send({ type: 'ping' });
      await stream.nextFrame(ofType('pong'));
      await closeAll(stream);
    },
  );

  it('answers unknown frame types with unknown_type', async () => {
    const stream = await openStream(server, cast.bakyt.access);
    stream.send({ type: 'subscribe', payload: {} });
    expect((await stream.nextFrame(ofType('error'))).payload).toMatchObject({
      code: 'unknown_type',
    });
    await closeAll(stream);
  });

  it('limits message:send on a stream like on a conversation socket', async () => {
    const limited = await startTestServer({
      rateLimits: {
        socketSendsPerConnection: { burst: 2, perSecond: 0.5 },
        socketSendsPerUser: false,
      },
    });
    const user = await limited.login('aibek');
    const room = await createGroup(user, []);
    const stream = await openStream(limited, user.access);
    for (const text of ['a', 'b', 'c']) {
      stream.send({
        type: 'message:send',
        payload: { conversation_id: room.id, text, reply_to: null },
      });
    }
    const refusal = await stream.nextFrame<{ code: string; retry_after_ms: number }>(
      ofType('error'),
    );
    expect(refusal.payload.code).toBe('rate_limited');
    expect(refusal.payload.retry_after_ms).toBeGreaterThan(0);
    const stored = await user.request<Message[]>('GET', `${API}/messages/${room.id}`);
    expect(stored.body.map((message) => message.text)).toEqual(['a', 'b']);
    await closeAll(stream);
    await limited.close();
  });
});
