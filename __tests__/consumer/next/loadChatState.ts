// example: next-prefetch
// lib/loadChatState.ts — on the server, for one request: what the chat shows first
import { configureStore } from '@reduxjs/toolkit';
import { chatApi, createChat } from 'unet-chat-redux';
import type { ChatOptions, ChatStoreState } from 'unet-chat-redux';

export async function loadChatState(options: ChatOptions): Promise<ChatStoreState> {
  const chat = createChat({ ...options, socket: { enabled: false } });
  const store = configureStore({
    reducer: { ...chat.reducers },
    middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(chat.middleware),
  });
  await store.dispatch(chatApi.endpoints.getConversations.initiate());
  const state = store.getState(); // plain, serializable data: it may cross to the client as a prop
  chat.dispose();
  return state;
}
// end example
