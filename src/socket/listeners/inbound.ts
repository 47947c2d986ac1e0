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
  readCursorMoved,
  serverErrorReceived,
  typingReported,
} from '../../state/events';
import type { ServerEvent } from '../codec';
import type { SocketBase, SocketContext } from '../context';
import { messageOfTimeline } from '../../state/timelineModel';

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
    if (event.type === 'message:new' || event.type === 'message:updated') {
      // Frames of another conversation on this socket would break the timeline: skip them.
      if (event.payload.conversation_id !== conversationId) continue;
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
          const hint = event.payload.retry_after_ms;
          actions.push(
            messageSendRateLimited({
              conversationId,
              clientId,
              retryAfterMs: typeof hint === 'number' && Number.isFinite(hint) ? hint : null,
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

/** Applies a batch of frames of one conversation to the store in a single dispatch. */
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
 * all of them) in a single dispatch, so a burst is one state change.
 */
export function dispatchGroups(
  context: SocketBase,
  groups: ReadonlyArray<{ conversationId: string; events: readonly ServerEvent[] }>,
): void {
  const store = context.store;
  if (!store) return;
  const inbound = inboundContext(context);
  const actions = groups.flatMap(({ conversationId, events }) =>
    eventsToActions(conversationId, events, inbound),
  );
  if (actions.length === 1) store.dispatch(actions[0] as UnknownAction);
  else if (actions.length > 1) store.dispatch(eventsBatched({ actions }));

  // Membership changed: the cached conversation (participant list) is refetched.
  for (const { conversationId, events } of groups) {
    if (
      events.some(
        (event) => event.type === 'participant:added' || event.type === 'participant:removed',
      )
    ) {
      store.dispatch(chatApi.util.invalidateTags([{ type: 'Conversation', id: conversationId }]));
    }
  }
}
