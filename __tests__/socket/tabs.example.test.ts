/**
 * The examples of docs/tabs.md, run: two stores of one user in one Node
 * process share one real socket through Node's own BroadcastChannel (Node 20
 * has no Web Locks, so this is the fallback election, with real timers),
 * against the real reference server.
 */
import { configureStore } from '@reduxjs/toolkit';
import WebSocket from 'ws';
import {
  createChat,
  createWebSocketFactory,
  selectConnection,
  selectMessagesOfConversation,
  subscribeToConversation,
} from 'unet-chat-redux';
import { createSharedSocketFactory, shareAcrossTabs } from 'unet-chat-redux/tabs';
import type { Conversation, SocketFactory, WebSocketConstructor } from 'unet-chat-redux';
import { waitFor } from '../support/chatStore';
import { startTestServer } from '../support/server';
import type { Session, TestServer } from '../support/server';

jest.setTimeout(30_000);

let server: TestServer;
const cleanups: Array<() => void> = [];
beforeEach(async () => {
  // A seed-only server: one socket per conversation, so the count below is about sharing alone
  // (with the [ext] user stream a store moves from its first conversation socket to the stream).
  server = await startTestServer({ extensions: false });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await server.close();
});

test('createChat takes share: shareAcrossTabs() (here, in Node without a page, it opens sockets as usual)', () => {
  // example: share-across-tabs
  const chat = createChat({
    baseUrl: 'https://uadmin.kstu.kg',
    socket: { share: shareAcrossTabs() },
  });
  // end example
  const store = configureStore({
    reducer: chat.reducers,
    middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(chat.middleware),
  });
  expect(store.getState().chat).toBeDefined();
  chat.dispose();
});

test('createChat takes a scope of its own', () => {
  const currentTenant = () => 'kstu';
  const currentUserId = () => 7;
  // example: own-scope
  const chat = createChat({
    socket: {
      share: shareAcrossTabs({ scope: () => `${currentTenant()}|${currentUserId()}` }),
    },
  });
  // end example
  chat.dispose();
});

test('two stores of one user share one socket through a real BroadcastChannel', async () => {
  const aibek = await server.login('aibek');
  const aizada = await server.login('aizada');
  const group = (
    await aibek.request<Conversation>('POST', '/api/unet-chat/conversations/', {
      type: 'group',
      title: 'Node',
      participant_ids: [aizada.user.id],
    })
  ).body;
  let realSockets = 0;
  const counted =
    (inner: SocketFactory): SocketFactory =>
    (url, handlers) => {
      realSockets += 1;
      return inner(url, handlers);
    };

  function openStore(session: Session) {
    const baseUrl = server.url;
    // example: shared-factory
    const factory = createSharedSocketFactory(
      counted(createWebSocketFactory(WebSocket as unknown as WebSocketConstructor)),
      {
        // Tabs of different users never share: the user is part of the scope.
        scope: () => `${baseUrl}|${session.user.id}`,
        // Node has a BroadcastChannel but no page, so none is taken by default.
        channel: (name) => new BroadcastChannel(name),
      },
    );
    const chat = createChat({
      baseUrl,
      getAccessToken: () => session.access,
      getCurrentUserId: () => session.user.id,
      socket: { factory },
    });
    // …and on teardown, after chat.dispose():
    // factory.dispose();
    // end example
    const store = configureStore({
      reducer: chat.reducers,
      middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(chat.middleware),
    });
    cleanups.push(() => {
      chat.dispose();
      factory.dispose();
    });
    return { store, factory };
  }

  const one = openStore(aibek);
  const two = openStore(aibek);
  const isOpen = (tab: typeof one) =>
    selectConnection(tab.store.getState(), group.id).status === 'open';
  one.store.dispatch(subscribeToConversation(group.id));
  await waitFor(() => isOpen(one), 10_000, 'the first store connected');
  two.store.dispatch(subscribeToConversation(group.id));
  await waitFor(() => isOpen(two), 10_000, 'the second store connected');
  expect(realSockets).toBe(1);
  expect(one.factory.inspect()[0]).toMatchObject({ role: 'leader', election: 'broadcast' });
  expect(two.factory.inspect()[0]).toMatchObject({ role: 'follower', realSockets: 0 });

  await aizada.request('POST', '/api/unet-chat/messages/', {
    conversation_id: group.id,
    sender_id: aizada.user.id,
    text: 'через один сокет',
    reply_to: null,
  });
  for (const tab of [one, two]) {
    await waitFor(
      () =>
        selectMessagesOfConversation(tab.store.getState(), group.id).some(
          (message) => message.text === 'через один сокет',
        ),
      10_000,
      'the message in both stores',
    );
  }
});
