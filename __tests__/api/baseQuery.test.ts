import { configureStore } from '@reduxjs/toolkit';
import type { Middleware, UnknownAction } from '@reduxjs/toolkit';
import { authExpired, chatApi, createChat, createChatClient, ChatApiError } from 'unet-chat-redux';
import type { ChatOptions } from 'unet-chat-redux';
import { createFakeFetch } from '../support/fakeFetch';
import type { FakeAnswer, RecordedRequest } from '../support/fakeFetch';

const BASE = 'https://chat.example.test';

function storeWith(options: ChatOptions) {
  const chat = createChat({
    baseUrl: BASE,
    socket: { enabled: false },
    retryDelay: () => 1,
    ...options,
  });
  const actions: UnknownAction[] = [];
  const recorder: Middleware = () => (next) => (action) => {
    actions.push(action as UnknownAction);
    return next(action);
  };
  const store = configureStore({
    reducer: chat.reducers,
    middleware: (getDefault) => getDefault().concat(chat.middleware).concat(recorder),
  });
  return { store, actions, chat };
}

const ok = (body: unknown = []): FakeAnswer => ({ status: 200, body });

describe('the authorized base query', () => {
  it('sends the token from the getter as a Bearer header to the exact seed path', async () => {
    const { fetchFn, requests } = createFakeFetch(() => ok());
    const { store } = storeWith({ fetchFn, getAccessToken: () => 'token-1' });
    await store.dispatch(chatApi.endpoints.getConversations.initiate());
    expect(requests[0]).toMatchObject({
      method: 'GET',
      url: `${BASE}/api/unet-chat/conversations/`,
      authorization: 'Bearer token-1',
    });
  });

  it('sends no Authorization header when there is no token', async () => {
    const { fetchFn, requests } = createFakeFetch(() => ok());
    const { store } = storeWith({ fetchFn, getAccessToken: () => null });
    await store.dispatch(chatApi.endpoints.getConversations.initiate());
    expect(requests[0]?.authorization).toBeNull();
  });

  it('refreshes once on a 401 and retries the request with the new token', async () => {
    let token = 'expired';
    const refresh = jest.fn(async () => {
      token = 'fresh';
      return true;
    });
    const { fetchFn, requests } = createFakeFetch((request) =>
      request.authorization === 'Bearer fresh'
        ? ok([])
        : { status: 401, body: { detail: 'Token expired' } },
    );
    const { store } = storeWith({
      fetchFn,
      getAccessToken: () => token,
      refreshAccessToken: refresh,
    });
    const result = await store.dispatch(chatApi.endpoints.getConversations.initiate());
    expect(result.data).toEqual([]);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(requests.map((r) => r.authorization)).toEqual(['Bearer expired', 'Bearer fresh']);
  });

  it('shares one refresh between concurrent 401s', async () => {
    let token = 'expired';
    let release: () => void = () => undefined;
    const refresh = jest.fn(
      () =>
        new Promise((resolve) => {
          release = () => {
            token = 'fresh';
            resolve(true);
          };
        }),
    );
    const { fetchFn } = createFakeFetch((request) =>
      request.authorization === 'Bearer fresh' ? ok([]) : { status: 401 },
    );
    const { chat } = storeWith({
      fetchFn,
      getAccessToken: () => token,
      refreshAccessToken: refresh,
    });
    const calls = Array.from({ length: 5 }, (_, i) => chat.client.getMessages(`c${i}`));
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await expect(Promise.all(calls)).resolves.toHaveLength(5);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('dispatches authExpired when the refresh fails, and the store remembers it', async () => {
    const { fetchFn } = createFakeFetch(() => ({ status: 401, body: { detail: 'Token expired' } }));
    const { store, actions } = storeWith({
      fetchFn,
      getAccessToken: () => 'expired',
      refreshAccessToken: async () => {
        throw new Error('refresh token expired');
      },
    });
    const result = await store.dispatch(chatApi.endpoints.getConversations.initiate());
    expect(result.error).toMatchObject({ status: 401 });
    expect(actions.filter((a) => authExpired.match(a))).toHaveLength(1);
    expect(store.getState().chat.session.authExpired).toBe(true);
    expect(store.getState().chat.notices.items.map((n) => n.code)).toContain('auth_expired');
  });

  it('ends in authExpired on a 401 when the host gave no refresh function', async () => {
    const { fetchFn } = createFakeFetch(() => ({ status: 401 }));
    const { store } = storeWith({ fetchFn, getAccessToken: () => 'expired' });
    await store.dispatch(chatApi.endpoints.getConversations.initiate());
    expect(store.getState().chat.session.authExpired).toBe(true);
  });

  it('retries reads after network errors and 5xx', async () => {
    const answers: FakeAnswer[] = ['network-error', { status: 503 }, ok([])];
    const { fetchFn, requests } = createFakeFetch((_r, i) => answers[i] ?? ok([]));
    const { store } = storeWith({ fetchFn, getAccessToken: () => 't', maxRetries: 3 });
    const result = await store.dispatch(chatApi.endpoints.getConversations.initiate());
    expect(result.data).toEqual([]);
    expect(requests).toHaveLength(3);
  });

  it('gives up after maxRetries', async () => {
    const { fetchFn, requests } = createFakeFetch(() => ({ status: 502 }));
    const { store } = storeWith({ fetchFn, getAccessToken: () => 't', maxRetries: 2 });
    const result = await store.dispatch(chatApi.endpoints.getConversations.initiate());
    expect(result.error).toMatchObject({ status: 502 });
    expect(requests).toHaveLength(3);
  });

  it('never blindly repeats a mutation', async () => {
    const { fetchFn, requests } = createFakeFetch(() => 'network-error');
    const { store } = storeWith({ fetchFn, getAccessToken: () => 't', maxRetries: 3 });
    const result = await store.dispatch(
      chatApi.endpoints.createConversation.initiate({ type: 'group', title: 'x' }),
    );
    expect(result.error).toMatchObject({ status: 'FETCH_ERROR' });
    expect(requests).toHaveLength(1);
  });

  it('retries a send because it carries a client_id, with the same client_id every time', async () => {
    const answers: FakeAnswer[] = [{ status: 500 }, 'network-error'];
    const { fetchFn, requests } = createFakeFetch(
      (request: RecordedRequest, i) =>
        answers[i] ?? {
          status: 201,
          body: {
            ...(request.body as object),
            id: 'm1',
            is_edited: false,
            created_at: '2026-01-01T00:00:00Z',
          },
        },
    );
    const { store } = storeWith({ fetchFn, getAccessToken: () => 't', maxRetries: 3 });
    const result = await store.dispatch(
      chatApi.endpoints.sendMessage.initiate({
        conversation_id: 'c1',
        sender_id: 1,
        text: 'hi',
        reply_to: null,
      }),
    );
    expect(result.data).toMatchObject({ id: 'm1' });
    expect(requests).toHaveLength(3);
    const keys = requests.map((r) => (r.body as { client_id: string }).client_id);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('tells the host clearly when the chat middleware is missing', async () => {
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const store = configureStore({
        reducer: { chatApi: chatApi.reducer },
        middleware: (g) => g().concat(chatApi.middleware),
      });
      const result = await store.dispatch(chatApi.endpoints.getConversations.initiate());
      expect((result.error as { message?: string }).message).toMatch(/chat middleware is missing/);
    } finally {
      consoleError.mockRestore();
    }
  });
});

describe('the direct client', () => {
  it('resolves with the answer and throws ChatApiError with the server detail', async () => {
    const conversation = {
      id: 'c1',
      type: 'group',
      title: null,
      created_by: 1,
      created_at: '2026-03-01T10:00:00Z',
      service: null,
      service_id: null,
    };
    const { fetchFn } = createFakeFetch((request) =>
      request.url.endsWith('/conversations/')
        ? ok([conversation])
        : { status: 404, body: { detail: 'Conversation not found' } },
    );
    const client = createChatClient({ baseUrl: BASE, fetchFn, getAccessToken: () => 't' });
    await expect(client.getConversations()).resolves.toEqual([conversation]);
    const failure = client.getConversation('nope').catch((e: unknown) => e);
    await expect(failure).resolves.toBeInstanceOf(ChatApiError);
    await expect(failure).resolves.toMatchObject({
      status: 404,
      message: 'Conversation not found',
    });
  });
});
