import WebSocket from 'ws';
import type { Conversation, Message } from '../../src/api/types';
import { startTestServer } from '../support/server';
import type { TestServer, TestSocket } from '../support/server';
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

let server: TestServer;
let cast: Cast;

beforeAll(async () => {
  server = await startTestServer();
  cast = await loginAll(server);
});

afterAll(() => server.close());

/**
 * `room` has aibek (two tabs), aizada and bakyt (no socket); `elsewhere` has
 * aibek and elena. Each test gets its own conversations.
 */
interface Scene {
  room: Conversation;
  elsewhere: Conversation;
  aibekTab1: TestSocket;
  aibekTab2: TestSocket;
  aizada: TestSocket;
  aibekElsewhere: TestSocket;
  elenaElsewhere: TestSocket;
  inRoom: TestSocket[];
  outside: TestSocket[];
  all: TestSocket[];
}

async function scene(): Promise<Scene> {
  const room = await createGroup(cast.aibek, [cast.aizada, cast.bakyt], 'room');
  const elsewhere = await createGroup(cast.aibek, [cast.elena], 'elsewhere');
  const [aibekTab1, aibekTab2, aizada, aibekElsewhere, elenaElsewhere] = await Promise.all([
    server.openSocket(room.id, cast.aibek.access),
    server.openSocket(room.id, cast.aibek.access),
    server.openSocket(room.id, cast.aizada.access),
    server.openSocket(elsewhere.id, cast.aibek.access),
    server.openSocket(elsewhere.id, cast.elena.access),
  ]);
  const inRoom = [aibekTab1, aibekTab2, aizada];
  const outside = [aibekElsewhere, elenaElsewhere];
  return {
    room,
    elsewhere,
    aibekTab1,
    aibekTab2,
    aizada,
    aibekElsewhere,
    elenaElsewhere,
    inRoom,
    outside,
    all: [...inRoom, ...outside],
  };
}

async function expectEverywhere(sockets: TestSocket[], type: string, payload: unknown) {
  for (const socket of sockets) {
    expect(await socket.nextFrame()).toEqual({ type, payload });
  }
}

/** [ext] What follows every message:new: the sender's cursor moved to it. */
const readBy = (message: Message) => ({
  conversation_id: message.conversation_id,
  user_id: message.sender_id,
  last_read_message_id: message.id,
});

async function expectSilence(sockets: TestSocket[]) {
  for (const socket of sockets) await expectNothingPending(socket);
}

describe('fan-out', () => {
  it('delivers a message sent over REST to every socket of the conversation and nowhere else', async () => {
    const s = await scene();
    const message = await postMessage(cast.aizada, s.room.id, 'over REST');
    for (const socket of s.inRoom) {
      expect(await socket.nextFrame()).toEqual({ type: 'message:new', payload: message });
      expect(await socket.nextFrame()).toEqual({ type: 'read:updated', payload: readBy(message) });
    }
    await expectSilence([...s.inRoom, ...s.outside]);
    await closeAll(...s.all);
  });

  it('delivers a message:send to every socket of the conversation, the sender’s own included', async () => {
    const s = await scene();
    const clientId = crypto.randomUUID();
    s.aizada.send({
      type: 'message:send',
      payload: { text: ' over socket ', reply_to: null, client_id: clientId },
    });
    const echo = await s.aizada.nextFrame<Message>();
    expect(echo.type).toBe('message:new');
    expect(echo.payload).toMatchObject({
      conversation_id: s.room.id,
      sender_id: 2,
      text: ' over socket ',
      client_id: clientId,
      is_edited: false,
    });
    await expectEverywhere([s.aibekTab1, s.aibekTab2], 'message:new', echo.payload);
    await expectEverywhere(s.inRoom, 'read:updated', readBy(echo.payload));
    await expectSilence(s.all);
    const stored = await cast.aibek.request<Message[]>('GET', `${API}/messages/${s.room.id}`);
    expect(stored.body).toEqual([echo.payload]);
    await closeAll(...s.all);
  });

  it('delivers edits and deletions to the conversation’s sockets only', async () => {
    const s = await scene();
    const message = await postMessage(cast.aibek, s.room.id, 'draft');
    await expectEverywhere(s.inRoom, 'message:new', message);
    await expectEverywhere(s.inRoom, 'read:updated', readBy(message));
    const edited = await cast.aibek.request<Message>('PUT', `${API}/messages/${message.id}`, {
      text: 'final',
    });
    await expectEverywhere(s.inRoom, 'message:updated', edited.body);
    await cast.aibek.request('DELETE', `${API}/messages/${message.id}`);
    await expectEverywhere(s.inRoom, 'message:deleted', {
      id: message.id,
      conversation_id: s.room.id,
    });
    await expectSilence(s.all);
    await closeAll(...s.all);
  });

  it('announces a new participant, who can then connect and receive messages', async () => {
    const s = await scene();
    await cast.aizada.request('POST', `${API}/conversations/${s.room.id}/participants/`, {
      user_id: 4,
    });
    await expectEverywhere(s.inRoom, 'participant:added', {
      conversation_id: s.room.id,
      user_id: 4,
    });
    const elena = await server.openSocket(s.room.id, cast.elena.access);
    const message = await postMessage(cast.aibek, s.room.id, 'welcome');
    await expectEverywhere([...s.inRoom, elena], 'message:new', message);
    await expectEverywhere([...s.inRoom, elena], 'read:updated', readBy(message));
    await expectSilence(s.outside);
    await closeAll(...s.all, elena);
  });

  it('announces a removal, then closes only the removed user’s sockets with 4403', async () => {
    const s = await scene();
    await cast.aibek.request('DELETE', `${API}/conversations/${s.room.id}/participants/2`);
    await expectEverywhere(s.inRoom, 'participant:removed', {
      conversation_id: s.room.id,
      user_id: 2,
    });
    expect((await s.aizada.closed).code).toBe(4403);
    const message = await postMessage(cast.aibek, s.room.id, 'after the removal');
    await expectEverywhere([s.aibekTab1, s.aibekTab2], 'message:new', message);
    await expectEverywhere([s.aibekTab1, s.aibekTab2], 'read:updated', readBy(message));
    expect(s.aizada.frames.map((frame) => frame.type)).toEqual(['participant:removed']);
    await expectSilence([s.aibekTab1, s.aibekTab2, ...s.outside]);
    await closeAll(s.aibekTab1, s.aibekTab2, ...s.outside);
  });

  it('announces a deleted conversation, then closes all its sockets with 4404', async () => {
    const s = await scene();
    await cast.aibek.request('DELETE', `${API}/conversations/${s.room.id}`);
    await expectEverywhere(s.inRoom, 'conversation:deleted', { id: s.room.id });
    for (const socket of s.inRoom) expect((await socket.closed).code).toBe(4404);
    await expectSilence(s.outside);
    await closeAll(...s.outside);
  });

  it('answers ping with pong', async () => {
    const room = await createGroup(cast.bakyt, []);
    const socket = await server.openSocket(room.id, cast.bakyt.access);
    socket.send({ type: 'ping' });
    expect(await socket.nextFrame()).toEqual({ type: 'pong', payload: {} });
    await closeAll(socket);
  });

  it('keeps the order of sends from one socket in what every socket receives', async () => {
    const s = await scene();
    const texts = Array.from({ length: 20 }, (_, index) => `message ${index}`);
    for (const text of texts)
      s.aizada.send({ type: 'message:send', payload: { text, reply_to: null } });
    for (const socket of s.inRoom) {
      const received: string[] = [];
      for (let index = 0; index < texts.length; index += 1) {
        received.push((await socket.nextFrame<Message>(ofType('message:new'))).payload.text ?? '');
      }
      expect(received).toEqual(texts);
    }
    await closeAll(...s.all);
  });

  it('accepts the socket path without a trailing slash', async () => {
    const room = await createGroup(cast.bakyt, []);
    const url = server.socketUrl(room.id, cast.bakyt.access).replace('/?', '?');
    expect(url).not.toContain('/?');
    const raw = new WebSocket(url);
    await new Promise((resolve) => raw.once('open', resolve));
    raw.send(JSON.stringify({ type: 'ping' }));
    const frame = await new Promise<string>((resolve) =>
      raw.once('message', (data) => resolve(String(data))),
    );
    expect(JSON.parse(frame)).toEqual({ type: 'pong', payload: {} });
    raw.close();
    await new Promise((resolve) => raw.once('close', resolve));
  });
});
