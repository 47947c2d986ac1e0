/**
 * A real store with the chat dropped in, talking to the in-process model
 * server (`modelServer.ts`) through a fake fetch and memory sockets, on a
 * manual clock: every interleaving of answers, frames, faults and time is
 * the test's to choose.
 */
import { configureStore } from '@reduxjs/toolkit';
import type { Middleware, UnknownAction } from '@reduxjs/toolkit';
import {
  createChat,
  createManualEnvironment,
  selectMessagesOfConversation,
  selectSyncStatus,
} from 'unet-chat-redux';
import type { ChatMessage, ChatOptions } from 'unet-chat-redux';
import { createModelServer } from './modelServer';
import type { ModelServer, ModelServerOptions } from './modelServer';

export const ME = 1;

export function createSyncHarness(
  serverOptions: ModelServerOptions = {},
  chatOptions: Partial<ChatOptions> = {},
  shared?: { server: ModelServer },
) {
  const server = shared?.server ?? createModelServer(serverOptions);
  const environment = createManualEnvironment({ now: Date.parse('2026-03-01T09:00:00Z') });
  const token = { value: 'token-1' };
  const chat = createChat({
    baseUrl: 'http://chat.test',
    fetchFn: server.fetchFn,
    getAccessToken: () => token.value,
    getCurrentUserId: () => ME,
    environment,
    // RTK Query's own retry waits on real timers; the sync has its own backoff on the manual clock.
    maxRetries: 0,
    persistence: false,
    ...chatOptions,
    socket: { factory: server.factory, ...chatOptions.socket },
  });
  const actions: UnknownAction[] = [];
  const recorder: Middleware = () => (next) => (action) => {
    actions.push(action as UnknownAction);
    return next(action);
  };
  const store = configureStore({
    reducer: chat.reducers,
    middleware: (getDefault) => getDefault().concat(chat.middleware).concat(recorder),
  });

  /** Lets everything due now happen: timers of 0 ms, answers, promise callbacks, socket traffic. */
  async function settle(rounds = 12): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      server.pump();
      environment.advance(0);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Moves the clock in steps, settling at each, so timers and their consequences interleave. */
  async function advance(ms: number, step = 500): Promise<void> {
    for (let passed = 0; passed < ms; passed += step) {
      environment.advance(Math.min(step, ms - passed));
      await settle(4);
    }
  }

  const messagesOf = (conversationId: string): ChatMessage[] =>
    selectMessagesOfConversation(store.getState(), conversationId);
  const syncOf = (conversationId: string) => selectSyncStatus(store.getState(), conversationId);

  return { server, environment, chat, store, actions, token, settle, advance, messagesOf, syncOf };
}

export type SyncHarness = ReturnType<typeof createSyncHarness>;
