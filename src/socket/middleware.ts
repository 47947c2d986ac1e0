import { createListenerMiddleware, isAnyOf } from '@reduxjs/toolkit';
import type { Middleware, TypedStartListening, UnknownAction } from '@reduxjs/toolkit';
import { chatApi } from '../api/chatApi';
import { brandRuntime, runtimeRequested } from '../api/runtime';
import type { ChatRuntime } from '../api/runtime';
import {
  authRestored,
  conversationSubscribed,
  draftChanged,
  messageComposed,
  messageSendFailed,
  messageSendRateLimited,
  messagesReceived,
  sessionEnded,
  sessionStarted,
  workspaceSubscribed,
} from '../state/events';
import type { SessionEndReason } from '../state/events';
import { selectAuthExpired } from '../state/selectors';
import type { ChatRootState } from '../state/selectors';
import type { ChatDispatch, ChatStoreAccess, SocketBase, SocketContext } from './context';
import { addConnectListeners } from './listeners/connect';
import { listenForEvent, unbatchChatActions } from './listeners/events';
import { createOutbox } from './listeners/outbound';
import { createMemoryKeeper } from './listeners/memory';
import type { ChatMemoryOptions } from './listeners/memory';
import { createKeepLive } from './listeners/keepLive';
import { createWorkspace } from './listeners/workspace';
import type { ChatPersistence } from '../persistence';
import type { Persistence } from './listeners/persistence';
import { createSyncRunner } from './listeners/sync';

type StartListening = TypedStartListening<ChatRootState, ChatDispatch>;

/** The middleware of one chat instance, and how to end its sessions and tear it down. */
export interface ChatMiddleware {
  middleware: [Middleware, Middleware, Middleware];
  /** The store the middleware was applied to, once it has been. */
  store(): ChatStoreAccess | null;
  /** Ends the current user's session (see `Chat.endSession`). */
  endSession(reason?: SessionEndReason): void;
  dispose(): void;
}

/** Settings of the middleware beyond the runtime. */
export interface ChatMiddlewareSettings {
  persistence?: ChatPersistence | false;
  memory?: ChatMemoryOptions;
}

/** Without `persistToStorage()`: nothing survives a reload, and nothing is bundled for it. */
const noPersistence: Persistence = {
  restore: () => undefined,
  afterAction: () => undefined,
  end: () => undefined,
  dispose: () => undefined,
  enabled: false,
};

/** Actions before which the middleware checks who is logged in (a new user starts a new session). */
const SESSION_CHECKPOINTS = new Set<string>([
  conversationSubscribed.type,
  workspaceSubscribed.type,
  messageComposed.type,
  draftChanged.type,
]);

const isChatAction = (type: string) => type.startsWith('chat/') || type.startsWith('chatApi/');

/**
 * Assembles the chat middleware from small handlers, like RTK Query's own
 * `buildMiddleware`: runtime lookup and the session boundary (here), connect
 * (socket lifecycle), inbound (frames → state), sync (history, catch-up and
 * retries), outbound (the outbox) and persistence (the durable outbox).
 */
export function createChatMiddleware(
  runtime: ChatRuntime,
  settings: ChatMiddlewareSettings = {},
): ChatMiddleware {
  const branded = brandRuntime(runtime);
  const listener = createListenerMiddleware();
  const startListening = listener.startListening as StartListening;

  const base: SocketBase = {
    runtime,
    store: null,
    connections: new Map(),
    socketFor: (conversationId) => base.connections.get(conversationId),
    cleanups: new Set(),
    flags: { serverDedupes: false, extensions: null },
    workspaceSubscribers: 0,
    requestSyncCheck: (conversationId) => context.sync.requestCheck(conversationId),
    onSyncChecked: (conversationId) => context.outbox.syncChecked(conversationId),
  };
  const context: SocketContext = Object.assign(base, {
    outbox: createOutbox(base),
    sync: createSyncRunner(base),
    persistence: settings.persistence ? settings.persistence.create(base) : noPersistence,
    closeAllSockets: () => undefined,
    reconnectFailedSockets: () => undefined,
  });
  const memory = createMemoryKeeper(base, settings.memory);
  const workspace = createWorkspace(base);
  const keepLive = createKeepLive(base);
  context.cleanups.add(() => context.outbox.dispose());
  context.cleanups.add(() => context.persistence.dispose());
  context.cleanups.add(() => context.sync.dispose());

  let ending = false;
  let disposed = false;
  let checkedOnce = false;

  function endSession(reason: SessionEndReason = 'logout'): void {
    const store = context.store;
    if (!store || ending) return;
    ending = true;
    try {
      context.sync.reset();
      context.outbox.reset();
      memory.reset();
      workspace.reset();
      keepLive.reset();
      context.closeAllSockets(false);
      // An aborted request's answer is dropped by createAsyncThunk, whenever it comes.
      for (const request of store.dispatch(chatApi.util.getRunningQueriesThunk())) request.abort();
      for (const request of store.dispatch(chatApi.util.getRunningMutationsThunk()))
        request.abort();
      context.persistence.end(reason !== 'disposed');
      store.dispatch(sessionEnded({ reason }));
      store.dispatch(chatApi.util.resetApiState());
    } finally {
      ending = false;
    }
  }

  /** A session belongs to one user: when someone else is logged in now, the old session ends. */
  function checkSession(): void {
    const store = context.store;
    if (!store || ending || disposed) return;
    const userId = runtime.getCurrentUserId();
    const known = store.getState().chat.session.userId;
    if (userId === null || userId === known) return;
    if (known !== null) endSession('userChanged');
    store.dispatch(sessionStarted({ userId }));
    context.persistence.restore(userId);
    void workspace.probe();
  }

  function afterAction(action: UnknownAction): void {
    if (ending || disposed || !isChatAction(action.type)) return;
    for (const inner of unbatchChatActions(action)) {
      if (messagesReceived.match(inner)) {
        // A server that echoes client_id deduplicates sends repeated with it ([ext]).
        // A loop over the ids, not Object.values: this runs on every burst until an echo is seen.
        if (!context.flags.serverDedupes) {
          const { ids, entities } = inner.payload;
          for (const id of ids) {
            if (typeof entities[id]?.client_id !== 'string') continue;
            context.flags.serverDedupes = true;
            break;
          }
        }
        context.outbox.settleConfirmed();
      }
    }
    memory.afterAction(action);
    workspace.afterAction(action);
    keepLive.afterAction(action);
    context.sync.reconcileAll();
    context.outbox.flushAll();
    context.persistence.afterAction();
  }

  // Answers runtime lookups (see resolveRuntime), keeps the session boundary and
  // lends the store to the socket layer.
  const runtimeMiddleware: Middleware = (storeApi) => {
    context.store = storeApi as SocketContext['store'];
    return (next) => (action) => {
      if (runtimeRequested.match(action)) return branded;
      const type = (action as UnknownAction).type;
      if (typeof type === 'string' && !disposed) {
        if (
          SESSION_CHECKPOINTS.has(type) ||
          (type.startsWith('chatApi/') && type.endsWith('/pending'))
        )
          checkSession();
        else if (!checkedOnce) {
          checkedOnce = true;
          // The first action after the store exists: restore what the last page load left unsent.
          queueMicrotask(checkSession);
        }
      }
      if (typeof type === 'string' && !disposed) keepLive.beforeAction(action as UnknownAction);
      const result = next(action);
      for (const watcher of [...runtime.actionWatchers]) watcher(action);
      if (typeof type === 'string') afterAction(action as UnknownAction);
      return result;
    };
  };

  addConnectListeners(startListening, context);

  listenForEvent(startListening, messageSendFailed, ({ clientId }) =>
    context.outbox.settle(clientId),
  );
  listenForEvent(
    startListening,
    messageSendRateLimited,
    ({ conversationId, clientId, retryAfterMs }) =>
      context.outbox.rateLimited(conversationId, clientId, retryAfterMs),
  );
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
  startListening({
    actionCreator: authRestored,
    effect: () => {
      // What waited for valid credentials goes on: loads, sends, refused sockets.
      context.sync.retryFailed();
      context.reconnectFailedSockets();
      context.outbox.flushAll();
    },
  });

  const { environment } = runtime;
  const stopOnline = environment.subscribeOnline((online) => {
    if (!online || disposed) return;
    context.sync.retryFailed();
    context.outbox.flushAll();
  });
  const stopVisibility = environment.subscribeVisibility((visible) => {
    if (visible && !disposed) context.sync.retryFailed();
  });
  context.cleanups.add(stopOnline);
  context.cleanups.add(stopVisibility);

  return {
    middleware: [runtimeMiddleware, listener.middleware, chatApi.middleware],
    store: () => context.store,
    endSession,
    dispose() {
      if (disposed) return;
      endSession('disposed');
      disposed = true;
      for (const cleanup of context.cleanups) cleanup();
      context.cleanups.clear();
      listener.clearListeners();
      // Also clears RTK Query's cache-removal timers, so nothing outlives dispose().
      context.store?.dispatch(chatApi.util.resetApiState());
    },
  };
}
