/**
 * The examples of docs/workspace.md, run against the real reference server:
 * the regions between `// example: name` and `// end example` are printed in
 * the page exactly as they run here (checked by __tests__/testing/docs.test.ts).
 */
import { configureStore } from '@reduxjs/toolkit';
import WebSocket from 'ws';
import {
  chatApi,
  createChat,
  createWebSocketFactory,
  messagesSeen,
  selectMessagesOfConversation,
  selectPresence,
  selectReceipt,
  selectTotalUnread,
  selectTypingUserIds,
  selectUnreadCounts,
  submitMessage,
  subscribeToConversation,
  subscribeToWorkspace,
  userTyping,
} from 'unet-chat-redux';
import type { ChatOptions, Conversation, WebSocketConstructor } from 'unet-chat-redux';
import { waitFor } from '../support/chatStore';
import { startTestServer } from '../support/server';
import type { Session, TestServer } from '../support/server';

jest.setTimeout(30_000);

let server: TestServer;
const disposers: Array<() => void> = [];
beforeEach(async () => {
  server = await startTestServer({ rateLimits: false });
});
afterEach(async () => {
  for (const dispose of disposers.splice(0)) dispose();
  await server.close();
});

/** A host store for `session`, the README's way, over real sockets. */
function hostStore(session: Session, socket: ChatOptions['socket'] = {}) {
  const chat = createChat({
    baseUrl: server.url,
    getAccessToken: () => session.access,
    getCurrentUserId: () => session.user.id,
    socket: {
      factory: createWebSocketFactory(WebSocket as unknown as WebSocketConstructor),
      ...socket,
    },
  });
  const store = configureStore({
    reducer: chat.reducers,
    middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(chat.middleware),
  });
  disposers.push(() => chat.dispose());
  return { store, chat };
}

async function privateChat(from: Session, to: Session): Promise<Conversation> {
  const answer = await from.request<Conversation>('POST', '/api/unet-chat/conversations/', {
    type: 'private',
    participant_ids: [to.user.id],
  });
  return answer.body;
}

test('a list screen keeps the workspace live, and a header badge shows the total unread', async () => {
  const [aibek, aizada] = [await server.login('aibek'), await server.login('aizada')];
  const { store } = hostStore(aizada);
  const titles: string[] = [];

  // example: list-screen
  // While the list screen is shown (in React: in a useEffect, returning the unsubscribe).
  const leave = store.dispatch(subscribeToWorkspace());
  await store.dispatch(chatApi.endpoints.getConversations.initiate());

  // Anywhere else, say a header badge and the document title:
  store.subscribe(() => {
    const total = selectTotalUnread(store.getState());
    titles.push(total ? `(${total}) Chat` : 'Chat');
  });
  // end example

  const conversation = await privateChat(aibek, aizada);
  await waitFor(
    () => store.getState().chat.conversations.ids.includes(conversation.id),
    5000,
    'the new conversation listed',
  );
  await aibek.request('POST', '/api/unet-chat/messages/', {
    conversation_id: conversation.id,
    sender_id: aibek.user.id,
    text: 'Салам!',
    reply_to: null,
  });
  await waitFor(() => titles.at(-1) === '(1) Chat', 5000, 'the badge');

  // example: unread-per-row
  const counts = selectUnreadCounts(store.getState()); // { [conversationId]: number }
  // end example
  expect(counts).toEqual({ [conversation.id]: 1 });
  leave();
});

test('a conversation screen reports what was seen, typing, and reads receipts and presence', async () => {
  const [aibek, aizada] = [await server.login('aibek'), await server.login('aizada')];
  const conversation = await privateChat(aibek, aizada);
  const conversationId = conversation.id;
  const a = hostStore(aibek);
  const b = hostStore(aizada);
  for (const { store } of [a, b]) {
    store.dispatch(subscribeToWorkspace());
    await store.dispatch(chatApi.endpoints.getConversations.initiate());
    store.dispatch(subscribeToConversation(conversationId));
  }
  a.store.dispatch(submitMessage({ conversationId, text: 'Когда экзамен?' }));
  const [sent] = await waitFor(
    () => {
      const shown = selectMessagesOfConversation(a.store.getState(), conversationId);
      return shown[0]?.status === 'sent' ? shown : null;
    },
    5000,
    'sent',
  );
  const message = sent!;

  await waitFor(
    () => selectMessagesOfConversation(b.store.getState(), conversationId).length === 1,
    5000,
    'B has it',
  );
  {
    const { store } = b;
    const newest = selectMessagesOfConversation(store.getState(), conversationId).at(-1)!;
    // example: messages-seen
    // The newest message is visible in a focused page:
    store.dispatch(
      messagesSeen({ conversationId, messageId: newest.id, createdMs: newest.created_ms }),
    );
    // end example
    // example: typing
    // On each keystroke in the composer (told to the others at most once per 3 s):
    store.dispatch(userTyping({ conversationId }));
    // end example
  }
  {
    const { store } = a;
    const otherUserId = aizada.user.id;
    await waitFor(
      () => selectTypingUserIds(store.getState(), conversationId).length > 0,
      5000,
      'typing',
    );
    await waitFor(
      () => selectReceipt(store.getState(), conversationId, message.id) === 'read',
      5000,
      'read',
    );
    // example: typing-receipts-presence
    const typing = selectTypingUserIds(store.getState(), conversationId); // [2]
    const receipt = selectReceipt(store.getState(), conversationId, message.id); // 'read'
    const presence = selectPresence(store.getState(), otherUserId); // { online: true, lastSeenAt }
    // end example
    expect(typing).toEqual([2]);
    expect(receipt).toBe('read');
    expect(presence).toEqual({ online: true, lastSeenAt: null });
  }
});

test('socket.stream: "never" keeps conversation sockets even with a server that has the stream', async () => {
  const [aibek, aizada] = [await server.login('aibek'), await server.login('aizada')];
  const conversation = await privateChat(aibek, aizada);
  const urls: string[] = [];
  const inner = createWebSocketFactory(WebSocket as unknown as WebSocketConstructor);
  const factory: NonNullable<ChatOptions['socket']>['factory'] = (url, handlers, options) => {
    urls.push(url);
    return inner(url, handlers, options);
  };
  const { store } = hostStore(aibek, {
    factory,
    // example: stream-never
    stream: 'never',
    // end example
  });
  store.dispatch(subscribeToConversation(conversation.id));
  await waitFor(
    () => store.getState().chat.connections[conversation.id]?.status === 'open',
    5000,
    'open',
  );
  expect(urls).toHaveLength(1);
  expect(urls[0]).toContain(`/ws/conversations/${conversation.id}/`);
});
