import { configureStore } from '@reduxjs/toolkit';
import type { Middleware, UnknownAction } from '@reduxjs/toolkit';
import {
  createChat,
  createWebSocketFactory,
  loadOlderMessages,
  messagesReceived,
  selectConversationMessage,
  selectMessagesOfConversation,
  selectPaging,
  subscribeToConversation,
  unbatchChatActions,
} from 'unet-chat-redux';
import type { ChatStoreState } from 'unet-chat-redux';
import { changeNotifier } from './redux';
import type { Contestant, DoneCheck, Instance, OpenOptions } from './types';

/**
 * 6. This package, configured as a host configures it: `createChat` with its
 * own socket layer (`createWebSocketFactory` over `ws`'s WebSocket), its
 * history loaded through its own endpoints (`subscribeToConversation`, then
 * `loadOlderMessages` until the conversation holds what the scenario asks
 * for), read through its public selectors. The bench adds two middlewares a
 * host could add: the change signal every contestant has, and (for the
 * scroll-back and latency scenarios) a look at `messagesReceived`.
 */

/**
 * Page size when the scenario does not ask for one. Far above the reference
 * server's maximum (200) — the bench server has none — so that loading
 * 50,000 messages before each sample takes seconds, not tens.
 */
const LOAD_PAGE_SIZE = 5000;

/** The endpoints whose answers hold messages (the store holds them too, once applied). */
const HISTORY_ENDPOINTS = new Set(['getMessages', 'getMessageChanges']);

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`package: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export interface PackageHandle {
  store: { getState(): ChatStoreState };
}

export const unetChat: Contestant = {
  key: 'package',
  name: 'unet-chat-redux (`createChat` + `createWebSocketFactory(ws)`)',
  perFrame: false,
  pages: true,
  async open({ target, conversations, probe, pageSize, newestPageOnly }: OpenOptions) {
    const notifier = changeNotifier();
    let applyMs = 0;
    // A host's middleware, outermost: how long the store took for an older page; what landed.
    const watcher: Middleware = () => (next) => (action) => {
      const pages = messagesReceived.match(action) && action.payload.page?.direction === 'older';
      const start = pages ? performance.now() : 0;
      const result = next(action);
      if (pages) applyMs = performance.now() - start;
      if (probe.onLanded) {
        for (const inner of unbatchChatActions(action as UnknownAction)) {
          if (!messagesReceived.match(inner)) continue;
          for (const id of inner.payload.ids) {
            const message = inner.payload.entities[id];
            if (message) probe.onLanded(message);
          }
        }
      }
      return result;
    };
    const chat = createChat({
      baseUrl: target.httpUrl,
      getAccessToken: () => target.token,
      getCurrentUserId: () => target.userId,
      pageSize: pageSize ?? LOAD_PAGE_SIZE,
      persistence: false,
      socket: { factory: createWebSocketFactory(probe.webSocketClass()) },
    });
    const store = configureStore({
      reducer: { ...chat.reducers },
      middleware: (getDefaultMiddleware) =>
        getDefaultMiddleware().prepend(notifier.middleware, watcher).concat(chat.middleware),
    });

    const unsubscribes = conversations.map(({ id }) => store.dispatch(subscribeToConversation(id)));
    for (const { id, history } of conversations) {
      await until(() => selectPaging(store.getState(), id).caughtUp, `${id} to be live`);
      if (newestPageOnly) continue;
      for (;;) {
        const held = selectMessagesOfConversation(store.getState(), id).length;
        if (held >= history || !selectPaging(store.getState(), id).hasMoreOlder) break;
        await store.dispatch(loadOlderMessages(id));
        // A windowed conversation stops growing: it holds what it holds (the report says so).
        if (selectMessagesOfConversation(store.getState(), id).length <= held) break;
      }
    }

    const instance: Instance & PackageHandle = {
      store,
      isDone(check: DoneCheck) {
        const message = selectConversationMessage(store.getState(), check.conversationId, check.id);
        if (check.kind === 'deleted') return message === undefined;
        if (!message) return false;
        return check.kind === 'new' || message.text === check.text;
      },
      count: (id) => selectMessagesOfConversation(store.getState(), id).length,
      onChange: (listener) => notifier.listeners.add(listener),
      async loadOlder(id) {
        await store.dispatch(loadOlderMessages(id));
      },
      lastApplyMs: () => applyMs,
      async settle() {
        // History answers stay in RTK Query's cache for `keepUnusedDataFor` (5 s), then go.
        // Other entries stay as a host's would (the server's extension list: 60 s, a few bytes).
        await until(
          () =>
            Object.values(store.getState().chatApi.queries).every(
              (entry) => !HISTORY_ENDPOINTS.has(entry?.endpointName ?? ''),
            ),
          'the history answers to leave the request cache',
          15_000,
        );
      },
      async close() {
        for (const unsubscribe of unsubscribes) unsubscribe();
        chat.dispose();
        await new Promise((resolve) => setTimeout(resolve, 10));
      },
    };
    return instance;
  },
};
