import { createReducer, isAnyOf } from '@reduxjs/toolkit';
import { chatApi } from '../api/chatApi';
import type { Conversation } from '../api/types';
import {
  conversationReceived,
  conversationRemoved,
  conversationViewed,
  messagesReceived,
  messagesSeen,
  readCursorMoved,
} from './events';
import { sortableTimestamp } from './time';

/** What the store knows about who has read what in one conversation. */
export interface ConversationReads {
  /** Our read cursor: the newest message we have seen (null: none yet). */
  mine: string | null;
  /** `created_ms` of `mine`, when known (seen here), so new messages compare without a lookup. */
  mineMs: number | null;
  /**
   * `mine` moved here (seen) and the server has not confirmed it yet: a server answer
   * or frame that still has the older cursor (asked before, or sent before the cursor
   * reached it) does not move it back.
   */
  mineAhead: boolean;
  /** [ext] The server's unread count at the time of `snapshotMs` (null: no server count). */
  serverUnread: number | null;
  /** [ext] `created_ms` of the conversation's newest message when the server counted. */
  snapshotMs: number | null;
  /** [ext] The other participants' read cursors, by user id. */
  others: Record<number, string | null>;
  /** The conversation is in view in a focused page: its messages count as seen. */
  viewing: boolean;
  /** The "new messages" divider goes after this message (our cursor when the view opened). */
  dividerAfter: string | null;
}

/** The `chat.reads` state, by conversation id. */
export type ReadsState = Record<string, ConversationReads>;

function readsOf(state: ReadsState, conversationId: string): ConversationReads {
  return (state[conversationId] ??= {
    mine: null,
    mineMs: null,
    mineAhead: false,
    serverUnread: null,
    snapshotMs: null,
    others: {},
    viewing: false,
    dividerAfter: null,
  });
}

/** What a conversation object from the server says about reads ([ext] fields). */
function receiveConversation(state: ReadsState, conversation: Conversation): void {
  const hasReads =
    conversation.last_read_message_id !== undefined ||
    conversation.unread_count !== undefined ||
    conversation.read_cursors !== undefined;
  if (!hasReads) return;
  const reads = readsOf(state, conversation.id);
  // Ours is newer than what the server says until the server has confirmed it.
  const ours = reads.viewing || reads.mineAhead;
  if (conversation.last_read_message_id !== undefined && !ours) {
    if (reads.mine !== conversation.last_read_message_id) reads.mineMs = null;
    reads.mine = conversation.last_read_message_id;
  }
  if (typeof conversation.unread_count === 'number' && !ours) {
    reads.serverUnread = conversation.unread_count;
    reads.snapshotMs = conversation.last_message
      ? sortableTimestamp(conversation.last_message.created_at)
      : null;
  }
  for (const cursor of conversation.read_cursors ?? []) {
    reads.others[cursor.user_id] = cursor.last_read_message_id;
  }
}

/**
 * The `chat.reads` reducer: read cursors, server unread counts and what is
 * in view. Unread counts themselves are derived by selectors from these and
 * the stored messages (see `selectUnreadCount`).
 */
export const readsReducer = createReducer<ReadsState>({}, (builder) => {
  builder
    .addCase(messagesSeen, (state, { payload }) => {
      const reads = readsOf(state, payload.conversationId);
      // Only forward: a late report of an older message does not move the cursor back.
      if (reads.mineMs !== null && payload.createdMs < reads.mineMs) return;
      reads.mine = payload.messageId;
      reads.mineMs = payload.createdMs;
      reads.mineAhead = true;
      reads.serverUnread = null;
      reads.snapshotMs = null;
    })
    .addCase(readCursorMoved, (state, { payload }) => {
      const reads = readsOf(state, payload.conversationId);
      if (payload.mine) {
        if (payload.createdMs !== null && reads.mineMs !== null && payload.createdMs < reads.mineMs)
          return;
        // The server has our cursor once it names the one we moved to.
        const same = reads.mine === payload.messageId;
        if (same) reads.mineAhead = false;
        else if (reads.mineAhead && payload.createdMs === null) return;
        reads.mine = payload.messageId;
        reads.mineMs = payload.createdMs ?? (same ? reads.mineMs : null);
        reads.serverUnread = null;
        reads.snapshotMs = null;
      } else {
        reads.others[payload.userId] = payload.messageId;
      }
    })
    .addCase(conversationViewed, (state, { payload }) => {
      const reads = readsOf(state, payload.conversationId);
      if (payload.viewing && !reads.viewing) reads.dividerAfter = reads.mine;
      if (!payload.viewing) reads.dividerAfter = null;
      reads.viewing = payload.viewing;
    })
    .addCase(messagesReceived, (state, { payload }) => {
      // The conversation was opened (its newest page loaded) with nothing known about reads —
      // a seed server, or a list not loaded: what it showed then counts as seen, so what
      // arrives after it counts as unread. A cursor or a server count, when known, wins.
      if (payload.source !== 'history' || payload.page?.direction !== 'latest') return;
      const known = state[payload.conversationId];
      if (known && (known.mine !== null || known.mineMs !== null || known.serverUnread !== null))
        return;
      // An empty conversation: everything from now on counts (epoch 0, before any message).
      let newestId: string | null = null;
      let newestMs = 0;
      for (const id of payload.ids) {
        const message = payload.entities[id];
        if (!message) continue;
        const ms = sortableTimestamp(message.created_at);
        if (ms >= newestMs) [newestId, newestMs] = [id, ms];
      }
      const reads = readsOf(state, payload.conversationId);
      reads.mine = newestId;
      reads.mineMs = newestMs;
    })
    .addCase(conversationReceived, (state, { payload }) =>
      receiveConversation(state, payload.conversation),
    )
    .addCase(conversationRemoved, (state, { payload }) => {
      delete state[payload.id];
    })
    .addMatcher(chatApi.endpoints.getConversations.matchFulfilled, (state, { payload }) => {
      for (const conversation of payload) receiveConversation(state, conversation);
    })
    .addMatcher(
      isAnyOf(
        chatApi.endpoints.getConversation.matchFulfilled,
        chatApi.endpoints.createConversation.matchFulfilled,
      ),
      (state, { payload }) => receiveConversation(state, payload),
    );
});
