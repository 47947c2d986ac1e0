import { configureStore, Tuple } from '@reduxjs/toolkit';
import type { UnknownAction } from '@reduxjs/toolkit';
import {
  chatApi,
  chatReducer,
  createChatClient,
  loadOlderMessages,
  messageComposed,
  messageRetried,
  selectConversationById,
  selectConversations,
  selectMessagesOfConversation,
  selectPaging,
  submitMessage,
  authExpired,
} from 'unet-chat-redux';
import type { Conversation, Message } from 'unet-chat-redux';
import { createChatStore, waitFor } from '../support/chatStore';
import type { ChatStoreHarness } from '../support/chatStore';
import { startTestServer } from '../support/server';
import type { Session, TestServer } from '../support/server';

/** Integration tests of the state core against the real reference server (REST only: sockets off). */
let server: TestServer;
let aibek: Session;
let aizada: Session;
const harnesses: ChatStoreHarness[] = [];

beforeAll(async () => {
  server = await startTestServer();
  aibek = await server.login('aibek');
  aizada = await server.login('aizada');
});
afterAll(async () => {
  for (const harness of harnesses) harness.chat.dispose();
  await server.close();
});

function storeFor(session: Session, options: Parameters<typeof createChatStore>[2] = {}) {
  const harness = createChatStore(server, session, { socket: { enabled: false }, ...options });
  harnesses.push(harness);
  return harness;
}

async function createGroup(
  session: Session,
  title: string,
  participantIds: number[],
): Promise<Conversation> {
  const answer = await session.request<Conversation>('POST', '/api/unet-chat/conversations/', {
    type: 'group',
    title,
    participant_ids: participantIds,
  });
  expect(answer.status).toBe(201);
  return answer.body;
}

async function post(session: Session, conversationId: string, text: string): Promise<Message> {
  const answer = await session.request<Message>('POST', '/api/unet-chat/messages/', {
    conversation_id: conversationId,
    sender_id: session.user.id,
    text,
    reply_to: null,
  });
  expect(answer.status).toBe(201);
  return answer.body;
}

describe('every endpoint through the store, against the reference server', () => {
  it('creates, lists, reads and deletes conversations, keeping the entity adapter in step', async () => {
    const { store } = storeFor(aibek);
    const created = await store
      .dispatch(
        chatApi.endpoints.createConversation.initiate({
          type: 'group',
          title: 'Деканат',
          participant_ids: [2],
        }),
      )
      .unwrap();
    expect(created).toMatchObject({ type: 'group', title: 'Деканат', created_by: 1 });
    expect(selectConversationById(store.getState(), created.id)?.title).toBe('Деканат');

    const list = await store.dispatch(chatApi.endpoints.getConversations.initiate()).unwrap();
    expect(list.map((c) => c.id)).toContain(created.id);
    expect(selectConversations(store.getState()).map((c) => c.id)).toContain(created.id);

    const one = await store
      .dispatch(chatApi.endpoints.getConversation.initiate(created.id))
      .unwrap();
    expect(one.participant_ids).toEqual([1, 2]);

    await store.dispatch(chatApi.endpoints.deleteConversation.initiate(created.id)).unwrap();
    expect(selectConversationById(store.getState(), created.id)).toBeUndefined();
    const cached = chatApi.endpoints.getConversations.select()(store.getState()).data ?? [];
    expect(cached.map((c) => c.id)).not.toContain(created.id);
  });

  it('loads history, sends, edits and deletes messages through the normalized store', async () => {
    const group = await createGroup(aibek, 'Messages', [2]);
    await post(aizada, group.id, 'first');
    const { store } = storeFor(aibek);

    const page = await store.dispatch(chatApi.endpoints.getMessages.initiate(group.id)).unwrap();
    expect(page.map((m) => m.text)).toEqual(['first']);
    expect(selectMessagesOfConversation(store.getState(), group.id).map((m) => m.text)).toEqual([
      'first',
    ]);

    const sent = await store
      .dispatch(
        chatApi.endpoints.sendMessage.initiate({
          conversation_id: group.id,
          sender_id: 1,
          text: 'second',
          reply_to: page[0]!.id,
        }),
      )
      .unwrap();
    expect(sent).toMatchObject({ text: 'second', reply_to: page[0]!.id, sender_id: 1 });

    const edited = await store
      .dispatch(chatApi.endpoints.editMessage.initiate({ id: sent.id, text: 'second, edited' }))
      .unwrap();
    expect(edited.is_edited).toBe(true);
    expect(
      selectMessagesOfConversation(store.getState(), group.id).map((m) => [m.text, m.is_edited]),
    ).toEqual([
      ['first', false],
      ['second, edited', true],
    ]);

    await store.dispatch(chatApi.endpoints.deleteMessage.initiate(sent.id)).unwrap();
    expect(selectMessagesOfConversation(store.getState(), group.id).map((m) => m.text)).toEqual([
      'first',
    ]);
    const reloaded = await aibek.request<Message[]>('GET', `/api/unet-chat/messages/${group.id}`);
    expect(reloaded.body.map((m) => m.text)).toEqual(['first']);
  });

  it('adds and removes participants and refreshes the conversation', async () => {
    const group = await createGroup(aibek, 'Participants', [2]);
    const { store } = storeFor(aibek);
    await store.dispatch(chatApi.endpoints.getConversations.initiate()).unwrap();

    await store
      .dispatch(chatApi.endpoints.addParticipant.initiate({ conversationId: group.id, userId: 3 }))
      .unwrap();
    expect(selectConversationById(store.getState(), group.id)?.participant_ids).toEqual([1, 2, 3]);

    await store
      .dispatch(
        chatApi.endpoints.removeParticipant.initiate({ conversationId: group.id, userId: 2 }),
      )
      .unwrap();
    expect(selectConversationById(store.getState(), group.id)?.participant_ids).toEqual([1, 3]);
    const fresh = await aibek.request<Conversation>(
      'GET',
      `/api/unet-chat/conversations/${group.id}`,
    );
    expect(fresh.body.participant_ids).toEqual([1, 3]);
  });

  it('drops a conversation and its messages when we leave it', async () => {
    const group = await createGroup(aibek, 'Leaving', [2]);
    await post(aibek, group.id, 'hello');
    const { store } = storeFor(aizada);
    await store.dispatch(chatApi.endpoints.getConversations.initiate()).unwrap();
    await store.dispatch(chatApi.endpoints.getMessages.initiate(group.id)).unwrap();
    expect(selectMessagesOfConversation(store.getState(), group.id)).toHaveLength(1);

    await store
      .dispatch(
        chatApi.endpoints.removeParticipant.initiate({ conversationId: group.id, userId: 2 }),
      )
      .unwrap();
    expect(selectConversationById(store.getState(), group.id)).toBeUndefined();
    expect(selectMessagesOfConversation(store.getState(), group.id)).toEqual([]);
  });

  it('reports a refused mutation as a notice with the server’s words', async () => {
    const group = await createGroup(aibek, 'Refusals', [2]);
    const { store } = storeFor(aizada);
    const result = await store.dispatch(chatApi.endpoints.deleteConversation.initiate(group.id));
    expect(result.error).toMatchObject({ status: 403 });
    expect(store.getState().chat.notices.items.at(-1)).toMatchObject({ code: 'request_failed' });
    expect(store.getState().chat.notices.items.at(-1)?.detail).toMatch(/creator/i);
  });

  it('loads the user directory from the [ext] endpoint', async () => {
    const { store } = storeFor(aibek);
    await store.dispatch(chatApi.endpoints.getUsers.initiate()).unwrap();
    expect(store.getState().chat.users.entities[2]?.full_name).toBe('Айзада Токтогулова');
  });
});

describe('history paging against the reference server', () => {
  it('pages back with `before` until the first message, then stops', async () => {
    const group = await createGroup(aibek, 'Long history', [2]);
    for (let i = 1; i <= 120; i++) await post(i % 2 ? aibek : aizada, group.id, `m${i}`);
    const { store } = storeFor(aibek);

    await store.dispatch(chatApi.endpoints.getMessages.initiate(group.id)).unwrap();
    expect(selectMessagesOfConversation(store.getState(), group.id)).toHaveLength(50);
    expect(selectPaging(store.getState(), group.id).hasMoreOlder).toBe(true);

    await store.dispatch(loadOlderMessages(group.id));
    await store.dispatch(loadOlderMessages(group.id));
    await waitFor(
      () => selectMessagesOfConversation(store.getState(), group.id).length === 120,
      3000,
      '120 messages',
    );
    const texts = selectMessagesOfConversation(store.getState(), group.id).map((m) => m.text);
    expect(texts).toEqual(Array.from({ length: 120 }, (_, i) => `m${i + 1}`));
    expect(selectPaging(store.getState(), group.id).hasMoreOlder).toBe(false);
  }, 60_000); // 120 sequential sends: slow when the browser suites load the machine
});

describe('optimistic sending over REST (no socket)', () => {
  it('shows the message as pending, then sent, exactly once', async () => {
    const group = await createGroup(aibek, 'Optimistic', [2]);
    const { store } = storeFor(aibek);
    await store.dispatch(chatApi.endpoints.getMessages.initiate(group.id)).unwrap();
    const clientId = store.dispatch(
      submitMessage({ conversationId: group.id, text: 'optimistic' }),
    )!;
    expect(selectMessagesOfConversation(store.getState(), group.id).map((m) => m.status)).toEqual([
      'pending',
    ]);
    await waitFor(
      () => selectMessagesOfConversation(store.getState(), group.id)[0]?.status === 'sent',
      3000,
      'sent',
    );
    const [message] = selectMessagesOfConversation(store.getState(), group.id);
    expect(message).toMatchObject({ text: 'optimistic', client_id: clientId, status: 'sent' });
    const onServer = await aibek.request<Message[]>('GET', `/api/unet-chat/messages/${group.id}`);
    expect(onServer.body.map((m) => m.text)).toEqual(['optimistic']);
  });

  it('marks a refused send as failed with the server’s reason, and retries it on request', async () => {
    const group = await createGroup(aibek, 'Refused send', [2]);
    const { store } = storeFor(aibek);
    // A reply target from nowhere: the server refuses it (422).
    store.dispatch(
      messageComposed({
        conversationId: group.id,
        text: 'bad reply',
        replyTo: '00000000-0000-7000-8000-000000000000',
        senderId: 1,
      }),
    );
    const failed = await waitFor(
      () =>
        selectMessagesOfConversation(store.getState(), group.id).find((m) => m.status === 'failed'),
      3000,
      'failed',
    );
    expect(failed.error).toMatch(/reply/i);
    expect(store.getState().chat.notices.items.map((n) => n.code)).toContain('send_failed');

    store.dispatch(messageRetried({ conversationId: group.id, clientId: failed.id }));
    expect(selectMessagesOfConversation(store.getState(), group.id)[0]?.status).toBe('pending');
    await waitFor(
      () => selectMessagesOfConversation(store.getState(), group.id)[0]?.status === 'failed',
      3000,
      'failed again',
    );
    expect(selectMessagesOfConversation(store.getState(), group.id)).toHaveLength(1);
  });
});

describe('auth against the reference server', () => {
  it('refreshes an expired token exactly once for 10 parallel requests, and all 10 succeed', async () => {
    const shortLived = await startTestServer({ accessTtlSeconds: 1 });
    try {
      const session = await shortLived.login('aibek');
      const group = await createGroup(session, 'Refresh', [2]);
      const harness = createChatStore(shortLived, session, { socket: { enabled: false } });
      harnesses.push(harness);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          harness.store.dispatch(
            chatApi.endpoints.getMessages.initiate({ conversationId: group.id, limit: i + 1 }),
          ),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(10).fill('fulfilled'));
      expect(harness.refreshAccessToken).toHaveBeenCalledTimes(1);
      expect(harness.auth.access).not.toBe(session.access);
    } finally {
      await shortLived.close();
    }
  });

  it('dispatches authExpired when the refresh token is rejected too', async () => {
    const { store, auth, actions } = storeFor(aibek);
    auth.access = 'not-a-token';
    auth.refresh = 'not-a-refresh-token';
    const result = await store.dispatch(chatApi.endpoints.getConversations.initiate());
    expect(result.error).toMatchObject({ status: 401 });
    expect(actions.filter((a) => authExpired.match(a))).toHaveLength(1);
    expect(store.getState().chat.session.authExpired).toBe(true);
  });
});

describe('drop-in use', () => {
  it('runs two stores with different servers and tokens in one process independently', async () => {
    const second = await startTestServer();
    try {
      const elena = await second.login('elena');
      await createGroup(aibek, 'Only on the first server', [2]);
      await createGroup(elena, 'Only on the second server', [1]);
      const first = storeFor(aibek);
      const other = createChatStore(second, elena, { socket: { enabled: false } });
      harnesses.push(other);
      const [a, b] = await Promise.all([
        first.store.dispatch(chatApi.endpoints.getConversations.initiate()).unwrap(),
        other.store.dispatch(chatApi.endpoints.getConversations.initiate()).unwrap(),
      ]);
      expect(a.map((c) => c.title)).toContain('Only on the first server');
      expect(a.map((c) => c.title)).not.toContain('Only on the second server');
      expect(b.map((c) => c.title)).toEqual(['Only on the second server']);
      expect(selectConversations(other.store.getState()).map((c) => c.title)).toEqual([
        'Only on the second server',
      ]);
    } finally {
      await second.close();
    }
  });

  it('offers the REST API as plain functions sharing the store’s auth (the seed’s direct API)', async () => {
    const { chat } = storeFor(aibek);
    const conversations = await chat.client.getConversations();
    expect(conversations.length).toBeGreaterThan(0);
    const standalone = createChatClient({
      baseUrl: server.url,
      getAccessToken: () => aizada.access,
    });
    const group = await createGroup(aibek, 'Direct', [2]);
    const message = await standalone.sendMessage({
      conversation_id: group.id,
      sender_id: 2,
      text: 'direct',
      reply_to: null,
    });
    expect(message).toMatchObject({ text: 'direct', sender_id: 2 });
    await expect(standalone.deleteConversation(group.id)).rejects.toMatchObject({ status: 403 });
  });
});

describe('time travel', () => {
  it('replays a recorded session into a fresh store without middleware and arrives at the same state', async () => {
    const group = await createGroup(aibek, 'Replay', [2]);
    for (let i = 1; i <= 60; i++) await post(aizada, group.id, `r${i}`);
    const { store, actions } = storeFor(aibek, { pageSize: 25 });

    await store.dispatch(chatApi.endpoints.getConversations.initiate()).unwrap();
    await store.dispatch(chatApi.endpoints.getMessages.initiate(group.id)).unwrap();
    await store.dispatch(loadOlderMessages(group.id));
    store.dispatch(submitMessage({ conversationId: group.id, text: 'mine' }));
    await waitFor(
      () => selectMessagesOfConversation(store.getState(), group.id).at(-1)?.status === 'sent',
      3000,
      'send',
    );
    const mine = selectMessagesOfConversation(store.getState(), group.id).at(-1)!;
    await store.dispatch(
      chatApi.endpoints.editMessage.initiate({ id: mine.id, text: 'mine, edited' }),
    );
    const theirs = selectMessagesOfConversation(store.getState(), group.id)[40]!;
    await store.dispatch(
      chatApi.endpoints.editMessage.initiate({ id: theirs.id, text: 'not mine' }),
    ); // 403 → rollback
    await store.dispatch(chatApi.endpoints.deleteMessage.initiate(mine.id));
    store.dispatch(
      messageComposed({ conversationId: group.id, text: 'x', replyTo: 'not-a-uuid', senderId: 1 }),
    ); // 422 → failed
    await waitFor(
      () =>
        selectMessagesOfConversation(store.getState(), group.id).some((m) => m.status === 'failed'),
      3000,
      'failure',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));

    const types = new Set(actions.map((a) => a.type));
    expect([...types].every((type) => type.startsWith('chat'))).toBe(true);
    for (const type of [
      'chat/messagesReceived',
      'chat/messageEditFailed',
      'chat/messageDeleteStarted',
      'chat/messageSendFailed',
      'chat/olderMessagesRequested',
    ]) {
      expect(types.has(type)).toBe(true);
    }

    const replayed = configureStore({
      reducer: { chat: chatReducer, chatApi: chatApi.reducer },
      middleware: () => new Tuple(),
    });
    for (const action of actions) replayed.dispatch(action as UnknownAction);
    expect(replayed.getState()).toEqual(store.getState());
    expect(JSON.parse(JSON.stringify(store.getState().chat))).toEqual(store.getState().chat);
  });
});
