import { configureStore } from '@reduxjs/toolkit';
import { createChat, persistToStorage } from 'unet-chat-redux';
import { shareAcrossTabs } from 'unet-chat-redux/tabs';
import { authStorage, refreshUser } from './auth';

// The README's drop-in snippet, with the demo's choices: credentials in
// sessionStorage (two tabs, two people), a heartbeat to spot dead sockets, and
// one socket per browser for the tabs of one person (two people in two tabs
// never share: the sharing is scoped to the user), and unsent messages and
// drafts kept in localStorage across reloads.
export const chat = createChat({
  storage: authStorage,
  refreshAccessToken: refreshUser,
  persistence: persistToStorage(),
  socket: { heartbeat: { intervalMs: 20_000, timeoutMs: 10_000 }, share: shareAcrossTabs() },
});

export const store = configureStore({
  reducer: { ...chat.reducers },
  middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(chat.middleware),
});

export type RootState = ReturnType<typeof store.getState>;
