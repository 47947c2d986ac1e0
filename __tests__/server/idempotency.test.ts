import type { Conversation, Message } from '../../src/api/types';
import { startTestServer } from '../support/server';
import type { TestServer } from '../support/server';
import type { Cast } from './fixtures';
import {
  API,
  READ_FRAMES,
  closeAll,
  createGroup,
  expectNothingPending,
  loginAll,
  ofType,
} from './fixtures';

let server: TestServer;
let cast: Cast;
let room: Conversation;

beforeAll(async () => {
  server = await startTestServer();
  cast = await loginAll(server);
});

beforeEach(async () => {
  room = await createGroup(cast.aibek, [cast.aizada]);
});

afterAll(() => server.close());

const sendBody = (clientId: string, text = 'once') => ({
  conversation_id: room.id,
  sender_id: 2,
  text,
  reply_to: null,
  client_id: clientId,
});

async function storedTexts(): Promise<string[]> {
  const { body } = await cast.aibek.request<Message[]>('GET', `${API}/messages/${room.id}`);
  return body.map((message) => message.text ?? '');
}

describe('idempotent send', () => {
  it('answers a retried REST send with the stored message (200) and fans it out once', async () => {
    const watcher = await server.openSocket(room.id, cast.aibek.access);
    const clientId = crypto.randomUUID();
    const first = await cast.aizada.request<Message>(
      'POST',
      `${API}/messages/`,
      sendBody(clientId),
    );
    const retry = await cast.aizada.request<Message>(
      'POST',
      `${API}/messages/`,
      sendBody(clientId, 'the retry carries the same key'),
    );
    expect(first.status).toBe(201);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(await storedTexts()).toEqual(['once']);
    expect(await watcher.nextFrame()).toEqual({ type: 'message:new', payload: first.body });
    await expectNothingPending(watcher, READ_FRAMES);
    await closeAll(watcher);
  });

  it('answers a retried socket send with message:new to that socket only, no duplicate', async () => {
    const [sender, watcher] = await Promise.all([
      server.openSocket(room.id, cast.aizada.access),
      server.openSocket(room.id, cast.aibek.access),
    ]);
    const clientId = crypto.randomUUID();
    const frame = {
      type: 'message:send',
      payload: { text: 'once', reply_to: null, client_id: clientId },
    };
    sender.send(frame);
    const created = await sender.nextFrame<Message>(ofType('message:new'));
    expect(await watcher.nextFrame()).toEqual(created);
    sender.send(frame);
    const resent = await sender.nextFrame<Message>(ofType('message:new'));
    expect(resent).toEqual(created);
    await expectNothingPending(watcher, READ_FRAMES);
    expect(await storedTexts()).toEqual(['once']);
    await closeAll(sender, watcher);
  });

  it('recognises a socket send retried over REST (and the reverse) by client_id', async () => {
    const sender = await server.openSocket(room.id, cast.aizada.access);
    const overSocket = crypto.randomUUID();
    sender.send({
      type: 'message:send',
      payload: { text: 'via socket', reply_to: null, client_id: overSocket },
    });
    const created = await sender.nextFrame<Message>(ofType('message:new'));
    const viaRest = await cast.aizada.request<Message>(
      'POST',
      `${API}/messages/`,
      sendBody(overSocket),
    );
    expect(viaRest).toEqual({ status: 200, body: created.payload });

    const overRest = crypto.randomUUID();
    const posted = await cast.aizada.request<Message>(
      'POST',
      `${API}/messages/`,
      sendBody(overRest, 'via REST'),
    );
    expect((await sender.nextFrame(ofType('message:new'))).payload).toEqual(posted.body);
    sender.send({
      type: 'message:send',
      payload: { text: 'via REST', reply_to: null, client_id: overRest },
    });
    expect(await sender.nextFrame(ofType('message:new'))).toEqual({
      type: 'message:new',
      payload: posted.body,
    });
    expect(await storedTexts()).toEqual(['via socket', 'via REST']);
    await closeAll(sender);
  });

  it('scopes client_id to its sender: two senders with the same key get two messages', async () => {
    const clientId = crypto.randomUUID();
    const fromAizada = await cast.aizada.request(
      'POST',
      `${API}/messages/`,
      sendBody(clientId, 'a'),
    );
    const fromAibek = await cast.aibek.request('POST', `${API}/messages/`, {
      ...sendBody(clientId, 'b'),
      sender_id: 1,
    });
    expect([fromAizada.status, fromAibek.status]).toEqual([201, 201]);
    expect(await storedTexts()).toEqual(['a', 'b']);
  });

  it('refuses (409) a client_id already used in another conversation or for a deleted message', async () => {
    const clientId = crypto.randomUUID();
    const first = await cast.aizada.request<Message>(
      'POST',
      `${API}/messages/`,
      sendBody(clientId),
    );
    const otherRoom = await createGroup(cast.aizada, []);
    const elsewhere = await cast.aizada.request<{ code: string }>('POST', `${API}/messages/`, {
      ...sendBody(clientId),
      conversation_id: otherRoom.id,
    });
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.code).toBe('client_id_conflict');
    await cast.aizada.request('DELETE', `${API}/messages/${first.body.id}`);
    const afterDelete = await cast.aizada.request('POST', `${API}/messages/`, sendBody(clientId));
    expect(afterDelete.status).toBe(409);
  });
});
