import { chatApi } from '../../api/chatApi';
import { describeChatError, errorCodeOf, retryAfterOf } from '../../api/errors';
import type { ChatQueryError } from '../../api/errors';
import { messageSendAttempted, messageSendFailed, messagesReceived } from '../../state/events';
import type { ChatMessage } from '../../state/model';
import { reconnectDelay } from '../backoff';
import type { SocketBase } from '../context';
import { MAX_RETRY_AFTER_MS } from './inbound';

/**
 * How long a message sent over the socket may wait for its echo. An open
 * socket that echoes nothing for this long is taken for dead (half-open):
 * it is reconnected, and the message goes again after the catch-up.
 */
export const ECHO_TIMEOUT_MS = 10_000;

/** Backoff of sends after a network error, a 5xx or a rate limit: 1 s doubling to 30 s. */
const SEND_BACKOFF = { baseDelayMs: 1000, maxDelayMs: 30_000 };

interface InFlight {
  conversationId: string;
  via: 'socket' | 'rest';
  timer?: unknown;
}

/** A refusal marks a message failed; anything else (network, 5xx, 401, 408, 429) leaves it pending. */
function isRefusal(error: ChatQueryError): boolean {
  return (
    typeof error.status === 'number' &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 401 &&
    error.status !== 408 &&
    error.status !== 429
  );
}

/**
 * The outbox: pending messages go out one at a time per conversation, in
 * compose order — over the socket when it is open, otherwise over REST — and
 * the next one only once the previous is confirmed, so order holds whatever
 * fails in between. Only a refusal (a 4xx, or an `error` frame naming the
 * message) marks a message `failed`; network errors, 5xx and rate limits
 * leave it pending and retry with backoff (and at once when the network or
 * the socket comes back). A message that may already be on the server (its
 * answer was lost) goes again only with its `client_id` to a server that
 * deduplicates, or after a catch-up showed it did not land.
 */
export function createOutbox(context: SocketBase) {
  const { environment } = context.runtime;
  const inFlight = new Map<string, InFlight>();
  const backoff = new Map<string, { timer: unknown }>();
  const backoffAttempts = new Map<string, number>();
  /** Sent, answer lost: may be on the server. */
  const unsure = new Set<string>();
  let stopped = false;

  const generation = () => context.store?.getState().chat.session.generation ?? 0;

  function timelineOf(conversationId: string) {
    return context.store?.getState().chat.messages.conversations[conversationId];
  }

  function messageOf(conversationId: string, clientId: string): ChatMessage | undefined {
    return timelineOf(conversationId)?.pending.entities[clientId];
  }

  function isStillPending(conversationId: string, clientId: string): boolean {
    return messageOf(conversationId, clientId)?.status === 'pending';
  }

  /** The first pending message of a conversation: the only one that may go out now. */
  function head(conversationId: string): ChatMessage | undefined {
    const timeline = timelineOf(conversationId);
    if (!timeline) return undefined;
    for (const id of timeline.pending.ids) {
      const message = timeline.pending.entities[id];
      if (message?.status === 'pending') return message;
    }
    return undefined;
  }

  function settle(clientId: string): void {
    const entry = inFlight.get(clientId);
    if (entry?.timer !== undefined) environment.clearTimeout(entry.timer);
    inFlight.delete(clientId);
  }

  function busy(conversationId: string): boolean {
    for (const entry of inFlight.values()) if (entry.conversationId === conversationId) return true;
    return false;
  }

  function waitAndRetry(conversationId: string, hintMs: number | null): void {
    if (backoff.has(conversationId)) return;
    const attempt = (backoffAttempts.get(conversationId) ?? 0) + 1;
    backoffAttempts.set(conversationId, attempt);
    const delay = hintMs ?? reconnectDelay(attempt, SEND_BACKOFF, () => environment.random());
    const timer = environment.setTimeout(() => {
      backoff.delete(conversationId);
      flush(conversationId);
    }, delay);
    backoff.set(conversationId, { timer });
  }

  function markUnsure(message: ChatMessage): void {
    if (context.flags.serverDedupes) return;
    unsure.add(message.id);
    context.requestSyncCheck(message.conversation_id);
  }

  function sendOverSocket(message: ChatMessage): boolean {
    const connection = context.socketFor(message.conversation_id);
    if (!connection?.isOpen) return false;
    const sent = connection.send({
      type: 'message:send',
      payload: { text: message.text ?? '', reply_to: message.reply_to, client_id: message.id },
    });
    if (!sent) return false;
    const { conversation_id: conversationId, id } = message;
    const timer = environment.setTimeout(() => {
      inFlight.delete(id);
      if (!isStillPending(conversationId, id)) return;
      markUnsure(message);
      // No echo from an open socket: it is most likely half-open.
      context.socketFor(conversationId)?.restart('no echo of a sent message');
      flush(conversationId);
    }, ECHO_TIMEOUT_MS);
    inFlight.set(id, { conversationId, via: 'socket', timer });
    context.store?.dispatch(messageSendAttempted({ conversationId, clientId: id, via: 'socket' }));
    return true;
  }

  async function sendOverRest(message: ChatMessage): Promise<void> {
    const store = context.store;
    if (!store) return;
    const { conversation_id: conversationId, id } = message;
    const started = generation();
    inFlight.set(id, { conversationId, via: 'rest' });
    store.dispatch(messageSendAttempted({ conversationId, clientId: id, via: 'rest' }));
    const result = await store.dispatch(
      chatApi.endpoints.sendMessage.initiate({
        conversation_id: conversationId,
        sender_id: message.sender_id,
        text: message.text ?? '',
        reply_to: message.reply_to,
        client_id: id,
      }),
    );
    settle(id);
    if (stopped || generation() !== started) return;
    if ('error' in result && result.error) {
      const error = result.error as ChatQueryError;
      if (isRefusal(error)) {
        if (isStillPending(conversationId, id)) {
          store.dispatch(
            messageSendFailed({
              conversationId,
              clientId: id,
              error: describeChatError(error),
              code: errorCodeOf(error),
            }),
          );
        }
      } else if (error.status === 401) {
        // The token could not be refreshed: the message waits for `authRestored`.
      } else {
        // Network, timeout, 5xx: the request may have landed without an answer.
        if (error.status !== 429) markUnsure(message);
        waitAndRetry(conversationId, retryAfterOf(error, MAX_RETRY_AFTER_MS));
      }
    } else if ('data' in result && result.data) {
      backoffAttempts.delete(conversationId);
      // Confirm it here too (the endpoint does as well, a tick later): the next message
      // must not see this one still pending and send it twice.
      if (isStillPending(conversationId, id)) {
        store.dispatch(
          messagesReceived(conversationId, [result.data], { source: 'send', confirms: id }),
        );
      }
    }
    flush(conversationId);
  }

  function flush(conversationId: string): void {
    if (stopped || !context.store || backoff.has(conversationId) || busy(conversationId)) return;
    if (context.store.getState().chat.session.authExpired) return;
    const next = head(conversationId);
    if (!next) {
      backoffAttempts.delete(conversationId);
      return;
    }
    // It may be on the server already: wait for the catch-up that tells (see requestSyncCheck).
    if (unsure.has(next.id)) return;
    if (sendOverSocket(next)) return;
    if (!environment.isOnline()) return;
    void sendOverRest(next);
  }

  function flushAll(): void {
    const store = context.store;
    if (stopped || !store) return;
    // After every chat action, over every conversation: no entries array built for it.
    const { conversations } = store.getState().chat.messages;
    for (const conversationId in conversations) {
      if (conversations[conversationId]?.pending.ids.length) flush(conversationId);
    }
  }

  /** The socket closed: what it carried without an echo may or may not have landed. */
  function socketLost(conversationId: string): void {
    for (const [clientId, entry] of [...inFlight]) {
      if (entry.via !== 'socket' || entry.conversationId !== conversationId) continue;
      settle(clientId);
      const message = messageOf(conversationId, clientId);
      if (message?.status === 'pending') markUnsure(message);
    }
  }

  /** A catch-up ran after the sends it was asked for: what is still pending did not land. */
  function syncChecked(conversationId: string): void {
    for (const clientId of [...unsure]) {
      const message = messageOf(conversationId, clientId);
      if (!message || message.status !== 'pending') unsure.delete(clientId);
      else if (message.conversation_id === conversationId) unsure.delete(clientId);
    }
    flush(conversationId);
  }

  /** The server sent `rate_limited` for a message: it goes again, in order, after the hint. */
  function rateLimited(conversationId: string, clientId: string, retryAfter: number | null): void {
    settle(clientId);
    waitAndRetry(conversationId, retryAfter);
  }

  /** Forgets what the server has confirmed (their echo timers are no longer needed), then sends the next. */
  function settleConfirmed(): void {
    for (const [clientId, entry] of [...inFlight]) {
      if (!isStillPending(entry.conversationId, clientId)) settle(clientId);
    }
    for (const clientId of [...unsure]) {
      const store = context.store;
      const found = store
        ? Object.values(store.getState().chat.messages.conversations).some(
            (timeline) => timeline.pending.entities[clientId]?.status === 'pending',
          )
        : false;
      if (!found) unsure.delete(clientId);
    }
  }

  /** Stops every send and timer (the session or the instance ended). */
  function reset(): void {
    for (const clientId of [...inFlight.keys()]) settle(clientId);
    for (const { timer } of backoff.values()) environment.clearTimeout(timer);
    backoff.clear();
    backoffAttempts.clear();
    unsure.clear();
  }

  function dispose(): void {
    reset();
    stopped = true;
  }

  return {
    flush,
    flushAll,
    socketLost,
    syncChecked,
    rateLimited,
    settle,
    settleConfirmed,
    reset,
    dispose,
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
