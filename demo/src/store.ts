import { configureStore } from '@reduxjs/toolkit';
import { createChat } from 'unet-chat-redux';
import { authStorage, refreshUser } from './auth';

// The README's drop-in snippet, with the demo's choices: credentials in
// sessionStorage (two tabs, two people), a heartbeat to spot dead sockets, and
// one socket per browser for the tabs of one person (two people in two tabs
// never share: the sharing is scoped to the user).
export const chat = createChat({
  storage: authStorage,
  refreshAccessToken: refreshUser,
  socket: { heartbeat: { intervalMs: 20_000, timeoutMs: 10_000 }, shareAcrossTabs: true },
});

export const store = configureStore({
  reducer: { ...chat.reducers },
  middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(chat.middleware),
});

export type RootState = ReturnType<typeof store.getState>;
