import type { Middleware } from '@reduxjs/toolkit';
import { chatApi } from './api/chatApi';
import { clientForRuntime } from './api/client';
import type { ChatClient } from './api/client';
import type { ChatOptions } from './api/options';
import { createChatRuntime } from './api/runtime';
import { chatReducer } from './state/chatReducer';
import type { ChatState } from './state/chatReducer';
import { createChatMiddleware } from './socket/middleware';
import { authExpired } from './state/events';
import { stateKeysGuard } from './stateKeys';

/** The reducers to spread into the host's `configureStore({ reducer })`. */
export interface ChatReducers {
  chat: typeof chatReducer;
  chatApi: typeof chatApi.reducer;
}

/**
 * The part of the host's root state the chat needs: what {@link ChatReducers}
 * put under `chat` and `chatApi`.
 *
 * @example
 * ```ts
 * const state: ChatStoreState = store.getState();
 * ```
 */
export interface ChatStoreState {
  chat: ChatState;
  chatApi: ReturnType<typeof chatApi.reducer>;
}

/**
 * The chat's middleware: one function, like RTK Query's `api.middleware`, so
 * it fits every way RTK composes middleware. Typed with the state it needs,
 * so a store without {@link ChatReducers} does not type-check.
 *
 * @example
 * ```ts
 * const middleware: ChatStoreMiddleware = chat.middleware;
 * ```
 */
// `{}` is Redux's own "adds nothing to dispatch" (as in RTK Query's `api.middleware`).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type ChatStoreMiddleware = Middleware<{}, ChatStoreState>;

/** One chat instance: add its reducers and middleware to a store. */
export interface Chat {
  /** `{ chat, chatApi }`: spread them into the root reducer map. */
  reducers: ChatReducers;
  /**
   * Add it to the store's middleware however the store composes them:
   * `getDefaultMiddleware().concat(chat.middleware)`, `.concat(hostApi.middleware, chat.middleware)`,
   * `.prepend(chat.middleware)` or `new Tuple(…, chat.middleware)`.
   */
  middleware: ChatStoreMiddleware;
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

/** Middlewares in order as one middleware, exactly as `applyMiddleware` chains them. */
function chainMiddleware(parts: readonly Middleware[]): Middleware {
  return (storeApi) => {
    const chain = parts.map((part) => part(storeApi));
    return (next) =>
      chain.reduceRight<(action: unknown) => unknown>((inner, part) => part(inner), next);
  };
}

/**
 * Options that became imports (0.2.0), so that a host pays only for the
 * features it uses: the old spelling fails at once, naming the new import,
 * instead of silently doing nothing.
 */
function rejectMovedOptions(options: ChatOptions): void {
  const share: unknown = options.socket?.shareAcrossTabs;
  if (share !== undefined && share !== false)
    throw new TypeError(
      "unet-chat-redux: `socket.shareAcrossTabs` moved to its own import: `import { shareAcrossTabs } from 'unet-chat-redux/tabs'` and pass `socket: { share: shareAcrossTabs() }` (options as its argument). See docs/tabs.md.",
    );
  const persistence: unknown = options.persistence;
  if (
    persistence !== undefined &&
    persistence !== false &&
    typeof (persistence as { create?: unknown } | null)?.create !== 'function'
  )
    throw new TypeError(
      "unet-chat-redux: `persistence` takes `persistToStorage(options)` now: `import { persistToStorage } from 'unet-chat-redux'` and pass `persistence: persistToStorage({ storage, … })`. See docs/realtime.md.",
    );
  const sharing: unknown = options.socket?.share;
  if (sharing !== undefined && typeof (sharing as { wrap?: unknown } | null)?.wrap !== 'function')
    throw new TypeError(
      "unet-chat-redux: `socket.share` takes `shareAcrossTabs()` from 'unet-chat-redux/tabs'. See docs/tabs.md.",
    );
}

/**
 * Creates a chat instance for one store. Configuration (token getter,
 * refresh, socket factory) is given here once and never enters Redux state;
 * two instances in one process are fully independent.
 *
 * Optional features are imports passed in here, so a host bundles only what
 * it uses: `persistence: persistToStorage()` (unsent messages and drafts
 * survive a reload) and `socket: { share: shareAcrossTabs() }` from
 * `unet-chat-redux/tabs` (one socket per browser). The options these
 * replaced throw an error naming the import.
 *
 * When the store is created, the chat checks that its keys `chat` and
 * `chatApi` hold its own state, and throws a clear error when a key is
 * missing or taken by another reducer (see docs/errors.md).
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
  rejectMovedOptions(options);
  // The refresher reports a failed refresh through the store this instance joins.
  const runtime = createChatRuntime(options, () => chat.store()?.dispatch(authExpired()));
  const chat = createChatMiddleware(runtime, {
    persistence: options.persistence,
    memory: options.memory,
  });
  runtime.endSession = (reason) => chat.endSession(reason);
  return {
    reducers: { chat: chatReducer, chatApi: chatApi.reducer },
    middleware: chainMiddleware([stateKeysGuard, ...chat.middleware]),
    client: clientForRuntime(runtime),
    endSession: () => chat.endSession('logout'),
    dispose: chat.dispose,
  };
}
