import { configureStore } from '@reduxjs/toolkit';
import { ChatApiError, chatApi, createChat } from 'unet-chat-redux';
import {
  createFakeFetch,
  createTestChat,
  fakeConversation,
  fakeConversationId,
  fakeMessage,
  fakeMessages,
  fakeUser,
} from 'unet-chat-redux/testing';
import type { TestChat } from 'unet-chat-redux/testing';

/**
 * The testing entry's fake server answers as the contract says, spoken to
 * through the package's own REST client, so a host's tests see what a real
 * unet-chat server would send.
 */
let test: TestChat;
afterEach(() => test?.dispose());

const C1 = fakeConversationId(1);
const statusOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return error instanceof ChatApiError ? error.status : String(error);
  }
};

describe('the fake chat server of unet-chat-redux/testing', () => {
  it('lists, reads, creates and deletes conversations', async () => {
    test = createTestChat({ conversations: [fakeConversation(1)], currentUserId: 7 });
    const { client } = test.chat;
    expect(await client.getConversations()).toEqual([fakeConversation(1)]);
    expect(await client.getConversation(C1)).toEqual(fakeConversation(1));
    expect(await statusOf(client.getConversation(fakeConversationId(9)))).toBe(404);

    const created = await client.createConversation({
      type: 'group',
      title: 'New',
      participant_ids: [2, 7],
    });
    expect(created).toMatchObject({
      type: 'group',
      title: 'New',
      created_by: 7,
      participant_ids: [7, 2],
    });
    expect((await client.getConversations()).map((c) => c.id)).toEqual([C1, created.id]);

    await client.deleteConversation(C1);
    expect(await statusOf(client.getConversation(C1))).toBe(404);
    expect(await statusOf(client.deleteConversation(C1))).toBe(404);
  });

  it('pages messages oldest first with limit, before and after', async () => {
    test = createTestChat({ messages: fakeMessages(1, 120) });
    const { client } = test.chat;
    const ids = (list: { id: string }[]) => list.map((m) => m.id);
    expect(ids(await client.getMessages(C1))).toEqual(ids(fakeMessages(71, 120)));
    expect(ids(await client.getMessages(C1, { limit: 10, before: fakeMessage(71).id }))).toEqual(
      ids(fakeMessages(61, 70)),
    );
    expect(ids(await client.getMessages(C1, { limit: 5, after: fakeMessage(100).id }))).toEqual(
      ids(fakeMessages(101, 105)),
    );
    expect(await client.getMessages(fakeConversationId(2))).toEqual([]);
    expect(test.server.requestsTo('GET', `/messages/${C1}`)).toHaveLength(3);
    expect(test.server.requests[1]!.path).toBe(
      `/api/unet-chat/messages/${C1}?limit=10&before=${fakeMessage(71).id}`,
    );
  });

  it('stores a send once per client_id, edits and deletes', async () => {
    test = createTestChat({ conversations: [fakeConversation(1)] });
    const { client } = test.chat;
    const body = { conversation_id: C1, sender_id: 1, text: 'Hi', client_id: 'k-1' };
    const first = await client.sendMessage(body);
    const again = await client.sendMessage(body);
    expect(again).toEqual(first);
    expect(first).toMatchObject({ text: 'Hi', is_edited: false, client_id: 'k-1' });
    expect(await client.getMessages(C1)).toEqual([first]);

    expect(await client.editMessage(first.id, 'Hello')).toMatchObject({
      text: 'Hello',
      is_edited: true,
    });
    await client.deleteMessage(first.id);
    expect(await client.getMessages(C1)).toEqual([]);
    expect(await statusOf(client.editMessage(first.id, 'x'))).toBe(404);
  });

  it('adds and removes participants and lists users', async () => {
    test = createTestChat({
      conversations: [fakeConversation(1)],
      users: [fakeUser(1), fakeUser(2)],
    });
    const { client } = test.chat;
    await client.addParticipant(C1, 3);
    expect((await client.getConversation(C1)).participant_ids).toEqual([1, 2, 3]);
    await client.removeParticipant(C1, 2);
    expect((await client.getConversation(C1)).participant_ids).toEqual([1, 3]);
    expect(await client.getUsers()).toEqual([fakeUser(1), fakeUser(2)]);
  });

  it('lets a test intercept any request, or hold it back', async () => {
    test = createTestChat({ conversations: [fakeConversation(1)] });
    let release: () => void = () => undefined;
    test.server.intercept = (request) =>
      request.method === 'GET'
        ? new Promise((resolve) => (release = () => resolve({ status: 200, body: [] })))
        : { status: 503, body: { detail: 'Down for maintenance' } };
    const pending = test.chat.client.getConversations();
    await test.flush();
    release();
    expect(await pending).toEqual([]);
    expect(await statusOf(test.chat.client.deleteConversation(C1))).toBe(503);
    test.server.intercept = null;
    expect(await test.chat.client.getConversations()).toHaveLength(1);
  });
});

describe('createFakeFetch', () => {
  it('records method, path, token and body, and fails like a dropped network', async () => {
    const { fetchFn, requests } = createFakeFetch((_request, index) =>
      index === 0 ? { status: 201, body: { ok: true } } : 'network-error',
    );
    const answer = await fetchFn('http://x.test/a/b?c=1', {
      method: 'POST',
      headers: { Authorization: 'Bearer t' },
      body: 'not json',
    });
    expect(answer.status).toBe(201);
    expect(await answer.json()).toEqual({ ok: true });
    await expect(fetchFn('http://x.test/')).rejects.toThrow(TypeError);
    expect(requests[0]).toEqual({
      method: 'POST',
      url: 'http://x.test/a/b?c=1',
      path: '/a/b?c=1',
      authorization: 'Bearer t',
      body: 'not json',
    });
  });

  it('answers 204 without a body even when the handler gives one', async () => {
    const { fetchFn } = createFakeFetch(() => ({ status: 204, body: { ignored: true } }));
    expect(await (await fetchFn('http://x.test/')).text()).toBe('');
  });

  it('rejects like fetch once the request is aborted, even while its answer is held', async () => {
    const { fetchFn, requests } = createFakeFetch(() => new Promise<never>(() => undefined));
    const controller = new AbortController();
    const settled = fetchFn('http://x.test/held', { signal: controller.signal }).then(
      () => 'answered',
      (error: unknown) => (error as Error).name,
    );
    await Promise.resolve();
    controller.abort();
    // Settled by the abort itself: a never-answered handler must not leave it pending.
    const pending = new Promise((resolve) => setImmediate(() => resolve('pending')));
    expect(await Promise.race([settled, pending])).toBe('AbortError');
    expect(requests.map((request) => request.path)).toEqual(['/held']);
    await expect(fetchFn('http://x.test/', { signal: AbortSignal.abort() })).rejects.toThrow(
      expect.objectContaining({ name: 'AbortError' }),
    );
  });

  it('leaves no request timer behind when a chat is disposed with an answer held', async () => {
    // RTK Query's fetchBaseQuery clears its timeout timer only once fetch settles.
    jest.useFakeTimers();
    try {
      const { fetchFn, requests } = createFakeFetch(() => new Promise<never>(() => undefined));
      const chat = createChat({
        baseUrl: 'http://x.test',
        fetchFn,
        getAccessToken: () => 'token',
        getCurrentUserId: () => 1,
        maxRetries: 0,
        persistence: false,
        socket: { enabled: false },
      });
      const store = configureStore({
        reducer: chat.reducers,
        middleware: (getDefault) => getDefault().concat(chat.middleware),
      });
      void store.dispatch(chatApi.endpoints.getConversations.initiate(undefined));
      for (let i = 0; i < 20; i++) await Promise.resolve();
      expect(requests.map((request) => request.path)).toContain('/api/unet-chat/conversations/');
      chat.dispose();
      // RTK's batching timers run; a request timeout (15 s by default) would still wait.
      await jest.advanceTimersByTimeAsync(1000);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
