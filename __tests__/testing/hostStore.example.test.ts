/**
 * The examples of docs/testing.md (store level), run as they are printed:
 * docs.test.ts checks that every example of the page is in this file or in
 * hostScreen.example.test.tsx.
 */
// example: store-setup
import { configureStore } from '@reduxjs/toolkit';
import {
  createChat,
  selectConnection,
  selectMessagesOfConversation,
  selectNotices,
  submitMessage,
  subscribeToConversation,
} from 'unet-chat-redux';
import type { Chat } from 'unet-chat-redux';
import {
  createFakeFetch,
  createTestChat,
  fakeConversation,
  fakeConversationId,
  fakeMessage,
  fakeMessages,
  serverFrames,
} from 'unet-chat-redux/testing';
import type { TestChat } from 'unet-chat-redux/testing';

// The app's own store factory: the tests build the store exactly as the app does.
function makeStore(chat: Chat) {
  return configureStore({
    reducer: { ...chat.reducers },
    middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(chat.middleware),
  });
}

let test: TestChat | undefined;
afterEach(() => {
  test?.dispose();
  test = undefined;
});
// end example

const texts = (store: ReturnType<typeof makeStore>, id: string) =>
  selectMessagesOfConversation(store.getState(), id).map((message) => message.text);

describe('docs/testing.md, store examples', () => {
  // example: history-then-live
  it('shows the history, then a live message', async () => {
    const conversationId = fakeConversationId(1);
    test = createTestChat({
      conversations: [fakeConversation(1)],
      messages: fakeMessages(1, 3),
    });
    const store = makeStore(test.chat);

    store.dispatch(subscribeToConversation(conversationId));
    test.socketOf(conversationId)!.open(); // the server accepts the socket; history loads
    await test.flush();
    test.socketOf(conversationId)!.receive(serverFrames.messageNew(fakeMessage(4)));
    await test.flush();

    expect(texts(store, conversationId)).toEqual([
      'message 1',
      'message 2',
      'message 3',
      'message 4',
    ]);
  });
  // end example

  // example: send
  it('sends over the socket and confirms with the echo', async () => {
    const conversationId = fakeConversationId(1);
    test = createTestChat({ conversations: [fakeConversation(1)] });
    const store = makeStore(test.chat);
    store.dispatch(subscribeToConversation(conversationId));
    const socket = test.socketOf(conversationId)!;
    socket.open();
    await test.flush();

    const clientId = store.dispatch(submitMessage({ conversationId, text: 'Салам!' }));
    expect(selectMessagesOfConversation(store.getState(), conversationId)[0]).toMatchObject({
      text: 'Салам!',
      status: 'pending',
    });
    expect(socket.sentFrames()).toContainEqual({
      type: 'message:send',
      payload: { text: 'Салам!', reply_to: null, client_id: clientId },
    });

    // The server stores it and echoes it back with its id.
    socket.receive(
      serverFrames.messageNew(
        fakeMessage(1, { text: 'Салам!', sender_id: 1, client_id: clientId }),
      ),
    );
    await test.flush();
    expect(selectMessagesOfConversation(store.getState(), conversationId)).toEqual([
      expect.objectContaining({ text: 'Салам!', status: 'sent' }),
    ]);
  });
  // end example

  // example: failure
  it('tells the person when the history cannot be loaded', async () => {
    const conversationId = fakeConversationId(1);
    test = createTestChat({ conversations: [fakeConversation(1)] });
    test.server.intercept = (request) =>
      request.path.startsWith('/api/unet-chat/messages/') ? { status: 503 } : undefined;
    const store = makeStore(test.chat);

    store.dispatch(subscribeToConversation(conversationId));
    test.socketOf(conversationId)!.open();
    await test.flush();

    expect(selectNotices(store.getState())).toEqual([
      expect.objectContaining({ code: 'history_failed', conversationId }),
    ]);
  });
  // end example

  // example: reconnect
  it('reconnects after the network drops, on the manual clock', async () => {
    const conversationId = fakeConversationId(1);
    test = createTestChat({ conversations: [fakeConversation(1)] });
    const store = makeStore(test.chat);
    store.dispatch(subscribeToConversation(conversationId));
    test.socketOf(conversationId)!.open();
    await test.flush();

    test.socketOf(conversationId)!.fail('connection reset');
    expect(selectConnection(store.getState(), conversationId)).toMatchObject({
      status: 'reconnecting',
      attempt: 1,
    });
    const { nextDelayMs } = selectConnection(store.getState(), conversationId);
    test.environment.advance(nextDelayMs!); // no real waiting: time moves when the test says
    expect(test.transport.sockets).toHaveLength(2);
    test.socketOf(conversationId)!.open();
    await test.flush();
    expect(selectConnection(store.getState(), conversationId).status).toBe('open');
  });
  // end example

  // example: bare-fetch
  it("answers the chat's requests with a bare scripted fetch", async () => {
    const { fetchFn, requests } = createFakeFetch((request) =>
      request.method === 'GET' ? { status: 200, body: [fakeConversation(1)] } : 'network-error',
    );
    const chat = createChat({
      baseUrl: 'http://chat.test',
      fetchFn,
      getAccessToken: () => 'token',
    });

    expect(await chat.client.getConversations()).toEqual([fakeConversation(1)]);
    expect(requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/api/unet-chat/conversations/',
        authorization: 'Bearer token',
      }),
    ]);
    chat.dispose();
  });
  // end example
});
