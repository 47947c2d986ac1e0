import {
  configureStore,
  createAction,
  createListenerMiddleware,
  createReducer,
} from '@reduxjs/toolkit';
import WebSocket from 'ws';
import type { Message } from 'unet-chat-redux';
import { changeNotifier, sortedMessages, tableCount, tableIsDone } from './redux';
import type { MessageTable, WireFrame } from './redux';
import { closeSocket, getJson, opened, socketUrl } from './types';
import type { Contestant, Instance, OpenOptions } from './types';

/**
 * 3. The obvious listener: RTK's listener middleware opens the socket when a
 * conversation is opened and dispatches every frame as it comes; the reducer
 * `upsertOne`s it into a sorted `createEntityAdapter` (removeOne for a
 * deletion). History is one fetch, `upsertMany`.
 */

const conversationOpened = createAction<string>('listener/conversationOpened');
const conversationClosed = createAction<string>('listener/conversationClosed');
const historyLoaded = createAction<Message[]>('listener/historyLoaded');
const messageReceived = createAction<Message>('listener/messageReceived');
const messageDeleted = createAction<string>('listener/messageDeleted');

const reducer = createReducer<MessageTable>(sortedMessages.getInitialState(), (builder) => {
  builder
    .addCase(historyLoaded, (state, { payload }) => void sortedMessages.upsertMany(state, payload))
    .addCase(messageReceived, (state, { payload }) => void sortedMessages.upsertOne(state, payload))
    .addCase(messageDeleted, (state, { payload }) => void sortedMessages.removeOne(state, payload));
});

export const listener: Contestant = {
  key: 'listener',
  name: 'obvious listener (`upsertOne` per frame into a sorted entity adapter)',
  perFrame: true,
  pages: false,
  async open({ target, conversations, probe }: OpenOptions) {
    const notifier = changeNotifier();
    const listeners = createListenerMiddleware();
    const store = configureStore({
      reducer,
      middleware: (getDefaultMiddleware) =>
        getDefaultMiddleware().prepend(notifier.middleware, listeners.middleware),
    });
    // Each effect reports when its socket is open, and when it has closed it.
    const openings = new Map<string, (open: Promise<void>) => void>();
    const closings: Array<Promise<void>> = [];

    listeners.startListening({
      actionCreator: conversationOpened,
      effect: async ({ payload: id }, api) => {
        const ws = new WebSocket(socketUrl(target.httpUrl, id, target.token));
        probe.attach(ws);
        openings.get(id)?.(opened(ws));
        ws.on('message', (data: Buffer) => {
          if (probe.aborted) return;
          const frame = JSON.parse(data.toString()) as WireFrame;
          if (frame.type === 'message:new' || frame.type === 'message:updated') {
            api.dispatch(messageReceived(frame.payload as Message));
          } else if (frame.type === 'message:deleted') {
            api.dispatch(messageDeleted((frame.payload as { id: string }).id));
          }
          probe.onLanded?.(frame.payload as Message);
        });
        await api.condition((action) => conversationClosed.match(action) && action.payload === id);
        const closing = closeSocket(ws);
        closings.push(closing);
        await closing;
      },
    });

    for (const { id } of conversations) {
      store.dispatch(historyLoaded(await getJson<Message[]>(target, `/messages/${id}`)));
      const open = new Promise<Promise<void>>((resolve) => openings.set(id, resolve));
      store.dispatch(conversationOpened(id));
      await await open;
    }

    const instance: Instance = {
      isDone: (check) => tableIsDone(store.getState(), check),
      count: (id) => tableCount(store.getState(), id),
      onChange: (listener) => notifier.listeners.add(listener),
      async close() {
        for (const { id } of conversations) store.dispatch(conversationClosed(id));
        // The effects run on: give them a turn to start closing.
        await new Promise((resolve) => setImmediate(resolve));
        await Promise.all(closings);
        listeners.clearListeners();
      },
    };
    return instance;
  },
};
