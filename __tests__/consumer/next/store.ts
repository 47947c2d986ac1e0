// example: next-store
// lib/store.ts — one store (and one chat) per request on the server, one per tab in the browser
import { configureStore } from '@reduxjs/toolkit';
import { createChat } from 'unet-chat-redux';
import type { ChatStoreState } from 'unet-chat-redux';

export function makeStore(preloadedState?: ChatStoreState) {
  const chat = createChat({ baseUrl: 'https://uadmin.kstu.kg' });
  const store = configureStore({
    reducer: { ...chat.reducers },
    preloadedState,
    middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(chat.middleware),
  });
  return { store, chat };
}

export type AppStore = ReturnType<typeof makeStore>['store'];
// end example
