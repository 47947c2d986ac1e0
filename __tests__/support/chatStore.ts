import { configureStore } from '@reduxjs/toolkit';
import type { Middleware, UnknownAction } from '@reduxjs/toolkit';
import WebSocket from 'ws';
import { createChat, createWebSocketFactory } from 'unet-chat-redux';
import type { ChatOptions, WebSocketConstructor } from 'unet-chat-redux';
import { rawRequest } from './server';
import type { Session, TestServer } from './server';

/**
 * A host app's store with the chat dropped in (the README's way), logged in
 * as `session`'s user and talking to a real reference server over real HTTP
 * and real WebSockets (the `ws` library, since Node 20 has no global WebSocket).
 * RTK's serializable and immutability checks stay on.
 */
export function createChatStore(
  server: Pick<TestServer, 'url'>,
  session: Session,
  options: Partial<ChatOptions> = {},
) {
  const auth = { access: session.access, refresh: session.refresh };
  const refreshAccessToken = jest.fn(async () => {
    const answer = await rawRequest<{ access?: string; refresh?: string }>(
      server.url,
      'POST',
      '/api/auth/refresh/',
      { body: { refresh: auth.refresh } },
    );
    if (answer.status !== 200 || !answer.body.access) return false;
    auth.access = answer.body.access;
    // The server rotates refresh tokens: the old one is used up.
    if (answer.body.refresh) auth.refresh = answer.body.refresh;
    return true;
  });
  const chat = createChat({
    baseUrl: server.url,
    getAccessToken: () => auth.access,
    getCurrentUserId: () => session.user.id,
    refreshAccessToken,
    retryDelay: () => 20,
    ...options,
    socket: {
      factory: createWebSocketFactory(WebSocket as unknown as WebSocketConstructor),
      baseDelayMs: 50,
      maxDelayMs: 400,
      historyDelayMs: 300,
      ...options.socket,
    },
  });
  const actions: UnknownAction[] = [];
  // Last in the chain: it sees exactly the actions that reach the reducers.
  const recorder: Middleware = () => (next) => (action) => {
    actions.push(action as UnknownAction);
    return next(action);
  };
  const store = configureStore({
    reducer: { ...chat.reducers },
    middleware: (getDefaultMiddleware) =>
      getDefaultMiddleware().concat(chat.middleware).concat(recorder),
  });
  return { store, chat, auth, refreshAccessToken, actions, user: session.user };
}

export type ChatStoreHarness = ReturnType<typeof createChatStore>;

/** Polls `check` until it returns a truthy value (or throws after `timeoutMs`). */
export async function waitFor<Value>(
  check: () => Value | undefined | null | false,
  timeoutMs = 5000,
  what = 'condition',
): Promise<Value> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}
