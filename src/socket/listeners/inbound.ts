import type { UnknownAction } from '@reduxjs/toolkit';
import { chatApi } from '../../api/chatApi';
import type { Message } from '../../api/types';
import {
  conversationRemoved,
  eventsBatched,
  messageSendFailed,
  messageSendRateLimited,
  messagesReceived,
  messagesRemoved,
  participantAdded,
  participantRemoved,
  protocolErrorReported,
  serverErrorReceived,
} from '../../state/events';
import { RAW_EXCERPT_LENGTH } from '../codec';
import type { ServerEvent } from '../codec';
import type { SocketContext } from '../context';

/**
 * The longest wait a `rate_limited` hint may ask for. A hint beyond what a
 * timer can hold (2^31 ms) would otherwise fire at once, again and again, or
 * hold the outbox forever.
 */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** A usable retry hint: a finite, non-negative number of ms, capped; anything else is none. */
function retryHint(hint: unknown): number | null {
  if (typeof hint !== 'number' || !Number.isFinite(hint) || hint < 0) return null;
  return Math.min(hint, MAX_RETRY_AFTER_MS);
}

/** The conversation a frame's payload names (an `error` frame names none). */
function namedConversation(event: ServerEvent): string | null {
  switch (event.type) {
    case 'conversation:deleted':
      return event.payload.id;
    case 'error':
    case 'pong':
      return null;
    default:
      return event.payload.conversation_id;
  }
}

/** The start of an event as JSON, for a report (never throws: a custom codec may hand over anything). */
function excerptOf(event: ServerEvent): string {
  try {
    return JSON.stringify(event).slice(0, RAW_EXCERPT_LENGTH);
  } catch {
    return `{"type":"${event.type}"}`;
  }
}

/**
 * Where a socket frame becomes state. A batch of decoded frames (everything
 * that arrived within one macrotask) becomes as few actions as possible —
 * runs of new messages collapse into one `messagesReceived`, the same action
 * REST answers use — and the whole batch is dispatched once.
 */
export function eventsToActions(
  conversationId: string,
  events: readonly ServerEvent[],
  currentUserId: number | null,
): UnknownAction[] {
  const actions: UnknownAction[] = [];
  type Run = { kind: 'new' | 'updated'; messages: Message[] };
  let run = null as Run | null;

  const endRun = () => {
    if (!run) return;
    actions.push(
      messagesReceived(conversationId, run.messages, {
        source: 'socket',
        ...(run.kind === 'updated' ? { updatesOnly: true } : {}),
      }),
    );
    run = null;
  };

  for (const event of events) {
    const named = namedConversation(event);
    if (named !== null && named !== conversationId) {
      // A socket carries its own conversation's frames only: any other is a protocol
      // error (acting on it would put messages in the wrong timeline, or remove a
      // conversation because another one's socket said so).
      endRun();
      actions.push(
        protocolErrorReported({
          conversationId,
          reason: `a "${event.type}" frame of another conversation was dropped`,
          raw: excerptOf(event),
        }),
      );
      continue;
    }
    if (event.type === 'message:new' || event.type === 'message:updated') {
      const kind = event.type === 'message:new' ? 'new' : 'updated';
      if (run?.kind !== kind) {
        endRun();
        run = { kind, messages: [] };
      }
      run.messages.push(event.payload);
      continue;
    }
    endRun();
    switch (event.type) {
      case 'message:deleted':
        actions.push(messagesRemoved({ conversationId, ids: [event.payload.id] }));
        break;
      case 'participant:added':
        actions.push(participantAdded({ conversationId, userId: event.payload.user_id }));
        break;
      case 'participant:removed':
        actions.push(participantRemoved({ conversationId, userId: event.payload.user_id }));
        if (event.payload.user_id === currentUserId)
          actions.push(conversationRemoved({ id: conversationId }));
        break;
      case 'conversation:deleted':
        actions.push(conversationRemoved({ id: event.payload.id }));
        break;
      case 'error': {
        const clientId = event.payload.client_id ?? null;
        actions.push(
          serverErrorReceived({
            conversationId,
            code: event.payload.code,
            detail: event.payload.detail,
            clientId,
          }),
        );
        if (clientId && event.payload.code === 'rate_limited') {
          actions.push(
            messageSendRateLimited({
              conversationId,
              clientId,
              retryAfterMs: retryHint(event.payload.retry_after_ms),
            }),
          );
        } else if (clientId)
          actions.push(
            messageSendFailed({
              conversationId,
              clientId,
              error: event.payload.detail,
              code: event.payload.code,
            }),
          );
        break;
      }
      case 'pong':
        break;
    }
  }
  endRun();
  return actions;
}

type ChatStore = NonNullable<SocketContext['store']>;

function dispatchAll(store: ChatStore, actions: readonly UnknownAction[]): void {
  if (actions.length === 1) store.dispatch(actions[0] as UnknownAction);
  else if (actions.length > 1) store.dispatch(eventsBatched({ actions: [...actions] }));
}

/**
 * Applies a batch of frames of one conversation to the store in a single
 * dispatch. A frame the store cannot apply (say, from a host's own codec that
 * checks less than the default one) must not take the rest of its batch with
 * it: the batch is then applied frame by frame, and each frame that fails is
 * reported as a protocol error.
 */
export function dispatchEvents(
  context: SocketContext,
  conversationId: string,
  events: readonly ServerEvent[],
): void {
  const store = context.store;
  if (!store) return;
  const userId = context.runtime.getCurrentUserId();
  try {
    dispatchAll(store, eventsToActions(conversationId, events, userId));
  } catch {
    // A reducer that throws leaves the state as it was, so each frame can be tried alone.
    for (const event of events) {
      try {
        dispatchAll(store, eventsToActions(conversationId, [event], userId));
      } catch (error) {
        store.dispatch(
          protocolErrorReported({
            conversationId,
            reason: `the store could not apply a "${event.type}" frame: ${
              error instanceof Error ? error.message : String(error)
            }`,
            raw: excerptOf(event),
          }),
        );
      }
    }
  }

  // Membership changed: the cached conversation (participant list) is refetched.
  if (
    events.some(
      (event) =>
        (event.type === 'participant:added' || event.type === 'participant:removed') &&
        event.payload.conversation_id === conversationId,
    )
  ) {
    store.dispatch(chatApi.util.invalidateTags([{ type: 'Conversation', id: conversationId }]));
  }
}
