import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { configureStore, Tuple } from '@reduxjs/toolkit';
import type { UnknownAction } from '@reduxjs/toolkit';
import {
  chatApi,
  chatReducer,
  createWebSocketFactory,
  selectConnection,
  selectMessagesOfConversation,
  submitMessage,
  subscribeToConversation,
} from 'unet-chat-redux';
import type { Conversation, Message, SocketFactory, WebSocketConstructor } from 'unet-chat-redux';
import { createChatStore, waitFor } from '../support/chatStore';
import type { ChatStoreHarness } from '../support/chatStore';
import { startTestServer } from '../support/server';
import type { Session, TestServer } from '../support/server';

/** The real-time layer against the real reference server over real sockets. */
const harnesses: ChatStoreHarness[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) harness.chat.dispose();
  for (const server of servers.splice(0)) await server.close();
});

async function serve(options: Parameters<typeof startTestServer>[0] = {}) {
  const server = await startTestServer(options);
  servers.push(server);
  return server;
}

function storeFor(
  server: TestServer,
  session: Session,
  options: Parameters<typeof createChatStore>[2] = {},
) {
  const harness = createChatStore(server, session, options);
  harnesses.push(harness);
  return harness;
}

async function createGroup(session: Session, participantIds: number[]): Promise<Conversation> {
  const answer = await session.request<Conversation>('POST', '/api/unet-chat/conversations/', {
    type: 'group',
    title: 'Realtime',
    participant_ids: participantIds,
  });
  expect(answer.status).toBe(201);
  return answer.body;
}

const post = async (session: Session, conversationId: string, text: string) => {
  const answer = await session.request<Message>('POST', '/api/unet-chat/messages/', {
    conversation_id: conversationId,
    sender_id: session.user.id,
    text,
    reply_to: null,
  });
  if (answer.status !== 201) throw new Error(`send failed: ${answer.status}`);
  return answer.body;
};

const texts = (harness: ChatStoreHarness, conversationId: string) =>
  selectMessagesOfConversation(harness.store.getState(), conversationId).map((m) => m.text);

const statusOf = (harness: ChatStoreHarness, conversationId: string) =>
  selectConnection(harness.store.getState(), conversationId).status;

/** A socket factory that counts the sockets it opens. */
function countingFactory(): { factory: SocketFactory; opened: string[] } {
  const inner = createWebSocketFactory(WebSocket as unknown as WebSocketConstructor);
  const opened: string[] = [];
  return {
    opened,
    factory: (url, handlers) => {
      opened.push(url);
      return inner(url, handlers);
    },
  };
}

/** aibek and aizada in a new group, each with a store subscribed to it and its socket open. */
async function twoUsersLive() {
  const server = await serve();
  const [aibek, aizada] = [await server.login('aibek'), await server.login('aizada')];
  const group = await createGroup(aibek, [2]);
  const a = storeFor(server, aibek);
  const b = storeFor(server, aizada);
  a.store.dispatch(subscribeToConversation(group.id));
  b.store.dispatch(subscribeToConversation(group.id));
  await waitFor(
    () => statusOf(a, group.id) === 'open' && statusOf(b, group.id) === 'open',
    5000,
    'both open',
  );
  return { server, aibek, aizada, group, a, b };
}

describe('real time over real sockets', () => {
  it('lets two users exchange messages both ways without reloading', async () => {
    const { group, a, b } = await twoUsersLive();

    a.store.dispatch(submitMessage({ conversationId: group.id, text: 'Салам, Айзада!' }));
    await waitFor(() => texts(b, group.id).includes('Салам, Айзада!'), 5000, 'B receives');
    b.store.dispatch(submitMessage({ conversationId: group.id, text: 'Салам, Айбек!' }));
    await waitFor(() => texts(a, group.id).includes('Салам, Айбек!'), 5000, 'A receives');

    for (const harness of [a, b]) {
      await waitFor(
        () =>
          selectMessagesOfConversation(harness.store.getState(), group.id).every(
            (m) => m.status === 'sent',
          ),
        3000,
        'sent',
      );
      expect(texts(harness, group.id)).toEqual(['Салам, Айзада!', 'Салам, Айбек!']);
    }
    // Both went over the socket: the REST send endpoint was never used.
    expect(a.actions.some((action) => chatApi.endpoints.sendMessage.matchPending(action))).toBe(
      false,
    );
  });

  it('[ext] can carry the token in Sec-WebSocket-Protocol instead of the URL', async () => {
    const server = await serve();
    const aibek = await server.login('aibek');
    const group = await createGroup(aibek, [2]);
    const opened: Array<{ url: string; protocols: string[] | undefined }> = [];
    const inner = createWebSocketFactory(WebSocket as unknown as WebSocketConstructor);
    const a = storeFor(server, aibek, {
      socket: {
        tokenIn: 'protocol',
        factory: (url, handlers, options) => {
          opened.push({ url, protocols: options?.protocols });
          return inner(url, handlers, options);
        },
      },
    });
    a.store.dispatch(subscribeToConversation(group.id));
    await waitFor(() => statusOf(a, group.id) === 'open', 5000, 'open');
    expect(opened[0]?.url).not.toContain('WWW-Authenticate');
    expect(opened[0]?.url).not.toContain(aibek.access);
    expect(opened[0]?.protocols).toEqual(['unet-chat', `bearer.${aibek.access}`]);
    await post(await server.login('aizada'), group.id, 'через подпротокол');
    await waitFor(() => texts(a, group.id).includes('через подпротокол'), 5000, 'live frame');
  });

  it('propagates edits and deletes to the other side', async () => {
    const { aibek, group, a, b } = await twoUsersLive();
    const first = await post(aibek, group.id, 'original');
    await post(aibek, group.id, 'to be deleted');
    await waitFor(() => texts(b, group.id).length === 2, 3000, 'two messages');

    await a.store
      .dispatch(chatApi.endpoints.editMessage.initiate({ id: first.id, text: 'edited' }))
      .unwrap();
    await waitFor(() => texts(b, group.id)[0] === 'edited', 3000, 'edit arrives');
    expect(selectMessagesOfConversation(b.store.getState(), group.id)[0]?.is_edited).toBe(true);

    const second = selectMessagesOfConversation(a.store.getState(), group.id)[1]!;
    await a.store.dispatch(chatApi.endpoints.deleteMessage.initiate(second.id)).unwrap();
    await waitFor(() => texts(b, group.id).length === 1, 3000, 'delete arrives');
    expect(texts(b, group.id)).toEqual(['edited']);
  });

  it('reconnects after a server restart and ends with every message exactly once, in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unet-chat-'));
    const db = join(dir, 'chat.sqlite');
    try {
      let server = await startTestServer({ db });
      const port = server.port;
      const [aibek, aizada] = [await server.login('aibek'), await server.login('aizada')];
      const group = await createGroup(aibek, [2]);
      const a = storeFor(server, aibek);
      a.store.dispatch(subscribeToConversation(group.id));
      await waitFor(() => statusOf(a, group.id) === 'open', 5000, 'open');

      const sent: string[] = [];
      for (let i = 1; i <= 10; i++) sent.push((await post(aizada, group.id, `m${i}`)).text!);
      await waitFor(() => texts(a, group.id).length === 10, 3000, 'first ten live');

      await server.close();
      await waitFor(() => statusOf(a, group.id) === 'reconnecting', 3000, 'reconnecting');

      server = await startTestServer({ db, port });
      servers.push(server);
      const again = await server.login('aizada');
      // The other client keeps writing before the subscriber is back.
      for (let i = 11; i <= 20; i++) sent.push((await post(again, group.id, `m${i}`)).text!);
      await waitFor(() => statusOf(a, group.id) === 'open', 8000, 'reopened');
      for (let i = 21; i <= 25; i++) sent.push((await post(again, group.id, `m${i}`)).text!);

      await waitFor(() => texts(a, group.id).length >= 25, 5000, 'all 25');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(texts(a, group.id)).toEqual(sent);
      const ids = selectMessagesOfConversation(a.store.getState(), group.id).map((m) => m.id);
      expect(new Set(ids).size).toBe(25);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sends messages written while the server is down, in order, once it is back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unet-chat-'));
    const db = join(dir, 'chat.sqlite');
    try {
      let server = await startTestServer({ db });
      const port = server.port;
      const aibek = await server.login('aibek');
      const group = await createGroup(aibek, [2]);
      const a = storeFor(server, aibek);
      a.store.dispatch(subscribeToConversation(group.id));
      await waitFor(() => statusOf(a, group.id) === 'open', 5000, 'open');

      await server.close();
      await waitFor(() => statusOf(a, group.id) === 'reconnecting', 3000, 'reconnecting');
      for (const text of ['one', 'two', 'three'])
        a.store.dispatch(submitMessage({ conversationId: group.id, text }));
      expect(
        selectMessagesOfConversation(a.store.getState(), group.id).map((m) => m.status),
      ).toEqual(['pending', 'pending', 'pending']);

      server = await startTestServer({ db, port });
      servers.push(server);
      await waitFor(
        () =>
          selectMessagesOfConversation(a.store.getState(), group.id).filter(
            (m) => m.status === 'sent',
          ).length === 3,
        8000,
        'three sent',
      );
      expect(texts(a, group.id)).toEqual(['one', 'two', 'three']);
      const onServer = await (
        await server.login('aizada')
      ).request<Message[]>('GET', `/api/unet-chat/messages/${group.id}`);
      expect(onServer.body.map((m) => m.text)).toEqual(['one', 'two', 'three']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refreshes a token that expires while connected and keeps receiving', async () => {
    const server = await serve({ accessTtlSeconds: 1 });
    const aibek = await server.login('aibek');
    const group = await createGroup(aibek, [2]);
    const a = storeFor(server, aibek);
    a.store.dispatch(subscribeToConversation(group.id));
    await waitFor(() => statusOf(a, group.id) === 'open', 5000, 'open');
    await waitFor(() => a.refreshAccessToken.mock.calls.length > 0, 5000, 'refresh after 4401');
    await waitFor(() => statusOf(a, group.id) === 'open', 5000, 'open again');
    const fresh = await server.login('aizada');
    await post(fresh, group.id, 'after refresh');
    await waitFor(
      () => texts(a, group.id).includes('after refresh'),
      3000,
      'message after refresh',
    );
  });

  it('reports `failed` to a non-participant without a retry storm', async () => {
    const server = await serve();
    const [aibek, elena] = [await server.login('aibek'), await server.login('elena')];
    const group = await createGroup(aibek, [2]);
    const counting = countingFactory();
    // Conversation sockets, as against a seed server (the user stream: workspace.test.ts).
    const e = storeFor(server, elena, { socket: { factory: counting.factory, stream: 'never' } });
    e.store.dispatch(subscribeToConversation(group.id));
    await waitFor(() => statusOf(e, group.id) === 'failed', 5000, 'failed');
    const connection = selectConnection(e.store.getState(), group.id);
    // The server answers an outsider 4404, as for a conversation that does not exist.
    expect(connection).toMatchObject({ code: 4404, retryable: false });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(counting.opened).toHaveLength(1);
    expect(e.store.getState().chat.notices.items.map((n) => n.code)).toContain('connection_failed');
  });

  it('with the user stream too, a non-participant’s subscription ends `failed`, not open', async () => {
    const server = await serve();
    const [aibek, elena] = [await server.login('aibek'), await server.login('elena')];
    const group = await createGroup(aibek, [2]);
    const e = storeFor(server, elena);
    e.store.dispatch(subscribeToConversation(group.id));
    await waitFor(() => statusOf(e, group.id) === 'failed', 5000, 'failed');
    expect(selectConnection(e.store.getState(), group.id)).toMatchObject({ retryable: false });
    // The user stream, which carries only her own conversations, does not make it look open later.
    const other = await createGroup(aibek, [elena.user.id]);
    e.store.dispatch(subscribeToConversation(other.id));
    await waitFor(() => statusOf(e, other.id) === 'open', 5000, 'her own conversation open');
    expect(statusOf(e, group.id)).toBe('failed');
  });

  it('shares one socket between two subscribers and closes it after the last one leaves', async () => {
    const server = await serve();
    const aibek = await server.login('aibek');
    const group = await createGroup(aibek, [2]);
    const counting = countingFactory();
    const a = storeFor(server, aibek, { socket: { factory: counting.factory, stream: 'never' } });
    const leaveFirst = a.store.dispatch(subscribeToConversation(group.id));
    const leaveSecond = a.store.dispatch(subscribeToConversation(group.id));
    await waitFor(() => statusOf(a, group.id) === 'open', 5000, 'open');
    expect(counting.opened).toHaveLength(1);
    leaveFirst();
    expect(statusOf(a, group.id)).toBe('open');
    leaveSecond();
    expect(statusOf(a, group.id)).toBe('closed');
  });

  it('replays a recorded real-time session into a fresh store without middleware', async () => {
    const server = await serve();
    const [aibek, aizada] = [await server.login('aibek'), await server.login('aizada')];
    const group = await createGroup(aibek, [2]);
    await post(aizada, group.id, 'before');
    const a = storeFor(server, aibek);
    const leave = a.store.dispatch(subscribeToConversation(group.id));
    await waitFor(
      () => statusOf(a, group.id) === 'open' && texts(a, group.id).length === 1,
      5000,
      'open + history',
    );
    await post(aizada, group.id, 'live');
    a.store.dispatch(submitMessage({ conversationId: group.id, text: 'mine' }));
    await waitFor(
      () =>
        texts(a, group.id).length === 3 &&
        selectMessagesOfConversation(a.store.getState(), group.id).every(
          (m) => m.status === 'sent',
        ),
      5000,
      'three',
    );
    leave();

    const replayed = configureStore({
      reducer: { chat: chatReducer, chatApi: chatApi.reducer },
      middleware: () => new Tuple(),
    });
    for (const action of a.actions) replayed.dispatch(action as UnknownAction);
    expect(replayed.getState().chat).toEqual(a.store.getState().chat);
    expect(replayed.getState()).toEqual(a.store.getState());
  });
});
