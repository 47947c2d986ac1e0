import { isAction } from '@reduxjs/toolkit';
import type { Middleware } from '@reduxjs/toolkit';
import { chatReducer } from './state/chatReducer';

/*
 * The chat keeps its state under two fixed keys, `chat` and `chatApi` (see
 * docs/architecture.md, "Fixed state keys"). A host that already uses one of
 * them must learn it at once, not from a chat that quietly shows nothing.
 */

/** The root keys the chat's reducers occupy. */
export const CHAT_STATE_KEYS = { chat: 'chat', chatApi: 'chatApi' } as const;

const probe = { type: '@@unet-chat/probe' };
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const howToAdd =
  'Add the chat to the store with `configureStore({ reducer: { ...yourReducers, ...chat.reducers } })`.';
const keysAreFixed =
  'The chat needs the root keys `chat` and `chatApi` for itself (they cannot be renamed): move the other reducer to another key, or give your own createApi another `reducerPath`.';

function missing(key: string): Error {
  return new Error(`unet-chat-redux: the store has no \`${key}\` state. ${howToAdd}`);
}

function taken(key: string, what: string): Error {
  return new Error(
    `unet-chat-redux: the store's \`${key}\` key holds ${what}, not the chat's state. ${keysAreFixed}`,
  );
}

/** The keys the chat reducer's own state has (so a rewrite of the state layer needs no edit here). */
const chatStateKeys = () => Object.keys(chatReducer(undefined, probe));

/**
 * Throws when the store's `chat` or `chatApi` key is missing or holds another
 * reducer's state. Called with the state right after the store is created.
 */
export function assertChatStateKeys(state: unknown): void {
  const root = isRecord(state) ? state : {};
  const chat = root[CHAT_STATE_KEYS.chat];
  if (chat === undefined) throw missing(CHAT_STATE_KEYS.chat);
  const absent = isRecord(chat) ? chatStateKeys().filter((key) => !(key in chat)) : null;
  if (absent === null || absent.length > 0) {
    throw taken(CHAT_STATE_KEYS.chat, "another reducer's state");
  }
  const api = root[CHAT_STATE_KEYS.chatApi];
  if (api === undefined) throw missing(CHAT_STATE_KEYS.chatApi);
  const config = isRecord(api) ? api.config : undefined;
  if (!isRecord(api) || !isRecord(api.queries) || !isRecord(config)) {
    throw taken(CHAT_STATE_KEYS.chatApi, "another reducer's state");
  }
  if (config.reducerPath !== CHAT_STATE_KEYS.chatApi) {
    throw taken(
      CHAT_STATE_KEYS.chatApi,
      `the state of an RTK Query API with reducerPath '${String(config.reducerPath)}'`,
    );
  }
  // An API created elsewhere with reducerPath 'chatApi' has a state just like ours until its
  // middleware runs; RTK Query's own registration check tells the two apart (see below).
}

/**
 * Throws when RTK Query found two API slices claiming `chatApi`: each RTK
 * Query middleware registers on its first action, and the slice's reducer
 * marks the registration `'conflict'` when the middleware belongs to another
 * API (a host's `createApi({ reducerPath: 'chatApi' })`, or a second copy of
 * this package). Returns whether the chat's middleware has registered cleanly.
 */
export function assertSingleChatApi(state: unknown): boolean {
  const api = isRecord(state) ? state[CHAT_STATE_KEYS.chatApi] : undefined;
  const registered =
    isRecord(api) && isRecord(api.config) ? api.config.middlewareRegistered : false;
  if (registered === 'conflict') {
    throw taken(
      CHAT_STATE_KEYS.chatApi,
      "another RTK Query API's state or middleware (two API slices with reducerPath 'chatApi': your own createApi, or two copies of unet-chat-redux)",
    );
  }
  return registered === true;
}

/**
 * The first middleware of a chat: checks the state keys when the store is
 * created, then watches RTK Query's registration until the chat's API
 * middleware has registered without a conflict.
 */
export const stateKeysGuard: Middleware = (storeApi) => {
  assertChatStateKeys(storeApi.getState());
  let settled = false;
  return (next) => (action) => {
    const result = next(action);
    if (!settled && isAction(action)) {
      try {
        settled = assertSingleChatApi(storeApi.getState());
      } catch (error) {
        // Once is enough: later actions (a dispose, say) must not throw it again.
        settled = true;
        throw error;
      }
    }
    return result;
  };
};
