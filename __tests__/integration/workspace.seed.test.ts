import WebSocket from 'ws';
import {
  chatApi,
  conversationViewed,
  createWebSocketFactory,
  messagesSeen,
  persistToStorage,
  selectConnection,
  selectMessagesOfConversation,
  selectTotalUnread,
  selectTypingUserIds,
  selectUnreadCount,
  submitMessage,
  subscribeToConversation,
  subscribeToWorkspace,
  userTyping,
} from 'unet-chat-redux';
import type { Conversation, Message, SocketFactory, WebSocketConstructor } from 'unet-chat-redux';
import { createChatStore, waitFor } from '../support/chatStore';
import type { ChatStoreHarness } from '../support/chatStore';
import { startTestServer } from '../support/server';
import type { Session, TestServer } from '../support/server';

/**
 * The live workspace against a reference server with every extension off
 * (`extensions: false`, the seed contract only): per-conversation sockets and
 * no stream attempt, nothing reported to the person, messages flow both ways,
 * and unread counts are kept locally since the conversation was last seen.
 */
const API = '/api/unet-chat';
const harnesses: ChatStoreHarness[] = [];
let server: TestServer;
let aibek: Session;
let aizada: Session;

beforeAll(async () => {
  server = await startTestServer({ extensions: false, rateLimits: false });
  [aibek, aizada] = [await server.login('aibek'), await server.login('aizada')];
});
afterEach(() => {
  for (const harness of harnesses.splice(0)) harness.chat.dispose();
});
afterAll(() => server.close());

/**
 * One `localStorage` shared by the tabs of a browser, with its `storage`
 * event: a write by one tab is told to the others (a macrotask later).
 */
function browserStorage() {
  const data = new Map<string, string>();
  const listeners = new Map<string, Set<(key: string | null) => void>>();
  const announce = (from: string, key: string) => {
    for (const [tab, set] of listeners)
      if (tab !== from) for (const listener of set) setImmediate(() => listener(key));
  };
  return (tab: string) => ({
    tabId: tab,
    storage: {
      getItem: (key: string) => data.get(key) ?? null,
      setItem(key: string, value: string) {
        if (data.get(key) === value) return;
        data.set(key, value);
        announce(tab, key);
      },
      removeItem(key: string) {
        if (data.delete(key)) announce(tab, key);
      },
    },
    subscribeChanges(listener: (key: string | null) => void) {
      const set = listeners.get(tab) ?? new Set();
      set.add(listener);
      listeners.set(tab, set);
      return () => void set.delete(listener);
    },
  });
}

function storeFor(session: Session, persistence?: ReturnType<ReturnType<typeof browserStorage>>) {
  const urls: string[] = [];
  const sent: Array<{ type: string }> = [];
  const inner = createWebSocketFactory(WebSocket as unknown as WebSocketConstructor);
  const factory: SocketFactory = (url, handlers, options) => {
    urls.push(url);
    const socket = inner(url, handlers, options);
    return {
      ...socket,
      send(data: string) {
        sent.push(JSON.parse(data) as { type: string });
        socket.send(data);
      },
      close: (code?: number, reason?: string) => socket.close(code, reason),
    };
  };
  const harness = createChatStore(server, session, {
    socket: { factory },
    ...(persistence ? { persistence: persistToStorage(persistence) } : {}),
  });
  harnesses.push(harness);
  return { ...harness, urls, sent };
}

async function group(session: Session, participantIds: number[]): Promise<Conversation> {
  const answer = await session.request<Conversation>('POST', `${API}/conversations/`, {
    type: 'group',
    title: 'Seed only',
    participant_ids: participantIds,
  });
  expect(answer.status).toBe(201);
  return answer.body;
}

async function post(session: Session, conversationId: string, text: string): Promise<Message> {
  const answer = await session.request<Message>('POST', `${API}/messages/`, {
    conversation_id: conversationId,
    sender_id: session.user.id,
    text,
    reply_to: null,
  });
  if (answer.status !== 201) throw new Error(`send answered ${answer.status}`);
  return answer.body;
}

const open = (harness: ReturnType<typeof storeFor>, conversationId: string) =>
  selectConnection(harness.store.getState(), conversationId).status === 'open';
const texts = (harness: ReturnType<typeof storeFor>, conversationId: string) =>
  selectMessagesOfConversation(harness.store.getState(), conversationId).map((m) => m.text);

describe('against a seed-only server (every extension off)', () => {
  it('uses one socket per conversation, never tries the stream, and reports nothing', async () => {
    const rooms = [await group(aibek, [2]), await group(aibek, [2])];
    const a = storeFor(aibek);
    const b = storeFor(aizada);
    for (const harness of [a, b]) {
      harness.store.dispatch(subscribeToWorkspace());
      await harness.store.dispatch(
        chatApi.endpoints.getConversations.initiate(undefined, { subscribe: false }),
      );
      for (const room of rooms) harness.store.dispatch(subscribeToConversation(room.id));
    }
    await waitFor(
      () => rooms.every((room) => open(a, room.id) && open(b, room.id)),
      5000,
      'every conversation socket open',
    );
    a.store.dispatch(submitMessage({ conversationId: rooms[0]!.id, text: 'A → B' }));
    await waitFor(() => texts(b, rooms[0]!.id).includes('A → B'), 5000, 'B received');
    b.store.dispatch(submitMessage({ conversationId: rooms[1]!.id, text: 'B → A' }));
    await waitFor(() => texts(a, rooms[1]!.id).includes('B → A'), 5000, 'A received');
    // Typing is an extension: nothing is sent, nothing breaks.
    a.store.dispatch(userTyping({ conversationId: rooms[0]!.id }));
    await post(aibek, rooms[0]!.id, 'after typing');
    await waitFor(() => texts(b, rooms[0]!.id).includes('after typing'), 5000, 'B received more');
    expect(selectTypingUserIds(b.store.getState(), rooms[0]!.id)).toEqual([]);

    for (const harness of [a, b]) {
      expect(harness.urls).toHaveLength(2);
      expect(harness.urls.every((url) => url.includes('/ws/conversations/'))).toBe(true);
      expect(harness.sent.map((frame) => frame.type)).not.toContain('typing');
      const state = harness.store.getState().chat;
      expect(state.notices.items).toEqual([]);
      expect(state.diagnostics.protocolErrors.total).toBe(0);
      for (const room of rooms) {
        expect(selectConnection(harness.store.getState(), room.id)).toMatchObject({
          status: 'open',
          error: null,
        });
        expect(
          selectMessagesOfConversation(harness.store.getState(), room.id).every(
            (message) => message.status === 'sent',
          ),
        ).toBe(true);
      }
    }
    // The server never saw a read cursor, typing or presence request: none of those routes exist.
    expect((await aibek.request('GET', `${API}/extensions/`)).status).toBe(404);
  });

  it('counts unread locally: what arrived since the conversation was last seen, dropping once seen again', async () => {
    const room = await group(aibek, [2]);
    await post(aibek, room.id, 'old, before B opened it');
    const b = storeFor(aizada);
    b.store.dispatch(subscribeToConversation(room.id));
    await waitFor(
      () => open(b, room.id) && texts(b, room.id).length === 1,
      5000,
      'open with history',
    );
    // What the conversation showed when it was open counts as seen.
    expect(selectUnreadCount(b.store.getState(), room.id)).toBe(0);

    // B looks at it, then goes to another screen.
    const [old] = selectMessagesOfConversation(b.store.getState(), room.id);
    b.store.dispatch(conversationViewed({ conversationId: room.id, viewing: true }));
    b.store.dispatch(
      messagesSeen({ conversationId: room.id, messageId: old!.id, createdMs: old!.created_ms }),
    );
    b.store.dispatch(conversationViewed({ conversationId: room.id, viewing: false }));

    await post(aibek, room.id, 'new 1');
    await post(aibek, room.id, 'new 2');
    await waitFor(() => selectUnreadCount(b.store.getState(), room.id) === 2, 5000, 'two unread');
    // B's own messages never count.
    b.store.dispatch(submitMessage({ conversationId: room.id, text: 'mine' }));
    await waitFor(() => texts(b, room.id).includes('mine'), 5000, 'own message shown');
    expect(selectUnreadCount(b.store.getState(), room.id)).toBe(2);

    const newest = selectMessagesOfConversation(b.store.getState(), room.id).at(-1)!;
    b.store.dispatch(
      messagesSeen({
        conversationId: room.id,
        messageId: newest.id,
        createdMs: newest.created_ms,
      }),
    );
    expect(selectUnreadCount(b.store.getState(), room.id)).toBe(0);
    await post(aibek, room.id, 'new 3');
    await waitFor(() => selectUnreadCount(b.store.getState(), room.id) === 1, 5000, 'one unread');
    // No read cursor went to the server: a seed server has no such route.
    expect(b.actions.some((action) => String(action.type).includes('markRead'))).toBe(false);
  });

  it('keeps the conversations shown last live while the workspace is shown: one left counts what came after', async () => {
    const room = await group(aibek, [2]);
    await post(aibek, room.id, 'before');
    const b = storeFor(aizada);
    // The list (or a header badge) keeps the workspace shown; a view opens the conversation.
    const hideWorkspace = b.store.dispatch(subscribeToWorkspace());
    b.store.dispatch(chatApi.endpoints.getConversations.initiate());
    await waitFor(
      () => chatApi.endpoints.getConversations.select()(b.store.getState()).isSuccess,
      5000,
      'the list',
    );
    const leave = b.store.dispatch(subscribeToConversation(room.id));
    await waitFor(() => open(b, room.id) && texts(b, room.id).length === 1, 5000, 'open');
    const [seen] = selectMessagesOfConversation(b.store.getState(), room.id);
    b.store.dispatch(conversationViewed({ conversationId: room.id, viewing: true }));
    b.store.dispatch(
      messagesSeen({ conversationId: room.id, messageId: seen!.id, createdMs: seen!.created_ms }),
    );
    b.store.dispatch(conversationViewed({ conversationId: room.id, viewing: false }));
    // B goes back to the list: the view is gone, its socket is not.
    leave();
    expect(selectConnection(b.store.getState(), room.id)).toMatchObject({
      status: 'open',
      subscribers: 1,
    });

    await post(aibek, room.id, 'after 1');
    await post(aibek, room.id, 'after 2');
    await waitFor(() => selectUnreadCount(b.store.getState(), room.id) === 2, 5000, 'two unread');
    expect(selectTotalUnread(b.store.getState())).toBe(2);

    // Nothing shows the workspace any more: what it kept is released, and the socket closes.
    hideWorkspace();
    expect(selectConnection(b.store.getState(), room.id).subscribers).toBe(0);
    await waitFor(() => !open(b, room.id), 5000, 'closed');
  });

  it('keeps at most 10 live, releasing the least recently shown; none once the workspace is hidden', async () => {
    const rooms: Conversation[] = [];
    for (let index = 0; index < 11; index++) rooms.push(await group(aibek, [2]));
    const b = storeFor(aizada);
    const hideWorkspace = b.store.dispatch(subscribeToWorkspace());
    b.store.dispatch(chatApi.endpoints.getConversations.initiate());
    await waitFor(
      () =>
        (chatApi.endpoints.getConversations.select()(b.store.getState()).data?.length ?? 0) >= 11,
      5000,
      'the list',
    );
    for (const room of rooms) {
      const leave = b.store.dispatch(subscribeToConversation(room.id));
      await waitFor(() => open(b, room.id), 5000, 'open');
      leave();
    }
    const held = (room: Conversation) =>
      selectConnection(b.store.getState(), room.id).subscribers === 1;
    // The first one shown is the one let go; the ten shown after it stay live.
    expect(rooms.map(held)).toEqual([false, ...Array<boolean>(10).fill(true)]);
    await waitFor(() => !open(b, rooms[0]!.id), 5000, 'the first closed');
    expect(rooms.slice(1).every((room) => open(b, room.id))).toBe(true);
    hideWorkspace();
    expect(rooms.some(held)).toBe(false);
  });

  it('counts what arrives live in a conversation that is open but was never looked at', async () => {
    const room = await group(aibek, [2]);
    await post(aibek, room.id, 'history');
    const b = storeFor(aizada);
    await b.store.dispatch(
      chatApi.endpoints.getConversations.initiate(undefined, { subscribe: false }),
    );
    b.store.dispatch(subscribeToConversation(room.id));
    await waitFor(() => texts(b, room.id).length === 1, 5000, 'history');
    await post(aibek, room.id, 'live 1');
    await post(aibek, room.id, 'live 2');
    await waitFor(() => texts(b, room.id).length === 3, 5000, 'live messages');
    expect(selectUnreadCount(b.store.getState(), room.id)).toBe(2);
    expect(selectTotalUnread(b.store.getState())).toBe(2);

    // One opened while still empty: everything that arrives counts.
    const empty = await group(aibek, [2]);
    b.store.dispatch(subscribeToConversation(empty.id));
    await waitFor(
      () => open(b, empty.id) && b.store.getState().chat.reads[empty.id] !== undefined,
      5000,
      'the empty one open and loaded',
    );
    await post(aibek, empty.id, 'first ever');
    await waitFor(() => texts(b, empty.id).length === 1, 5000, 'first message');
    expect(selectUnreadCount(b.store.getState(), empty.id)).toBe(1);
  });

  it('two tabs of one user: reading in one clears the unread of the other; a message sent in one shows in the other once', async () => {
    const room = await group(aibek, [2]);
    const tabs = browserStorage();
    const [first, second] = [storeFor(aizada, tabs('tab-1')), storeFor(aizada, tabs('tab-2'))];
    for (const tab of [first, second]) tab.store.dispatch(subscribeToConversation(room.id));
    await waitFor(() => open(first, room.id) && open(second, room.id), 5000, 'both open');
    await post(aibek, room.id, 'раз');
    await post(aibek, room.id, 'два');
    const unread = (tab: typeof first) => selectUnreadCount(tab.store.getState(), room.id);
    await waitFor(() => unread(first) === 2 && unread(second) === 2, 5000, 'two unread in both');
    const newest = selectMessagesOfConversation(first.store.getState(), room.id).at(-1)!;
    first.store.dispatch(
      messagesSeen({ conversationId: room.id, messageId: newest.id, createdMs: newest.created_ms }),
    );
    await waitFor(() => unread(second) === 0, 5000, 'read in the other tab too');
    expect(unread(first)).toBe(0);

    // Sent from the first tab: the second never shows it twice, and ends with the server's copy.
    let most = 0;
    const stop = second.store.subscribe(() => {
      most = Math.max(most, texts(second, room.id).filter((text) => text === 'из первой').length);
    });
    first.store.dispatch(submitMessage({ conversationId: room.id, text: 'из первой' }));
    await waitFor(
      () =>
        selectMessagesOfConversation(second.store.getState(), room.id).some(
          (message) => message.text === 'из первой' && message.status === 'sent',
        ) && second.store.getState().chat.otherTabs.pending[room.id] === undefined,
      5000,
      'the server copy in the second tab',
    );
    // Let the first tab's last write reach the second.
    await waitFor(
      () => selectMessagesOfConversation(first.store.getState(), room.id).at(-1)?.status === 'sent',
      5000,
      'confirmed in the first',
    );
    await new Promise((resolve) => setImmediate(resolve));
    stop();
    expect(texts(second, room.id).filter((text) => text === 'из первой')).toHaveLength(1);
    expect(most).toBe(1);
  });
});
