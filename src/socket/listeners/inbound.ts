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
  serverErrorReceived,
} from '../../state/events';
import type { ServerEvent } from '../codec';
import type { SocketContext } from '../context';

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
  const store = context.store;
  if (!store) return;
  const actions = eventsToActions(conversationId, events, context.runtime.getCurrentUserId());
  if (actions.length === 1) store.dispatch(actions[0] as UnknownAction);
  else if (actions.length > 1) store.dispatch(eventsBatched({ actions }));

  // Membership changed: the cached conversation (participant list) is refetched.
  if (
    events.some(
      (event) => event.type === 'participant:added' || event.type === 'participant:removed',
    )
  ) {
    store.dispatch(chatApi.util.invalidateTags([{ type: 'Conversation', id: conversationId }]));
  }
}
