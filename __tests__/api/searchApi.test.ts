/**
 * searchMessages against the real reference server, and against servers
 * without [ext] search (a fetch that answers like a seed server would).
 */
import { configureStore } from '@reduxjs/toolkit';
import { createChat, searchApi } from 'unet-chat-redux';
import type { MessageSearchResult } from 'unet-chat-redux';
import { createGroup, postMessage } from '../server/fixtures';
import { createChatStore } from '../support/chatStore';
import { createFakeFetch } from '../support/fakeFetch';
import type { FakeAnswer } from '../support/fakeFetch';
import { startTestServer } from '../support/server';
import type { TestServer } from '../support/server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
// A store left undisposed keeps RTK Query's 60 s cache timers (GET /extensions/) and jest waits for them.
const chats: Array<{ dispose(): void }> = [];
afterEach(() => {
  for (const chat of chats.splice(0)) chat.dispose();
});

function storeWithFetch(answer: FakeAnswer) {
  const fake = createFakeFetch(() => answer);
  const chat = createChat({
    baseUrl: 'http://127.0.0.1:9',
    getAccessToken: () => 'token',
    getCurrentUserId: () => 1,
    fetchFn: fake.fetchFn,
    maxRetries: 0,
  });
  chats.push(chat);
  const store = configureStore({
    reducer: { ...chat.reducers },
    middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(chat.middleware),
  });
  return { store, requests: fake.requests };
}

async function search(
  store: ReturnType<typeof storeWithFetch>['store'],
  q: string,
): Promise<{ data?: MessageSearchResult; error?: unknown }> {
  const result = await store.dispatch(searchApi.endpoints.searchMessages.initiate({ q }));
  return { data: result.data, error: result.error };
}

describe('searchMessages', () => {
  it('returns the server’s hits with their snippets and never puts them in the message store', async () => {
    const aibek = await server.login('aibek');
    const room = await createGroup(aibek, [], 'Поиск');
    await postMessage(aibek, room.id, 'Консультация в 305-й аудитории');
    const { store, chat } = createChatStore(server, aibek);
    chats.push(chat);

    const result = await store.dispatch(
      searchApi.endpoints.searchMessages.initiate({ q: 'аудитор', conversationId: room.id }),
    );

    expect(result.data?.supported).toBe(true);
    expect(result.data?.results.map((hit) => hit.message.text)).toEqual([
      'Консультация в 305-й аудитории',
    ]);
    const [hit] = result.data!.results;
    const [[start, end]] = hit!.snippet.highlights as [[number, number]];
    expect(hit!.snippet.text.slice(start, end)).toBe('аудитор');
    expect(store.getState().chat.messages.conversations).toEqual({});
  });

  it.each([404, 405, 422, 501])(
    'says search is not supported when the server answers %i (no such route)',
    async (status) => {
      const { store } = storeWithFetch({ status, body: { detail: 'Not Found' } });
      const { data, error } = await search(store, 'экзамен');
      expect(error).toBeUndefined();
      expect(data).toEqual({ supported: false, results: [], hasMore: false });
    },
  );

  it('says search is not supported when the answer is a seed server’s message list', async () => {
    const { store } = storeWithFetch({ status: 200, body: [] });
    const { data } = await search(store, 'экзамен');
    expect(data?.supported).toBe(false);
  });

  it('fails with the error for a network fault or a server fault, so the UI can say so', async () => {
    for (const answer of ['network-error', { status: 500, body: {} }] as FakeAnswer[]) {
      const { store } = storeWithFetch(answer);
      const { data, error } = await search(store, 'экзамен');
      expect(data).toBeUndefined();
      expect(error).toMatchObject({ status: answer === 'network-error' ? 'FETCH_ERROR' : 500 });
    }
  });

  it('drops malformed hits and highlight ranges instead of passing them to the UI', async () => {
    const message = {
      id: '0190a0a0-0000-7000-8000-000000000001',
      conversation_id: '0190a0a0-0000-7000-8000-000000000002',
      sender_id: 1,
      text: 'ok',
      reply_to: null,
      is_edited: false,
      created_at: '2024-01-01T00:00:00.000Z',
    };
    const { store } = storeWithFetch({
      status: 200,
      body: {
        results: [
          { message, snippet: { text: 'ok', highlights: [[0, 2], [1, 99], 'x', [2, 1]] } },
          { message: { id: 1 }, snippet: { text: 'bad', highlights: [] } },
          'nonsense',
        ],
        has_more: true,
      },
    });
    const { data } = await search(store, 'ok');
    expect(data?.results).toEqual([{ message, snippet: { text: 'ok', highlights: [[0, 2]] } }]);
    expect(data?.hasMore).toBe(true);
  });

  it('sends nothing for a query without a letter or digit', async () => {
    const { store, requests } = storeWithFetch({ status: 500 });
    const { data } = await search(store, ' ?! ');
    expect(data).toEqual({ supported: true, results: [], hasMore: false });
    expect(requests.filter((request) => request.path.includes('/search'))).toEqual([]);
  });
});
