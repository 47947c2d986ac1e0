/**
 * [ext] Read cursors: `POST /conversations/{id}/read/`, the read fields of
 * conversations (`last_read_message_id`, `unread_count`, `read_cursors`), the
 * `read:updated` frame, and who may see any of it.
 */
import fc from 'fast-check';
import type { Conversation, Message } from '../../src/api/types';
import { startTestServer } from '../support/server';
import type { Session, TestServer } from '../support/server';
import type { Cast } from './fixtures';
import {
  API,
  closeAll,
  createGroup,
  expectNothingPending,
  loginAll,
  ofType,
  postMessage,
} from './fixtures';
import { isAbout, openStream } from './streams';

interface ReadState extends Conversation {
  last_read_message_id: string | null;
  unread_count: number;
  read_cursors: { user_id: number; last_read_message_id: string | null }[];
}

let server: TestServer;
let cast: Cast;

beforeAll(async () => {
  server = await startTestServer({ rateLimits: false });
  cast = await loginAll(server);
});

afterAll(() => server.close());

const read = (session: Session, conversationId: string, body: unknown) =>
  session.request<{ code?: string } & Record<string, unknown>>(
    'POST',
    `${API}/conversations/${conversationId}/read/`,
    body,
  );

const state = async (session: Session, conversationId: string): Promise<ReadState> => {
  const { status, body } = await session.request<ReadState>(
    'GET',
    `${API}/conversations/${conversationId}`,
  );
  expect(status).toBe(200);
  return body;
};

describe('POST /conversations/{id}/read/', () => {
  it('moves the cursor forward and answers it, with or without the trailing slash', async () => {
    const { aibek, aizada } = cast;
    const group = await createGroup(aibek, [aizada]);
    const [one, two] = [
      await postMessage(aibek, group.id, 'one'),
      await postMessage(aibek, group.id, 'two'),
    ];
    expect(await read(aizada, group.id, { message_id: one.id })).toEqual({
      status: 200,
      body: { conversation_id: group.id, user_id: 2, last_read_message_id: one.id },
    });
    const noSlash = await aizada.request('POST', `${API}/conversations/${group.id}/read`, {
      message_id: two.id,
    });
    expect(noSlash).toEqual({
      status: 200,
      body: { conversation_id: group.id, user_id: 2, last_read_message_id: two.id },
    });
    expect((await state(aizada, group.id)).last_read_message_id).toBe(two.id);
  });

  it('never moves it back: an older message answers the current cursor and publishes nothing', async () => {
    const { aibek, aizada } = cast;
    const group = await createGroup(aibek, [aizada]);
    const [one, two] = [
      await postMessage(aibek, group.id, 'one'),
      await postMessage(aibek, group.id, 'two'),
    ];
    await read(aizada, group.id, { message_id: two.id });
    const stream = await openStream(server, aizada.access);
    for (const message of [one, two]) {
      expect((await read(aizada, group.id, { message_id: message.id })).body).toEqual({
        conversation_id: group.id,
        user_id: 2,
        last_read_message_id: two.id,
      });
    }
    await expectNothingPending(stream, ['presence']);
    expect((await state(aizada, group.id)).last_read_message_id).toBe(two.id);
    await closeAll(stream);
  });

  it('accepts a deleted message of the conversation (it was read before it went)', async () => {
    const { aibek, aizada } = cast;
    const group = await createGroup(aibek, [aizada]);
    const gone = await postMessage(aibek, group.id, 'soon gone');
    await aibek.request('DELETE', `${API}/messages/${gone.id}`);
    expect((await read(aizada, group.id, { message_id: gone.id })).status).toBe(200);
  });

  it('refuses a message of another conversation, or an unknown one, with 400 invalid_message', async () => {
    const { aibek, aizada } = cast;
    const group = await createGroup(aibek, [aizada]);
    const other = await createGroup(aibek, [aizada]);
    const elsewhere = await postMessage(aibek, other.id, 'elsewhere');
    for (const messageId of [elsewhere.id, crypto.randomUUID()]) {
      const answer = await read(aizada, group.id, { message_id: messageId });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ detail: expect.any(String), code: 'invalid_message' });
    }
    expect((await state(aizada, group.id)).last_read_message_id).toBeNull();
  });

  it.each([
    ['no message_id', {}, 422, 'validation_error'],
    ['a message_id that is not a UUID', { message_id: 'latest' }, 422, 'validation_error'],
    ['a number', { message_id: 7 }, 422, 'validation_error'],
    ['a body that is not an object', [], 422, 'validation_error'],
    ['no body', undefined, 400, 'body_required'],
  ])('refuses %s', async (_what, body, status, code) => {
    const group = await createGroup(cast.aibek, []);
    const answer = await read(cast.aibek, group.id, body);
    expect(answer.status).toBe(status);
    expect(answer.body.code).toBe(code);
  });

  it('answers 404 for a conversation you are not in, exactly as for one that does not exist', async () => {
    const { aibek, elena } = cast;
    const group = await createGroup(aibek, []);
    const message = await postMessage(aibek, group.id, 'private');
    const outsider = await read(elena, group.id, { message_id: message.id });
    const nowhere = await read(elena, crypto.randomUUID(), { message_id: message.id });
    expect(outsider).toEqual({
      status: 404,
      body: { detail: expect.any(String), code: 'not_found' },
    });
    expect(nowhere).toEqual(outsider);
    expect((await state(aibek, group.id)).read_cursors).toEqual([]);
  });

  it('needs a token (401)', async () => {
    const group = await createGroup(cast.aibek, []);
    const response = await fetch(`${server.url}${API}/conversations/${group.id}/read/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message_id: crypto.randomUUID() }),
    });
    expect(response.status).toBe(401);
  });

  it('is rate-limited like every REST write (429)', async () => {
    const limited = await startTestServer({
      rateLimits: { restWritesPerUser: { burst: 2, perSecond: 0.01 } },
    });
    const user = await limited.login('aibek');
    const group = await createGroup(user, []);
    const message = await postMessage(user, group.id, 'x');
    const refused = await read(user, group.id, { message_id: message.id });
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('rate_limited');
    await limited.close();
  });
});

describe('read:updated', () => {
  it('goes to every participant’s sockets and streams, the reader’s included, and to nobody else', async () => {
    const { aibek, aizada, bakyt, elena } = cast;
    const group = await createGroup(aibek, [aizada, bakyt]);
    const message = await postMessage(aibek, group.id, 'read me');
    const streams = await Promise.all(
      [aibek, aizada, bakyt, elena].map((session) => openStream(server, session.access)),
    );
    const sockets = await Promise.all(
      [aibek, aizada].map((session) => server.openSocket(group.id, session.access)),
    );
    await read(aizada, group.id, { message_id: message.id });
    const frame = {
      type: 'read:updated',
      payload: { conversation_id: group.id, user_id: 2, last_read_message_id: message.id },
    };
    for (const socket of [...streams.slice(0, 3), ...sockets]) {
      expect(await socket.nextFrame(isAbout(group.id))).toEqual(frame);
    }
    await expectNothingPending(streams[3]!, ['presence']);
    expect(streams[3]!.frames.some(isAbout(group.id))).toBe(false);
    await closeAll(...streams, ...sockets);
  });

  it('follows the message:new of a sender, whose own cursor moves to their message', async () => {
    const { aibek, aizada } = cast;
    const group = await createGroup(aibek, [aizada]);
    const socket = await server.openSocket(group.id, aizada.access);
    const earlier = await postMessage(aizada, group.id, 'from her');
    const mine = await postMessage(aibek, group.id, 'from him');
    const frames = [];
    for (let index = 0; index < 4; index += 1) frames.push(await socket.nextFrame());
    expect(frames).toEqual([
      { type: 'message:new', payload: earlier },
      {
        type: 'read:updated',
        payload: { conversation_id: group.id, user_id: 2, last_read_message_id: earlier.id },
      },
      { type: 'message:new', payload: mine },
      {
        type: 'read:updated',
        payload: { conversation_id: group.id, user_id: 1, last_read_message_id: mine.id },
      },
    ]);
    // Sending read what came before: his cursor is past her message.
    const his = await state(aibek, group.id);
    expect(his).toMatchObject({ last_read_message_id: mine.id, unread_count: 0 });
    expect(his.read_cursors).toEqual([{ user_id: 2, last_read_message_id: earlier.id }]);
    expect((await state(aizada, group.id)).unread_count).toBe(1);
    await closeAll(socket);
  });

  it('is not sent for a retried send (same client_id) or in answer to an old message', async () => {
    const { aibek } = cast;
    const group = await createGroup(aibek, []);
    const clientId = crypto.randomUUID();
    const first = await postMessage(aibek, group.id, 'once', { client_id: clientId });
    const socket = await server.openSocket(group.id, aibek.access);
    const retry = await aibek.request('POST', `${API}/messages/`, {
      conversation_id: group.id,
      sender_id: 1,
      text: 'once',
      client_id: clientId,
    });
    expect(retry.status).toBe(200);
    await read(aibek, group.id, { message_id: first.id });
    await expectNothingPending(socket);
    await closeAll(socket);
  });
});

describe('read fields of conversations', () => {
  it('count the live messages of others newer than the cursor, all of them without one', async () => {
    const { aibek, aizada, bakyt } = cast;
    const group = await createGroup(aibek, [aizada, bakyt]);
    const fromAibek = await postMessage(aibek, group.id, '1');
    await postMessage(bakyt, group.id, '2');
    const deleted = await postMessage(bakyt, group.id, '3 (deleted)');
    await bakyt.request('DELETE', `${API}/messages/${deleted.id}`);
    expect(await state(aizada, group.id)).toMatchObject({
      last_read_message_id: null,
      unread_count: 2,
    });
    await read(aizada, group.id, { message_id: fromAibek.id });
    expect((await state(aizada, group.id)).unread_count).toBe(1);
    await read(aizada, group.id, { message_id: deleted.id });
    expect((await state(aizada, group.id)).unread_count).toBe(0);
    const later = await postMessage(aibek, group.id, '4');
    expect((await state(aizada, group.id)).unread_count).toBe(1);
    // Editing does not make a message unread again.
    await aibek.request('PUT', `${API}/messages/${later.id}`, { text: '4, edited' });
    expect((await state(aizada, group.id)).unread_count).toBe(1);
    // Own messages never count, with or without a cursor.
    expect((await state(bakyt, group.id)).unread_count).toBe(1);
  });

  it('are the caller’s own in the list, the answer of a get and of a create', async () => {
    const { aibek, aizada, bakyt } = cast;
    const group = await createGroup(aibek, [aizada, bakyt]);
    expect(group).toMatchObject({
      last_read_message_id: null,
      unread_count: 0,
      read_cursors: [
        { user_id: 2, last_read_message_id: null },
        { user_id: 3, last_read_message_id: null },
      ],
    });
    const message = await postMessage(aibek, group.id, 'hi');
    await read(bakyt, group.id, { message_id: message.id });
    const list = await aizada.request<ReadState[]>('GET', `${API}/conversations/`);
    const listed = list.body.find((conversation) => conversation.id === group.id);
    expect(listed).toEqual(await state(aizada, group.id));
    expect(listed).toMatchObject({
      last_read_message_id: null,
      unread_count: 1,
      read_cursors: [
        { user_id: 1, last_read_message_id: message.id },
        { user_id: 3, last_read_message_id: message.id },
      ],
    });
  });

  it('list only current participants; a member added back keeps what they had read', async () => {
    const { aibek, aizada, bakyt } = cast;
    const group = await createGroup(aibek, [aizada, bakyt]);
    const message = await postMessage(aibek, group.id, 'hi');
    await read(bakyt, group.id, { message_id: message.id });
    await aibek.request('DELETE', `${API}/conversations/${group.id}/participants/3`);
    expect((await state(aizada, group.id)).read_cursors).toEqual([
      { user_id: 1, last_read_message_id: message.id },
    ]);
    expect((await bakyt.request('GET', `${API}/conversations/${group.id}`)).status).toBe(404);
    await aibek.request('POST', `${API}/conversations/${group.id}/participants/`, { user_id: 3 });
    expect(await state(bakyt, group.id)).toMatchObject({
      last_read_message_id: message.id,
      unread_count: 0,
    });
    expect((await state(aizada, group.id)).read_cursors).toEqual([
      { user_id: 1, last_read_message_id: message.id },
      { user_id: 3, last_read_message_id: message.id },
    ]);
  });
});

describe('cursor monotonicity (property)', () => {
  it('keeps the newest message ever read, and counts what others wrote after it', async () => {
    const { aibek, aizada } = cast;
    // Who sends each message: aizada (2) the first, fourth and seventh.
    const senders = [aizada, aibek, aibek, aizada, aibek, aibek, aizada, aibek];
    const herLast = 6;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: senders.length - 1 }), { minLength: 1, maxLength: 12 }),
        async (order) => {
          const room = await createGroup(aibek, [aizada]);
          const posted: Message[] = [];
          for (const [index, sender] of senders.entries()) {
            posted.push(await postMessage(sender, room.id, `m${index}`));
          }
          // Her own sends moved her cursor to her last message.
          let newest = herLast;
          for (const index of order) {
            const answer = await read(aizada, room.id, { message_id: posted[index]!.id });
            newest = Math.max(newest, index);
            expect(answer.body.last_read_message_id).toBe(posted[newest]!.id);
          }
          const unread = posted.filter(
            (message, index) => index > newest && message.sender_id !== 2,
          ).length;
          expect((await state(aizada, room.id)).unread_count).toBe(unread);
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('authorization', () => {
  it('shows no read state of a conversation to outsiders, over REST or any socket', async () => {
    const { aibek, aizada, elena } = cast;
    const group = await createGroup(aibek, [aizada]);
    const elenaStream = await openStream(server, elena.access);
    const message = await postMessage(aizada, group.id, 'x');
    await read(aibek, group.id, { message_id: message.id });
    expect((await elena.request('GET', `${API}/conversations/${group.id}`)).status).toBe(404);
    const list = await elena.request<Conversation[]>('GET', `${API}/conversations/`);
    expect(list.body.some((conversation) => conversation.id === group.id)).toBe(false);
    const socket = await server.openSocket(group.id, elena.access);
    expect((await socket.closed).code).toBe(4404);
    await expectNothingPending(elenaStream, ['presence']);
    expect(elenaStream.frames.some(isAbout(group.id))).toBe(false);
    expect(elenaStream.frames.some(ofType('read:updated'))).toBe(false);
    await closeAll(elenaStream);
  });
});
