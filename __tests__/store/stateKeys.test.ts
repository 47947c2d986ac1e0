import { configureStore, createListenerMiddleware, createSlice } from '@reduxjs/toolkit';
import { createApi, fakeBaseQuery } from '@reduxjs/toolkit/query';
import { chatApi, createChat, selectConversations } from 'unet-chat-redux';
import type { Chat } from 'unet-chat-redux';
import { createFakeFetch } from '../support/fakeFetch';
import { conversation, CONVERSATION } from '../support/factories';

/**
 * The keys `chat` and `chatApi` are fixed; a store where another reducer or
 * another RTK Query API holds one of them fails with a clear error, and a
 * correct store (with its own API slice, listener, preloaded state) never does.
 */
const chats: Chat[] = [];
afterEach(() => chats.splice(0).forEach((chat) => chat.dispose()));

function makeChat() {
  const { fetchFn } = createFakeFetch(() => ({ status: 200, body: [conversation(CONVERSATION)] }));
  const chat = createChat({
    baseUrl: 'http://chat.test',
    fetchFn,
    getAccessToken: () => 'token',
    getCurrentUserId: () => 1,
    maxRetries: 0,
    socket: { enabled: false },
  });
  chats.push(chat);
  return chat;
}

const other = createSlice({
  name: 'other',
  initialState: { count: 0 },
  reducers: { bumped: (state) => void (state.count += 1) },
});

/** A host's own RTK Query API, optionally claiming the chat's reducerPath. */
function hostApi<Path extends string>(reducerPath: Path) {
  return createApi({
    reducerPath,
    baseQuery: fakeBaseQuery<string>(),
    endpoints: (build) => ({
      getProfile: build.query<{ name: string }, void>({ queryFn: () => ({ data: { name: 'x' } }) }),
    }),
  });
}

/**
 * `configureStore` as a JavaScript host (or one that casts) calls it: the stores
 * that must fail here do not type-check (see __tests__/types/hostStores.types.ts).
 */
type Composer = { concat(...items: unknown[]): unknown; prepend(...items: unknown[]): unknown };
const configureUntypedStore = configureStore as unknown as (options: {
  reducer: object;
  middleware: (getDefault: () => Composer) => unknown;
}) => { dispatch(action: unknown): unknown; getState(): unknown };

describe('the state keys chat and chatApi', () => {
  describe('stay silent without a clash', () => {
    it('in the README store, through real queries', async () => {
      const chat = makeChat();
      const store = configureStore({
        reducer: { other: other.reducer, ...chat.reducers },
        middleware: (getDefault) => getDefault().concat(chat.middleware),
      });
      store.dispatch(other.actions.bumped());
      await store.dispatch(chatApi.endpoints.getConversations.initiate());
      expect(selectConversations(store.getState()).map((c) => c.id)).toEqual([CONVERSATION]);
      expect(store.getState().chatApi.config.middlewareRegistered).toBe(true);
    });

    it("next to the host's own API slice and listener, in any order", async () => {
      const api = hostApi('hostApi');
      const listener = createListenerMiddleware();
      for (const order of ['host first', 'chat first'] as const) {
        const chat = makeChat();
        const store = configureStore({
          reducer: { [api.reducerPath]: api.reducer, ...chat.reducers },
          middleware: (getDefault) =>
            order === 'host first'
              ? getDefault().prepend(listener.middleware).concat(api.middleware, chat.middleware)
              : getDefault().concat(chat.middleware, api.middleware, listener.middleware),
        });
        await store.dispatch(api.endpoints.getProfile.initiate());
        await store.dispatch(chatApi.endpoints.getConversations.initiate());
        expect(store.getState().hostApi.queries['getProfile(undefined)']?.data).toEqual({
          name: 'x',
        });
        expect(selectConversations(store.getState())).toHaveLength(1);
      }
    });

    it('with state preloaded from a serialized server store (SSR hydration)', async () => {
      const serverChat = makeChat();
      const server = configureStore({
        reducer: serverChat.reducers,
        middleware: (getDefault) => getDefault().concat(serverChat.middleware),
      });
      await server.dispatch(chatApi.endpoints.getConversations.initiate());
      const preloadedState: ReturnType<typeof server.getState> = JSON.parse(
        JSON.stringify(server.getState()),
      );

      const chat = makeChat();
      const client = configureStore({
        reducer: chat.reducers,
        preloadedState,
        middleware: (getDefault) => getDefault().concat(chat.middleware),
      });
      await client.dispatch(chatApi.endpoints.getConversations.initiate());
      expect(selectConversations(client.getState())).toHaveLength(1);
    });

    it('for two stores in one process, and after dispose', async () => {
      const stores = [makeChat(), makeChat()].map((chat) =>
        configureStore({
          reducer: chat.reducers,
          middleware: (getDefault) => getDefault().concat(chat.middleware),
        }),
      );
      for (const store of stores)
        await store.dispatch(chatApi.endpoints.getConversations.initiate());
      chats[0]!.dispose();
      await stores[0]!.dispatch(chatApi.endpoints.getConversations.initiate());
      expect(selectConversations(stores[1]!.getState())).toHaveLength(1);
    });
  });

  describe('fail clearly at store creation', () => {
    it('when the chat reducers are missing', () => {
      const chat = makeChat();
      expect(() =>
        configureUntypedStore({
          reducer: { other: other.reducer },
          middleware: (getDefault) => getDefault().concat(chat.middleware),
        }),
      ).toThrow(/the store has no `chat` state.*\.\.\.chat\.reducers/);
    });

    it('when chatApi is missing', () => {
      const chat = makeChat();
      expect(() =>
        configureUntypedStore({
          reducer: { chat: chat.reducers.chat },
          middleware: (getDefault) => getDefault().concat(chat.middleware),
        }),
      ).toThrow(/the store has no `chatApi` state/);
    });

    it('when another reducer is under chat', () => {
      const chat = makeChat();
      expect(() =>
        configureUntypedStore({
          reducer: { ...chat.reducers, chat: other.reducer },
          middleware: (getDefault) => getDefault().concat(chat.middleware),
        }),
      ).toThrow(/`chat` key holds another reducer's state.*cannot be renamed/);
    });

    it('when another reducer, or an API with another reducerPath, is under chatApi', () => {
      for (const [reducer, what] of [
        [other.reducer, /another reducer's state/],
        [hostApi('hostApi').reducer, /RTK Query API with reducerPath 'hostApi'/],
      ] as const) {
        const chat = makeChat();
        expect(() =>
          configureUntypedStore({
            reducer: { ...chat.reducers, chatApi: reducer },
            middleware: (getDefault) => getDefault().concat(chat.middleware),
          }),
        ).toThrow(what);
      }
    });
  });

  describe("fail clearly at the store's first action", () => {
    // A second API with reducerPath 'chatApi' has a state just like the chat's until
    // RTK Query's middlewares register, which they do on the first action.
    beforeEach(() => {
      // RTK Query's own development warning about the mismatch; the chat's error is what counts.
      jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    });
    afterEach(() => {
      chats.splice(0).forEach((chat) => chat.dispose());
      jest.restoreAllMocks();
    });

    it("when the host's own createApi({ reducerPath: 'chatApi' }) replaced the chat's API state", () => {
      const clashing = hostApi('chatApi');
      const chat = makeChat();
      const store = configureUntypedStore({
        reducer: { ...chat.reducers, [clashing.reducerPath]: clashing.reducer },
        middleware: (getDefault) => getDefault().concat(clashing.middleware, chat.middleware),
      });
      expect(() => store.dispatch(other.actions.bumped())).toThrow(
        /two API slices with reducerPath 'chatApi'/,
      );
    });

    it("when the chat's API state replaced the host's, whose middleware still runs", () => {
      const clashing = hostApi('chatApi');
      const chat = makeChat();
      const store = configureUntypedStore({
        // As a literal TypeScript refuses it (TS2783: 'chatApi' is specified more than once).
        reducer: Object.assign({ [clashing.reducerPath]: clashing.reducer }, chat.reducers),
        middleware: (getDefault) => getDefault().concat(chat.middleware, clashing.middleware),
      });
      expect(() => store.dispatch(other.actions.bumped())).toThrow(
        /two API slices with reducerPath 'chatApi'/,
      );
    });

    it("when the host's API state is under chatApi without its middleware", () => {
      const clashing = hostApi('chatApi');
      const chat = makeChat();
      const store = configureUntypedStore({
        reducer: { ...chat.reducers, chatApi: clashing.reducer },
        middleware: (getDefault) => getDefault().concat(chat.middleware),
      });
      expect(() => store.dispatch(other.actions.bumped())).toThrow(/reducerPath 'chatApi'/);
    });
  });
});
