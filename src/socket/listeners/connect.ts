import type { TypedStartListening, UnsubscribeListener } from '@reduxjs/toolkit';
import {
  connectionStatusChanged,
  conversationRemoved,
  conversationSubscribed,
  conversationUnsubscribed,
  disconnectRequested,
  protocolErrorReported,
  reconnectRequested,
} from '../../state/events';
import { selectConnection, selectTimeline } from '../../state/selectors';
import type { ChatRootState } from '../../state/selectors';
import { createWebSocketFactory } from '../adapters/webSocket';
import { defaultFrameCodec } from '../codec';
import { ConversationConnection } from '../connection';
import type { ConnectionUpdate } from '../connection';
import type { ChatDispatch, SocketContext } from '../context';
import { conversationSocketUrl } from '../url';
import { listenForEvent } from './events';
import { dispatchEvents } from './inbound';

type StartListening = TypedStartListening<ChatRootState, ChatDispatch>;

function statusAction(conversationId: string, update: ConnectionUpdate) {
  switch (update.status) {
    case 'reconnecting':
      return connectionStatusChanged({
        conversationId,
        status: 'reconnecting',
        attempt: update.attempt,
        nextDelayMs: update.nextDelayMs,
        code: update.code,
        error: update.reason || null,
      });
    case 'failed':
      return connectionStatusChanged({
        conversationId,
        status: 'failed',
        code: update.code,
        error: update.reason,
        retryable: update.retryable,
      });
    case 'connecting':
      return connectionStatusChanged({
        conversationId,
        status: 'connecting',
        attempt: update.attempt,
      });
    default:
      return connectionStatusChanged({ conversationId, status: update.status });
  }
}

/**
 * The socket lifecycle: subscriptions are reference-counted in state; the
 * first opens the conversation's socket, the last closes it. History loads
 * after the socket opens (or fails, or after `historyDelayMs`), so nothing
 * can fall between the history answer and the first live frame; every later
 * open catches up.
 */
export function addConnectListeners(
  startListening: StartListening,
  context: SocketContext,
): UnsubscribeListener {
  const { runtime } = context;
  const socketOptions = runtime.options.socket;
  let factory = socketOptions.factory;
  const historyTimers = new Map<string, unknown>();

  function cancelHistoryTimer(conversationId: string) {
    const timer = historyTimers.get(conversationId);
    if (timer === undefined) return;
    runtime.environment.clearTimeout(timer);
    historyTimers.delete(conversationId);
  }

  function loadHistorySoon(conversationId: string) {
    cancelHistoryTimer(conversationId);
    void context.sync(conversationId);
  }

  function open(conversationId: string) {
    const store = context.store;
    if (!store || context.connections.has(conversationId)) return;
    if (!socketOptions.enabled) {
      void context.sync(conversationId);
      return;
    }
    factory ??= createWebSocketFactory();
    const connection = new ConversationConnection({
      conversationId,
      url: (token) =>
        conversationSocketUrl(
          runtime.options.baseUrl,
          conversationId,
          token,
          runtime.options.apiPrefix,
        ),
      getToken: () => runtime.getAccessToken(),
      refreshToken: () => runtime.refresher.refresh(),
      factory,
      codec: socketOptions.codec ?? defaultFrameCodec,
      environment: runtime.environment,
      maxAttempts: socketOptions.maxAttempts,
      baseDelayMs: socketOptions.baseDelayMs,
      maxDelayMs: socketOptions.maxDelayMs,
      heartbeat: socketOptions.heartbeat,
      onStatus(update) {
        if (context.connections.get(conversationId) !== connection) return;
        store.dispatch(statusAction(conversationId, update));
        if (update.status === 'reconnecting' || update.status === 'failed') {
          context.outbox.socketLost(conversationId);
          // The first connect failed: history must not wait for it.
          if (historyTimers.has(conversationId)) loadHistorySoon(conversationId);
          context.outbox.flush(conversationId);
        }
      },
      onOpen() {
        if (context.connections.get(conversationId) !== connection) return;
        cancelHistoryTimer(conversationId);
        void context.sync(conversationId).then(() => context.outbox.flush(conversationId));
      },
      onEvents(events) {
        if (context.connections.get(conversationId) !== connection) return;
        dispatchEvents(context, conversationId, events);
      },
      onProtocolError({ reason, raw }) {
        store.dispatch(protocolErrorReported({ conversationId, reason, raw }));
      },
    });
    context.connections.set(conversationId, connection);
    if (!selectTimeline(store.getState(), conversationId)?.historyLoaded) {
      historyTimers.set(
        conversationId,
        runtime.environment.setTimeout(
          () => loadHistorySoon(conversationId),
          socketOptions.historyDelayMs,
        ),
      );
    }
    connection.connect();
  }

  function close(conversationId: string, report = true) {
    cancelHistoryTimer(conversationId);
    const connection = context.connections.get(conversationId);
    if (!connection) return;
    context.connections.delete(conversationId);
    connection.close();
    context.outbox.socketLost(conversationId);
    if (report)
      context.store?.dispatch(connectionStatusChanged({ conversationId, status: 'closed' }));
  }

  context.cleanups.add(() => {
    for (const conversationId of [...context.connections.keys()]) close(conversationId, false);
    for (const conversationId of [...historyTimers.keys()]) cancelHistoryTimer(conversationId);
  });

  const unsubscribers = [
    startListening({
      actionCreator: conversationSubscribed,
      effect: ({ payload }, api) => {
        if (selectConnection(api.getState(), payload.conversationId).subscribers === 1) {
          open(payload.conversationId);
        }
      },
    }),
    startListening({
      actionCreator: conversationUnsubscribed,
      effect: ({ payload }, api) => {
        if (selectConnection(api.getState(), payload.conversationId).subscribers === 0) {
          close(payload.conversationId);
        }
      },
    }),
    startListening({
      actionCreator: reconnectRequested,
      effect: ({ payload }, api) => {
        const connection = context.connections.get(payload.conversationId);
        if (connection) connection.reconnectNow();
        else if (selectConnection(api.getState(), payload.conversationId).subscribers > 0)
          open(payload.conversationId);
      },
    }),
    startListening({
      actionCreator: disconnectRequested,
      effect: ({ payload }) => close(payload.conversationId),
    }),
    // The conversation's state is gone already; nothing to report about it.
    listenForEvent(startListening, conversationRemoved, ({ id }) => close(id, false)),
  ];
  return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
}
