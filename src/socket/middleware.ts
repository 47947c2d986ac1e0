import { createListenerMiddleware, isAnyOf } from '@reduxjs/toolkit';
import type { Middleware, TypedStartListening } from '@reduxjs/toolkit';
import { chatApi } from '../api/chatApi';
import { brandRuntime, runtimeRequested } from '../api/runtime';
import type { ChatRuntime } from '../api/runtime';
import {
  authRestored,
  messageComposed,
  messageRetried,
  messageSendFailed,
  messagesReceived,
} from '../state/events';
import { selectAuthExpired } from '../state/selectors';
import type { ChatRootState } from '../state/selectors';
import type { ChatDispatch, ChatStoreAccess, SocketBase, SocketContext } from './context';
import { createSyncScheduler, syncConversation } from './listeners/catchUp';
import { addConnectListeners } from './listeners/connect';
import { listenForEvent } from './listeners/events';
import { createOutbox } from './listeners/outbound';

type StartListening = TypedStartListening<ChatRootState, ChatDispatch>;

/** The middleware of one chat instance, and how to tear it down. */
export interface ChatMiddleware {
  middleware: [Middleware, Middleware, Middleware];
  /** The store the middleware was applied to, once it has been. */
  store(): ChatStoreAccess | null;
  dispose(): void;
}

/**
 * Assembles the chat middleware from small handlers, like RTK Query's own
 * `buildMiddleware`: runtime lookup, connect (socket lifecycle), inbound
 * (frames → state), outbound (the outbox), catch-up (history and gaps).
 */
export function createChatMiddleware(runtime: ChatRuntime): ChatMiddleware {
  const branded = brandRuntime(runtime);
  const listener = createListenerMiddleware();
  const startListening = listener.startListening as StartListening;

  const base: SocketBase = { runtime, store: null, connections: new Map(), cleanups: new Set() };
  const context: SocketContext = Object.assign(base, {
    outbox: createOutbox(base),
    sync: createSyncScheduler((conversationId) => syncConversation(base, conversationId)),
  });
  context.cleanups.add(() => context.outbox.dispose());

  // Answers runtime lookups (see resolveRuntime) and lends the store to the socket layer.
  const runtimeMiddleware: Middleware = (storeApi) => {
    context.store = storeApi as SocketContext['store'];
    return (next) => (action) => {
      if (runtimeRequested.match(action)) return branded;
      const result = next(action);
      for (const watcher of [...runtime.actionWatchers]) watcher(action);
      return result;
    };
  };

  addConnectListeners(startListening, context);

  const flush = ({ conversationId }: { conversationId: string }) =>
    context.outbox.flush(conversationId);
  listenForEvent(startListening, messageComposed, flush);
  listenForEvent(startListening, messageRetried, flush);
  // A refused send is no longer in flight: Retry may send it again at once.
  listenForEvent(startListening, messageSendFailed, ({ clientId }) =>
    context.outbox.settle(clientId),
  );
  // Confirmed messages no longer need their echo timers.
  listenForEvent(startListening, messagesReceived, () => context.outbox.settleConfirmed());
  startListening({
    // Any answered request proves the credentials work again.
    matcher: isAnyOf(
      chatApi.endpoints.getConversations.matchFulfilled,
      chatApi.endpoints.getMessages.matchFulfilled,
      chatApi.endpoints.sendMessage.matchFulfilled,
    ),
    effect: (_action, api) => {
      if (selectAuthExpired(api.getState())) api.dispatch(authRestored());
    },
  });

  const stopOnline = runtime.environment.subscribeOnline((online) => {
    if (!online) return;
    for (const conversationId of Object.keys(
      context.store?.getState().chat.messages.timelines ?? {},
    )) {
      context.outbox.flush(conversationId);
    }
  });
  context.cleanups.add(stopOnline);

  return {
    middleware: [runtimeMiddleware, listener.middleware, chatApi.middleware],
    store: () => context.store,
    dispose() {
      for (const cleanup of context.cleanups) cleanup();
      context.cleanups.clear();
      listener.clearListeners();
      // Also clears RTK Query's cache-removal timers, so nothing outlives dispose().
      context.store?.dispatch(chatApi.util.resetApiState());
    },
  };
}
