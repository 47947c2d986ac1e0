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
import { selectConnection } from '../../state/selectors';
import type { ChatRootState } from '../../state/selectors';
import { createWebSocketFactory } from '../adapters/webSocket';
import { defaultFrameCodec } from '../codec';
import { ConversationConnection } from '../connection';
import { isSharedSocketFactory, withTabSharing } from '../shared/chatSharing';
import type { SocketFactory } from '../transport';
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
        nextDelayMs: update.nextDelayMs,
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
 * The socket lifecycle: subscriptions are reference-counted in state; a
 * subscription to a conversation without a socket opens one, the last
 * unsubscribe closes it. What the socket's opening means for the messages
 * (a catch-up, or the first page) is the sync runner's business: it follows
 * the `connectionStatusChanged` events.
 */
export function addConnectListeners(
  startListening: StartListening,
  context: SocketContext,
): UnsubscribeListener {
  const { runtime } = context;
  const socketOptions = runtime.options.socket;
  let factory: SocketFactory | undefined;

  function open(conversationId: string) {
    const store = context.store;
    if (!store || context.connections.has(conversationId) || !socketOptions.enabled) return;
    factory ??= withTabSharing(
      runtime,
      socketOptions.factory ?? createWebSocketFactory(),
      socketOptions.shareAcrossTabs,
      (cleanup) => context.cleanups.add(cleanup),
    );
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
      // A token refreshed meanwhile (by a REST 401, say) is used as it is: no second refresh.
      refreshToken: (rejected) =>
        runtime.getAccessToken() !== rejected ? Promise.resolve(true) : runtime.refresher.refresh(),
      factory,
      codec: socketOptions.codec ?? defaultFrameCodec,
      environment: runtime.environment,
      maxAttempts: socketOptions.maxAttempts,
      baseDelayMs: socketOptions.baseDelayMs,
      maxDelayMs: socketOptions.maxDelayMs,
      slowRetryMs: socketOptions.slowRetryMs,
      connectTimeoutMs: socketOptions.connectTimeoutMs,
      heartbeat: socketOptions.heartbeat,
      onStatus(update) {
        if (context.connections.get(conversationId) !== connection) return;
        if (update.status === 'reconnecting' || update.status === 'failed')
          context.outbox.socketLost(conversationId);
        store.dispatch(statusAction(conversationId, update));
      },
      onOpen() {
        // The `open` status already told the sync and the outbox.
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
    connection.connect();
  }

  function close(conversationId: string, report = true) {
    const connection = context.connections.get(conversationId);
    if (!connection) return;
    context.connections.delete(conversationId);
    connection.close();
    context.outbox.socketLost(conversationId);
    if (report)
      context.store?.dispatch(connectionStatusChanged({ conversationId, status: 'closed' }));
  }

  function closeAll(report: boolean) {
    for (const conversationId of [...context.connections.keys()]) close(conversationId, report);
    // The session ended: a tab that shared sockets leaves (a leader hands over).
    if (isSharedSocketFactory(factory)) factory.releaseIdle();
  }

  context.cleanups.add(() => closeAll(false));
  context.closeAllSockets = closeAll;

  const unsubscribers = [
    startListening({
      actionCreator: conversationSubscribed,
      effect: ({ payload }, api) => {
        // Whatever closed the socket before (a disconnect, a failure), a new subscriber reopens it.
        if (selectConnection(api.getState(), payload.conversationId).subscribers > 0)
          open(payload.conversationId);
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
