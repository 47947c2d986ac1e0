import { configureStore, createAction, createReducer } from '@reduxjs/toolkit';
import type { Middleware, UnknownAction } from '@reduxjs/toolkit';
import reduxWebsocket, { connect, disconnect } from '@giantmachines/redux-websocket';
import type { Message } from 'unet-chat-redux';
import { changeNotifier, sortedMessages, tableCount, tableIsDone } from './redux';
import type { MessageTable, WireFrame } from './redux';
import { getJson, socketUrl } from './types';
import type { Contestant, Instance, OpenOptions } from './types';

/**
 * 4. `@giantmachines/redux-websocket` feeding an entity-adapter reducer: one
 * middleware per socket (its `prefix`), a `PREFIX::MESSAGE` action per frame
 * (`deserializer: JSON.parse`), and a reducer that `upsertOne`s the message
 * into the same sorted entity adapter as the listener (removeOne for a
 * deletion). The library opens sockets with the global `WebSocket`; in Node
 * that is `ws`'s, installed while it connects.
 */

const historyLoaded = createAction<Message[]>('reduxWebsocket/historyLoaded');

interface MessageAction extends UnknownAction {
  payload: { message: WireFrame };
}

const isMessageAction = (action: UnknownAction): action is MessageAction =>
  action.type.endsWith('::MESSAGE');

const reducer = createReducer<MessageTable>(sortedMessages.getInitialState(), (builder) => {
  builder
    .addCase(historyLoaded, (state, { payload }) => void sortedMessages.upsertMany(state, payload))
    .addMatcher(isMessageAction, (state, { payload: { message: frame } }) => {
      if (frame.type === 'message:new' || frame.type === 'message:updated') {
        sortedMessages.upsertOne(state, frame.payload as Message);
      } else if (frame.type === 'message:deleted') {
        sortedMessages.removeOne(state, (frame.payload as { id: string }).id);
      }
    });
});

type GlobalWithSocket = { WebSocket?: unknown };

export const reduxWebsocketContestant: Contestant = {
  key: 'reduxWebsocket',
  name: '`@giantmachines/redux-websocket` + entity-adapter reducer',
  perFrame: true,
  pages: false,
  async open({ target, conversations, probe }: OpenOptions) {
    const notifier = changeNotifier();
    const prefixes = conversations.map((_, i) => `WS${i}`);
    let opened = 0;
    let closed = 0;
    // Frames dropped once a burst hit its cap; latency probes after the reducer ran.
    const guard: Middleware = () => (next) => (action) => {
      const message = isMessageAction(action as UnknownAction);
      if (message && probe.aborted) return undefined;
      const result = next(action);
      const type = (action as UnknownAction).type;
      if (type.endsWith('::OPEN')) opened += 1;
      if (type.endsWith('::CLOSED')) closed += 1;
      if (message && probe.onLanded) {
        const frame = (action as MessageAction).payload.message;
        probe.onLanded(frame.payload as Message);
      }
      return result;
    };
    const sockets = prefixes.map(
      (prefix) =>
        reduxWebsocket({ prefix, deserializer: JSON.parse, reconnectOnClose: false }) as Middleware,
    );
    const store = configureStore({
      reducer,
      middleware: (getDefaultMiddleware) =>
        getDefaultMiddleware().prepend(notifier.middleware, guard, ...sockets),
    });

    const global = globalThis as GlobalWithSocket;
    const saved = global.WebSocket;
    global.WebSocket = probe.webSocketClass();
    try {
      for (const [i, { id }] of conversations.entries()) {
        store.dispatch(historyLoaded(await getJson<Message[]>(target, `/messages/${id}`)));
        store.dispatch(connect(socketUrl(target.httpUrl, id, target.token), prefixes[i] as string));
      }
      const deadline = performance.now() + 10_000;
      while (opened < conversations.length) {
        if (performance.now() > deadline) throw new Error('redux-websocket: sockets did not open');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      global.WebSocket = saved;
    }

    const instance: Instance = {
      isDone: (check) => tableIsDone(store.getState(), check),
      count: (id) => tableCount(store.getState(), id),
      onChange: (listener) => notifier.listeners.add(listener),
      async close() {
        for (const prefix of prefixes) store.dispatch(disconnect(prefix));
        const deadline = performance.now() + 2000;
        while (closed < conversations.length && performance.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 5));
      },
    };
    return instance;
  },
};
