/**
 * Type-level tests: every way a host composes middleware with RTK 2, next to
 * its own RTK Query API slice and listener middleware, type-checks with
 * `chat.middleware`; wrong set-ups do not (`@ts-expect-error` fails the check
 * when the line below it compiles). Checked by `npm run typecheck` here and,
 * against the packed package, by the consumer check (scripts/check-consumer.mjs).
 * Imports only the package's public entries, RTK and React.
 */
import { Tuple, configureStore, createListenerMiddleware, createSlice } from '@reduxjs/toolkit';
import type { Middleware, ThunkDispatch, UnknownAction } from '@reduxjs/toolkit';
import { createApi, fetchBaseQuery } from '@reduxjs/toolkit/query/react';
import { chatApi, createChat, selectConversations, submitMessage } from 'unet-chat-redux';
import type { ChatMessage, ChatStoreState, ConversationEntity } from 'unet-chat-redux';
import { useGetConversationsQuery, useGetMessagesQuery } from 'unet-chat-redux/react';
import type { Conversation, Message } from 'unet-chat-redux';

const todos = createSlice({
  name: 'todos',
  initialState: [] as string[],
  reducers: { added: (state, action: { payload: string }) => [...state, action.payload] },
});

/** The host's own RTK Query API slice and listener middleware. */
const hostApi = createApi({
  reducerPath: 'hostApi',
  baseQuery: fetchBaseQuery({ baseUrl: '/api' }),
  endpoints: (build) => ({
    getProfile: build.query<{ name: string }, void>({ query: () => 'me' }),
  }),
});
const listener = createListenerMiddleware();
const logger: Middleware = () => (next) => (action) => next(action);

const chat = createChat({ baseUrl: 'https://uadmin.kstu.kg' });
const reducer = { todos: todos.reducer, [hostApi.reducerPath]: hostApi.reducer, ...chat.reducers };

// 1. concat with the host's API middleware first (TS2719 before the fix)
export const concatBoth = configureStore({
  reducer,
  middleware: (getDefaultMiddleware) =>
    getDefaultMiddleware().concat(hostApi.middleware, chat.middleware),
});

// 2. concat the chat alone, then the host's middlewares
export const concatChained = configureStore({
  reducer,
  middleware: (getDefaultMiddleware) =>
    getDefaultMiddleware()
      .prepend(listener.middleware)
      .concat(chat.middleware)
      .concat(hostApi.middleware, logger),
});

// 3. prepend
export const prepended = configureStore({
  reducer,
  middleware: (getDefaultMiddleware) =>
    getDefaultMiddleware().prepend(chat.middleware, listener.middleware).concat(hostApi.middleware),
});

// 4. concat of an array
export const concatArray = configureStore({
  reducer,
  middleware: (getDefaultMiddleware) =>
    getDefaultMiddleware().concat([listener.middleware, hostApi.middleware, chat.middleware]),
});

// 5. a literal list, as RTK 2 takes it: a Tuple
export const literalTuple = configureStore({
  reducer,
  middleware: () => new Tuple(listener.middleware, hostApi.middleware, chat.middleware),
});

// 6. a literal list spreading the defaults
export const spreadDefaults = configureStore({
  reducer,
  middleware: (getDefaultMiddleware) =>
    new Tuple(...getDefaultMiddleware(), hostApi.middleware, chat.middleware),
});

// 7. the README's form, no host API
export const readme = configureStore({
  reducer: { todos: todos.reducer, ...chat.reducers },
  middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(chat.middleware),
});

// Every variant keeps the host's state and a thunk-aware dispatch.
function exercise<State extends ChatStoreState & { todos: string[] }>(store: {
  getState(): State;
  dispatch: ThunkDispatch<State, unknown, UnknownAction>;
}) {
  const state = store.getState();
  const conversations: ConversationEntity[] = selectConversations(state);
  const todoList: string[] = state.todos;
  const clientId: string | null = store.dispatch(
    submitMessage({ conversationId: 'id', text: 'hi' }),
  );
  void store.dispatch(hostApi.endpoints.getProfile.initiate());
  void store.dispatch(chatApi.endpoints.getConversations.initiate());
  return { conversations, todoList, clientId };
}
exercise(concatBoth);
exercise(concatChained);
exercise(prepended);
exercise(concatArray);
exercise(spreadDefaults);
exercise(readme);
const literalState: ChatStoreState = literalTuple.getState();
void literalState;

// The React entry's hooks are RTK Query's, typed by the endpoints.
export function useHostScreen(conversationId: string) {
  const conversations: Conversation[] | undefined = useGetConversationsQuery().data;
  const page: Message[] | undefined = useGetMessagesQuery({ conversationId, limit: 20 }).data;
  // @ts-expect-error getMessages needs a conversation id
  useGetMessagesQuery();
  return { conversations, page };
}

// ----- what must not compile -----

// RTK 2 takes a Tuple, not a plain array, for any middleware (its own rule, not the chat's).
// @ts-expect-error a plain array of RTK Query's own middleware is refused too
export const plainArrayHost = configureStore({ reducer, middleware: () => [hostApi.middleware] });
// @ts-expect-error the same for the chat's
export const plainArrayChat = configureStore({ reducer, middleware: () => [chat.middleware] });

export const withoutReducers = configureStore({
  reducer: { todos: todos.reducer },
  // @ts-expect-error the chat's middleware needs the chat's reducers in the store
  middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(chat.middleware),
});

export const withoutApiReducer = configureStore({
  reducer: { todos: todos.reducer, chat: chat.reducers.chat },
  // @ts-expect-error `chatApi` is missing
  middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(chat.middleware),
});

export const wholeChat = configureStore({
  reducer,
  // @ts-expect-error the chat object is not a middleware
  middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(chat),
});

const other = createSlice({ name: 'other', initialState: { count: 0 }, reducers: {} });
export const keyTakenBefore = configureStore({
  // @ts-expect-error `chat` is specified twice, and the chat's reducer would silently replace the host's
  reducer: { chat: other.reducer, ...chat.reducers },
});

/** A host API that claims the chat's key. */
const clashingApi = createApi({
  reducerPath: 'chatApi',
  baseQuery: fetchBaseQuery({ baseUrl: '/api' }),
  endpoints: (build) => ({
    getProfile: build.query<{ name: string }, void>({ query: () => 'me' }),
  }),
});
export const apiKeyTaken = configureStore({
  reducer: { ...chat.reducers, [clashingApi.reducerPath]: clashingApi.reducer },
  // @ts-expect-error the host's API state under `chatApi` is not the chat's
  middleware: (getDefaultMiddleware) =>
    getDefaultMiddleware().concat(clashingApi.middleware, chat.middleware),
});

export const stored: ChatMessage[] = [];
