import configureMockStore from 'redux-mock-store';
import { thunk } from 'redux-thunk';
import type { UnknownAction } from '@reduxjs/toolkit';
import {
  chatApi,
  chatReducer,
  loadOlderMessages,
  messageComposed,
  messagesReceived,
  submitMessage,
} from 'unet-chat-redux';
import type { ChatState } from 'unet-chat-redux';
import { createChatRuntime } from '../../src/api/runtime';
import { createChatMiddleware } from '../../src/socket/middleware';
import { createFakeFetch } from '../support/fakeFetch';
import type { FakeAnswer } from '../support/fakeFetch';
import { CONVERSATION, message, messages } from '../support/factories';

/**
 * Unit tests of the thunks and optimistic flows with redux-mock-store: the
 * store's state is fixed, and we assert the exact sequence of actions.
 */
function mockStore(chatState: ChatState, answer: (url: string, method: string) => FakeAnswer) {
  const { fetchFn } = createFakeFetch((request) => answer(request.url, request.method));
  const runtime = createChatRuntime(
    {
      baseUrl: 'https://chat.example.test',
      fetchFn,
      getAccessToken: () => 't',
      getCurrentUserId: () => 1,
      socket: { enabled: false },
      maxRetries: 0,
    },
    () => undefined,
  );
  // The chat's own middlewares without its listener, whose effects would add actions.
  const [runtimeMiddleware, , apiMiddleware] = createChatMiddleware(runtime).middleware;
  const state = { chat: chatState, chatApi: chatApi.reducer(undefined, { type: 'init' }) };
  // redux-mock-store's types predate Redux 5's `unknown` actions; the runtime contract is the same.
  const middlewares = [thunk, runtimeMiddleware, apiMiddleware] as unknown as Parameters<
    typeof configureMockStore
  >[0];
  return configureMockStore(middlewares)(state) as unknown as {
    dispatch: (action: unknown) => unknown;
    getActions(): UnknownAction[];
  };
}

const loaded = (list = messages(51, 100)) =>
  chatReducer(
    undefined,
    messagesReceived(CONVERSATION, list, {
      source: 'history',
      page: { direction: 'latest', cursor: null, limit: 50 },
    }),
  );

// A mock store's state never changes, so the middleware starts the session anew at every
// checkpoint; that bookkeeping is not what these tests are about.
const bookkeeping = (type: string) =>
  type.startsWith('chatApi/config/') || type === 'chat/sessionStarted';

/** The session's extensions probe is bookkeeping too. */
const isProbe = (action: UnknownAction) =>
  (action.meta as { arg?: { endpointName?: string } } | undefined)?.arg?.endpointName ===
  'getExtensions';

const types = (actions: UnknownAction[]) =>
  actions
    .filter((action) => !isProbe(action))
    .map((action) => action.type)
    .filter((type) => !bookkeeping(type) && !type.includes('subscriptions'));

/** The actions the code under test dispatched (RTK Query's own registration aside). */
const recorded = (store: { getActions(): unknown[] }) =>
  (store.getActions() as UnknownAction[]).filter(
    (action) => !bookkeeping(action.type) && !isProbe(action),
  );

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('thunks and optimistic flows (action sequences)', () => {
  it('submitMessage dispatches one messageComposed with a fresh client_id and the current user', () => {
    const store = mockStore(loaded(), () => ({ status: 500 }));
    const clientId = store.dispatch(
      submitMessage({ conversationId: CONVERSATION, text: '  Салам  ' }),
    ) as unknown as string;
    const actions = recorded(store);
    expect(actions).toHaveLength(1);
    const [composed] = actions;
    expect(messageComposed.match(composed!)).toBe(true);
    expect((composed as ReturnType<typeof messageComposed>).payload).toMatchObject({
      conversationId: CONVERSATION,
      text: 'Салам',
      senderId: 1,
      replyTo: null,
      clientId,
    });
    expect(clientId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('submitMessage dispatches nothing for blank text', () => {
    const store = mockStore(loaded(), () => ({ status: 500 }));
    expect(
      store.dispatch(submitMessage({ conversationId: CONVERSATION, text: '  \n ' })),
    ).toBeNull();
    expect(recorded(store)).toEqual([]);
  });

  it('loadOlderMessages asks for the page before the oldest loaded message and feeds it to the store', async () => {
    const urls: string[] = [];
    const store = mockStore(loaded(), (url) => {
      urls.push(url);
      return { status: 200, body: messages(1, 50) };
    });
    await store.dispatch(loadOlderMessages(CONVERSATION));
    await settle();
    expect(types(store.getActions())).toEqual([
      'chat/olderMessagesRequested',
      'chatApi/executeQuery/pending',
      // The page is in the store before the request settles, so whoever awaits it sees it.
      'chat/messagesReceived',
      'chatApi/executeQuery/fulfilled',
    ]);
    const pages = urls.filter((url) => url.includes('/messages/'));
    expect(pages[0]).toContain(`/messages/${CONVERSATION}?limit=50&before=${message(51).id}`);
    const received = recorded(store).find((action) => messagesReceived.match(action)) as ReturnType<
      typeof messagesReceived
    >;
    expect(received.payload.page).toEqual({
      direction: 'older',
      cursor: message(51).id,
      limit: 50,
    });
  });

  it('loadOlderMessages does nothing when the history is complete', async () => {
    const store = mockStore(loaded(messages(1, 3)), () => ({ status: 200, body: [] }));
    await store.dispatch(loadOlderMessages(CONVERSATION));
    expect(recorded(store)).toEqual([]);
  });

  it('an edit shows at once and is rolled back visibly when the server refuses it', async () => {
    const store = mockStore(loaded(), () => ({
      status: 403,
      body: { detail: 'Only the sender may edit' },
    }));
    await store.dispatch(
      chatApi.endpoints.editMessage.initiate({ id: message(60).id, text: ' new ' }),
    );
    await settle();
    expect(types(store.getActions())).toEqual([
      'chatApi/executeMutation/pending',
      'chat/messageEditStarted',
      'chatApi/executeMutation/rejected',
      'chat/messageEditFailed',
    ]);
    const [, started, , failed] = recorded(store) as Array<
      UnknownAction & { payload: Record<string, unknown> }
    >;
    expect(started!.payload).toEqual({ id: message(60).id, text: 'new' });
    expect(failed!.payload).toMatchObject({
      previous: { id: message(60).id, text: 'message 60' },
      error: 'Only the sender may edit',
    });
  });

  it('a delete removes the message at once and confirms it when the server agrees', async () => {
    const store = mockStore(loaded(), () => ({ status: 204 }));
    await store.dispatch(chatApi.endpoints.deleteMessage.initiate(message(60).id));
    await settle();
    expect(types(store.getActions())).toEqual([
      'chatApi/executeMutation/pending',
      'chat/messageDeleteStarted',
      'chatApi/executeMutation/fulfilled',
      'chat/messagesRemoved',
    ]);
  });

  it('a refused delete brings the message back with the reason', async () => {
    const store = mockStore(loaded(), () => ({
      status: 403,
      body: { detail: 'Only the sender may delete' },
    }));
    await store.dispatch(chatApi.endpoints.deleteMessage.initiate(message(60).id));
    await settle();
    expect(types(store.getActions())).toEqual([
      'chatApi/executeMutation/pending',
      'chat/messageDeleteStarted',
      'chatApi/executeMutation/rejected',
      'chat/messageDeleteFailed',
    ]);
  });

  it('keeps every action serializable', () => {
    const store = mockStore(loaded(), () => ({ status: 500 }));
    store.dispatch(submitMessage({ conversationId: CONVERSATION, text: 'x' }));
    for (const action of recorded(store))
      expect(JSON.parse(JSON.stringify(action))).toEqual(action);
  });
});
