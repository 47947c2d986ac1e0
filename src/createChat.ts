import type { Middleware } from '@reduxjs/toolkit';
import { chatApi } from './api/chatApi';
import { clientForRuntime } from './api/client';
import type { ChatClient } from './api/client';
import type { ChatOptions } from './api/options';
import { createChatRuntime } from './api/runtime';
import { chatReducer } from './state/chatReducer';
import { createChatMiddleware } from './socket/middleware';
import { authExpired } from './state/events';

/** The reducers to spread into the host's `configureStore({ reducer })`. */
export interface ChatReducers {
  chat: typeof chatReducer;
  chatApi: typeof chatApi.reducer;
}

/** One chat instance: add its reducers and middleware to a store. */
export interface Chat {
  /** `{ chat, chatApi }`: spread them into the root reducer map. */
  reducers: ChatReducers;
  /** Append to the store's middleware (`getDefaultMiddleware().concat(chat.middleware)`). */
  middleware: [Middleware, Middleware, Middleware];
  /** The REST API as plain async functions, sharing this instance's auth. */
  client: ChatClient;
  /**
   * Ends the current user's session — call it on logout or before another
   * user logs in. It closes every socket, abandons every request in flight,
   * stops the outbox and every loop, and leaves no trace of the user in
   * state or storage (unsent messages and drafts included). The instance
   * keeps working: the next user's subscriptions open sockets again.
   */
  endSession(): void;
  /**
   * Tears the instance down (tests, hot reload): ends the session (keeping
   * the stored unsent messages for the next page load) and clears every
   * socket, timer and listener. The instance is unusable afterwards.
   */
  dispose(): void;
}

/**
 * Creates a chat instance for one store. Configuration (token getter,
 * refresh, socket factory) is given here once and never enters Redux state;
 * two instances in one process are fully independent.
 *
 * @example
 * ```ts
 * const chat = createChat({ baseUrl: 'https://uadmin.kstu.kg', refreshAccessToken: refreshUser });
 * const store = configureStore({
 *   reducer: { ...hostReducers, ...chat.reducers },
 *   middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(chat.middleware),
 * });
 * ```
 */
export function createChat(options: ChatOptions = {}): Chat {
  // The refresher reports a failed refresh through the store this instance joins.
  const runtime = createChatRuntime(options, () => chat.store()?.dispatch(authExpired()));
  const chat = createChatMiddleware(runtime, { persistence: options.persistence });
  runtime.endSession = (reason) => chat.endSession(reason);
  return {
    reducers: { chat: chatReducer, chatApi: chatApi.reducer },
    middleware: chat.middleware,
    client: clientForRuntime(runtime),
    endSession: () => chat.endSession('logout'),
    dispose: chat.dispose,
  };
}
