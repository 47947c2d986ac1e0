import { configureStore } from '@reduxjs/toolkit';
import { createApi, fetchBaseQuery } from '@reduxjs/toolkit/query';
import WebSocket from 'ws';
import type { Message } from 'unet-chat-redux';
import { changeNotifier } from './redux';
import type { WireFrame } from './redux';
import { opened, socketUrl } from './types';
import type { Contestant, DoneCheck, Instance, OpenOptions } from './types';

/**
 * 2. The streaming pattern of the RTK Query documentation ("Streaming
 * Updates"): a query loads the history, `onCacheEntryAdded` opens a socket
 * once the data is loaded, and every frame goes into the cache with
 * `updateCachedData` — a push for a new message, the natural extension for
 * an edit (replace) and a deletion (splice).
 */

export const rtkQueryStreaming: Contestant = {
  key: 'rtkQueryStreaming',
  name: 'RTK Query streaming (`onCacheEntryAdded` + `updateCachedData` per frame)',
  perFrame: true,
  pages: false,
  async open({ target, conversations, probe }: OpenOptions) {
    const notifier = changeNotifier();
    const sockets = new Map<string, Promise<void>>();
    const closings: Array<Promise<void>> = [];
    // The last frame each conversation applied (`type id`): the cache is an array (see isDone).
    const lastApplied = new Map<string, string>();

    const api = createApi({
      reducerPath: 'streamingApi',
      baseQuery: fetchBaseQuery({
        baseUrl: `${target.httpUrl}/api/unet-chat/`,
        prepareHeaders: (headers) => {
          headers.set('authorization', `Bearer ${target.token}`);
          return headers;
        },
      }),
      endpoints: (build) => ({
        getMessages: build.query<Message[], string>({
          query: (conversationId) => `messages/${conversationId}`,
          async onCacheEntryAdded(
            conversationId,
            { updateCachedData, cacheDataLoaded, cacheEntryRemoved },
          ) {
            const ws = new WebSocket(socketUrl(target.httpUrl, conversationId, target.token));
            probe.attach(ws);
            sockets.set(conversationId, opened(ws));
            try {
              await cacheDataLoaded;
              ws.addEventListener('message', (event) => {
                if (probe.aborted) return;
                const frame = JSON.parse(event.data as string) as WireFrame;
                const payload = frame.payload as Message;
                if (frame.type === 'message:new') {
                  updateCachedData((draft) => {
                    draft.push(payload);
                  });
                } else if (frame.type === 'message:updated') {
                  updateCachedData((draft) => {
                    const at = draft.findIndex((message) => message.id === payload.id);
                    if (at >= 0) draft[at] = payload;
                  });
                } else if (frame.type === 'message:deleted') {
                  updateCachedData((draft) => {
                    const at = draft.findIndex((message) => message.id === payload.id);
                    if (at >= 0) draft.splice(at, 1);
                  });
                } else return;
                lastApplied.set(conversationId, `${frame.type} ${payload.id}`);
                probe.onLanded?.(payload);
                notifier.listeners.notify();
              });
            } catch {
              // The entry went away before its data came.
            }
            await cacheEntryRemoved;
            closings.push(
              new Promise((resolve) => {
                ws.once('close', () => resolve());
                ws.close();
              }),
            );
          },
        }),
      }),
    });

    const store = configureStore({
      reducer: { [api.reducerPath]: api.reducer },
      middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(api.middleware),
    });
    const subscriptions: Array<{ unsubscribe(): void }> = [];
    for (const { id } of conversations) {
      const subscription = store.dispatch(api.endpoints.getMessages.initiate(id));
      await subscription.unwrap();
      subscriptions.push(subscription);
    }
    await Promise.all(sockets.values());

    const dataOf = (id: string) => api.endpoints.getMessages.select(id)(store.getState()).data;
    const instance: Instance = {
      // The cache is an array: looking a message up is O(n). The frame handler
      // knows what it applied last, and frames apply in order.
      isDone: (check: DoneCheck) =>
        lastApplied.get(check.conversationId) === `message:${check.kind} ${check.id}`,
      count: (id) => dataOf(id)?.length ?? 0,
      onChange: (listener) => notifier.listeners.add(listener),
      async close() {
        for (const subscription of subscriptions) subscription.unsubscribe();
        // keepUnusedDataFor would hold the entries (and sockets) for 60 s.
        store.dispatch(api.util.resetApiState());
        await new Promise((resolve) => setTimeout(resolve, 10));
        await Promise.all(closings);
      },
    };
    return instance;
  },
};
