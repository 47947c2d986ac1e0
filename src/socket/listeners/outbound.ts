import { chatApi } from '../../api/chatApi';
import { describeChatError, errorCodeOf, isTransientError } from '../../api/errors';
import type { ChatQueryError } from '../../api/errors';
import { messageSendFailed } from '../../state/events';
import type { ChatMessage } from '../../state/model';
import { selectConnection, selectTimeline } from '../../state/selectors';
import type { SocketBase } from '../context';

/**
 * How long a message sent over the socket may wait for its echo before it is
 * sent again over REST. The same `client_id` goes with it, so a server that
 * did store it answers with the stored copy instead of a duplicate.
 */
export const ECHO_TIMEOUT_MS = 10_000;

interface InFlight {
  via: 'socket' | 'rest';
  timer?: unknown;
}

/**
 * The outbox: pending messages go out in compose order — over the socket
 * when it is open, otherwise over REST one at a time — and wait (still
 * `pending`) while the browser is offline or the server is unreachable.
 */
export function createOutbox(context: SocketBase) {
  const inFlight = new Map<string, InFlight>();
  /** Conversations with a REST send under way: later messages wait behind it, keeping the order. */
  const restBusy = new Set<string>();
  /** Messages whose socket echo timed out: they go over REST next. */
  const forceRest = new Set<string>();

  function waiting(conversationId: string): ChatMessage[] {
    const store = context.store;
    if (!store) return [];
    const state = store.getState();
    const timeline = selectTimeline(state, conversationId);
    if (!timeline) return [];
    return timeline.pendingIds
      .map((id) => state.chat.messages.entities[id])
      .filter(
        (message): message is ChatMessage =>
          message?.status === 'pending' && !inFlight.has(message.id),
      );
  }

  function settle(clientId: string): void {
    const entry = inFlight.get(clientId);
    if (entry?.timer !== undefined) context.runtime.environment.clearTimeout(entry.timer);
    inFlight.delete(clientId);
  }

  function sendOverSocket(message: ChatMessage): boolean {
    const connection = context.connections.get(message.conversation_id);
    if (!connection?.isOpen || forceRest.has(message.id)) return false;
    const sent = connection.send({
      type: 'message:send',
      payload: { text: message.text ?? '', reply_to: message.reply_to, client_id: message.id },
    });
    if (!sent) return false;
    const { environment } = context.runtime;
    const timer = environment.setTimeout(() => {
      inFlight.delete(message.id);
      if (!isStillPending(message.id)) return;
      forceRest.add(message.id);
      flush(message.conversation_id);
    }, ECHO_TIMEOUT_MS);
    inFlight.set(message.id, { via: 'socket', timer });
    return true;
  }

  function isStillPending(clientId: string): boolean {
    const message = context.store?.getState().chat.messages.entities[clientId];
    return message !== undefined && message.status === 'pending';
  }

  /** Whether a REST failure should leave the message pending for a later try. */
  function worthWaiting(conversationId: string, error: ChatQueryError): boolean {
    const store = context.store;
    if (!store || !isTransientError(error)) return false;
    if (!context.runtime.environment.isOnline()) return true;
    // While the socket is still trying, the server may come back: wait for it.
    const { status } = selectConnection(store.getState(), conversationId);
    return status === 'connecting' || status === 'reconnecting';
  }

  async function sendOverRest(conversationId: string): Promise<void> {
    const store = context.store;
    if (!store) return;
    restBusy.add(conversationId);
    try {
      for (;;) {
        const next = waiting(conversationId)[0];
        if (!next) return;
        // The socket is back: the rest of the queue goes over it (see finally).
        if (context.connections.get(conversationId)?.isOpen && !forceRest.has(next.id)) return;
        inFlight.set(next.id, { via: 'rest' });
        const result = await store.dispatch(
          chatApi.endpoints.sendMessage.initiate({
            conversation_id: conversationId,
            sender_id: next.sender_id,
            text: next.text ?? '',
            reply_to: next.reply_to,
            client_id: next.id,
          }),
        );
        settle(next.id);
        forceRest.delete(next.id);
        if ('error' in result && result.error) {
          const error = result.error as ChatQueryError;
          if (worthWaiting(conversationId, error)) return;
          if (isStillPending(next.id)) {
            store.dispatch(
              messageSendFailed({
                conversationId,
                clientId: next.id,
                error: describeChatError(error),
                code: errorCodeOf(error),
              }),
            );
          }
        }
      }
    } finally {
      restBusy.delete(conversationId);
      if (context.connections.get(conversationId)?.isOpen) flush(conversationId);
    }
  }

  function flush(conversationId: string): void {
    if (!context.store || restBusy.has(conversationId)) return;
    const queue = waiting(conversationId);
    if (queue.length === 0) return;
    const connection = context.connections.get(conversationId);
    if (connection?.isOpen) {
      const rest = queue.filter((message) => !sendOverSocket(message));
      if (rest.length === 0) return;
    }
    if (!context.runtime.environment.isOnline()) return;
    void sendOverRest(conversationId);
  }

  /** The socket closed: what it carried without an echo must be sent again. */
  function socketLost(conversationId: string): void {
    for (const [clientId, entry] of inFlight) {
      const message = context.store?.getState().chat.messages.entities[clientId];
      if (entry.via === 'socket' && message?.conversation_id === conversationId) settle(clientId);
    }
  }

  /** Forgets messages the server has confirmed (their echo timers are no longer needed). */
  function settleConfirmed(): void {
    for (const clientId of [...inFlight.keys()]) {
      if (!isStillPending(clientId)) settle(clientId);
    }
  }

  function dispose(): void {
    for (const clientId of [...inFlight.keys()]) settle(clientId);
  }

  return { flush, socketLost, settle, settleConfirmed, dispose };
}

export type Outbox = ReturnType<typeof createOutbox>;
