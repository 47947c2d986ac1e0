import type { UnknownAction } from '@reduxjs/toolkit';
import { chatApi } from '../../api/chatApi';
import type { Message } from '../../api/types';
import {
  conversationReceived,
  conversationRemoved,
  eventsBatched,
  messageSendFailed,
  messageSendRateLimited,
  messagesReceived,
  messagesRemoved,
  participantAdded,
  participantRemoved,
  presenceReceived,
  protocolErrorReported,
  readCursorMoved,
  serverErrorReceived,
  typingReported,
} from '../../state/events';
import { RAW_EXCERPT_LENGTH } from '../codec';
import type { ServerEvent } from '../codec';
import type { SocketBase, SocketContext } from '../context';
import { messageOfTimeline } from '../../state/timelineModel';

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
    case 'conversation:created':
    case 'conversation:updated':
      return event.payload.id;
    case 'error':
    case 'pong':
    case 'presence':
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
/** What mapping frames to events needs besides the frames. */
export interface InboundContext {
  currentUserId: number | null;
  /** Epoch ms now (typing indicators run out from it). */
  now: number;
  /** `created_ms` of a stored message, for read cursors. */
  createdMsOf(conversationId: string, messageId: string): number | null;
}

/** How long a typing indicator shows without a new `typing` frame. */
export const TYPING_SHOWN_MS = 6000;

export function eventsToActions(
  conversationId: string,
  events: readonly ServerEvent[],
  currentUserIdOrContext: number | null | InboundContext,
): UnknownAction[] {
  const inbound: InboundContext =
    typeof currentUserIdOrContext === 'object' && currentUserIdOrContext !== null
      ? currentUserIdOrContext
      : { currentUserId: currentUserIdOrContext, now: 0, createdMsOf: () => null };
  const currentUserId = inbound.currentUserId;
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
      case 'conversation:created':
      case 'conversation:updated':
        actions.push(
          conversationReceived(
            event.payload,
            event.type === 'conversation:created' ? 'created' : 'updated',
          ),
        );
        break;
      case 'read:updated': {
        const messageId = event.payload.last_read_message_id;
        actions.push(
          readCursorMoved({
            conversationId: event.payload.conversation_id,
            userId: event.payload.user_id,
            messageId,
            mine: event.payload.user_id === currentUserId,
            createdMs: messageId
              ? inbound.createdMsOf(event.payload.conversation_id, messageId)
              : null,
          }),
        );
        break;
      }
      case 'typing':
        if (event.payload.user_id !== currentUserId)
          actions.push(
            typingReported({
              conversationId: event.payload.conversation_id,
              userId: event.payload.user_id,
              until: inbound.now + TYPING_SHOWN_MS,
            }),
          );
        break;
      case 'presence':
        actions.push(
          presenceReceived([
            {
              userId: event.payload.user_id,
              online: event.payload.online,
              lastSeenAt: event.payload.last_seen_at ?? null,
            },
          ]),
        );
        break;
      case 'pong':
        break;
    }
  }
  endRun();
  return actions;
}

type ChatStore = NonNullable<SocketContext['store']>;

/**
 * Applies one conversation's frames in a single dispatch. A frame the store
 * cannot apply (say, from a host's own codec that checks less than the
 * default one) must not take the rest of its batch with it: the batch is then
 * applied frame by frame, and each frame that fails is reported.
 */
function applyGroup(
  store: ChatStore,
  conversationId: string,
  events: readonly ServerEvent[],
  inbound: InboundContext,
): void {
  try {
    dispatchAll(store, eventsToActions(conversationId, events, inbound));
  } catch {
    // A reducer that throws leaves the state as it was, so each frame can be tried alone.
    for (const event of events) {
      try {
        dispatchAll(store, eventsToActions(conversationId, [event], inbound));
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
}

function dispatchAll(store: ChatStore, actions: readonly UnknownAction[]): void {
  if (actions.length === 1) store.dispatch(actions[0] as UnknownAction);
  else if (actions.length > 1) store.dispatch(eventsBatched({ actions: [...actions] }));
}

/** Applies a batch of frames of one conversation (see {@link dispatchGroups}). */
export function dispatchEvents(
  context: SocketContext,
  conversationId: string,
  events: readonly ServerEvent[],
): void {
  dispatchGroups(context, [{ conversationId, events }]);
}

/** What mapping frames needs, read from the store and the runtime. */
export function inboundContext(context: SocketBase): InboundContext {
  return {
    currentUserId: context.runtime.getCurrentUserId(),
    now: context.runtime.environment.now(),
    createdMsOf: (conversationId, messageId) => {
      const timeline = context.store?.getState().chat.messages.conversations[conversationId];
      return timeline ? (messageOfTimeline(timeline, messageId)?.created_ms ?? null) : null;
    },
  };
}

/**
 * Applies the frames of one or several conversations (the user stream brings
 * all of them): one dispatch per conversation, so a burst is one state change
 * for each conversation it touches.
 */
export function dispatchGroups(
  context: SocketBase,
  groups: ReadonlyArray<{ conversationId: string; events: readonly ServerEvent[] }>,
): void {
  const store = context.store;
  if (!store) return;
  const inbound = inboundContext(context);
  for (const { conversationId, events } of groups)
    applyGroup(store, conversationId, events, inbound);

  // Membership changed: the cached conversation (participant list) is refetched.
  for (const { conversationId, events } of groups) {
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
}
