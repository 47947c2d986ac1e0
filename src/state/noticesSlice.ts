import { createReducer, isAnyOf } from '@reduxjs/toolkit';
import { chatApi } from '../api/chatApi';
import { describeChatError } from '../api/errors';
import {
  authExpired,
  connectionStatusChanged,
  historyLoadFailed,
  messageDeleteFailed,
  messageEditFailed,
  messageSendFailed,
  noticeDismissed,
  serverErrorReceived,
  syncFailed,
} from './events';

/** What went wrong, for the UI to word in its own language. */
export type NoticeCode =
  | 'send_failed'
  | 'edit_failed'
  | 'delete_failed'
  | 'history_failed'
  | 'catch_up_failed'
  | 'connection_failed'
  | 'server_error'
  | 'auth_expired'
  | 'request_failed';

/**
 * Something the person should be told (a toast): failures, rollbacks, a lost
 * connection. The UI shows it and dispatches `noticeDismissed`.
 */
export interface ChatNotice {
  id: number;
  code: NoticeCode;
  /** The server's or the network's own words. */
  detail: string;
  conversationId: string | null;
}

/** The `chat.notices` state. */
export interface NoticesState {
  items: ChatNotice[];
  nextId: number;
}

/** Old notices nobody dismissed are dropped past this many. */
const MAX_NOTICES = 20;

function raise(
  state: NoticesState,
  code: NoticeCode,
  detail: string,
  conversationId: string | null = null,
) {
  state.items.push({ id: state.nextId, code, detail, conversationId });
  state.nextId += 1;
  if (state.items.length > MAX_NOTICES) state.items.splice(0, state.items.length - MAX_NOTICES);
}

const conversationMutationRejected = isAnyOf(
  chatApi.endpoints.createConversation.matchRejected,
  chatApi.endpoints.deleteConversation.matchRejected,
  chatApi.endpoints.addParticipant.matchRejected,
  chatApi.endpoints.removeParticipant.matchRejected,
);

/** The `chat.notices` reducer: turns failure events into notices. */
export const noticesReducer = createReducer<NoticesState>({ items: [], nextId: 1 }, (builder) => {
  builder
    .addCase(messageSendFailed, (state, { payload }) =>
      raise(state, 'send_failed', payload.error, payload.conversationId),
    )
    .addCase(messageEditFailed, (state, { payload }) =>
      raise(state, 'edit_failed', payload.error, payload.previous.conversation_id),
    )
    .addCase(messageDeleteFailed, (state, { payload }) =>
      raise(state, 'delete_failed', payload.error, payload.message.conversation_id),
    )
    .addCase(historyLoadFailed, (state, { payload }) =>
      raise(state, 'history_failed', payload.error, payload.conversationId),
    )
    .addCase(syncFailed, (state, { payload }) => {
      if (!payload.notify) return;
      const code = payload.stage === 'history' ? 'history_failed' : 'catch_up_failed';
      raise(state, code, payload.error, payload.conversationId);
    })
    .addCase(connectionStatusChanged, (state, { payload }) => {
      if (payload.status === 'failed') {
        raise(state, 'connection_failed', payload.error ?? '', payload.conversationId);
      }
    })
    .addCase(serverErrorReceived, (state, { payload }) => {
      // An error about one of our sends is reported through that message instead
      // (a rate limit only delays it).
      if (!payload.clientId && payload.code !== 'rate_limited')
        raise(state, 'server_error', payload.detail, payload.conversationId);
    })
    .addCase(authExpired, (state) => raise(state, 'auth_expired', ''))
    .addCase(noticeDismissed, (state, { payload }) => {
      state.items = state.items.filter((notice) => notice.id !== payload.id);
    })
    .addMatcher(conversationMutationRejected, (state, action) => {
      if (action.meta.condition) return;
      raise(state, 'request_failed', describeChatError(action.payload ?? action.error));
    });
});
