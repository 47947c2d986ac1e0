import { createAction, createReducer, isAnyOf } from '@reduxjs/toolkit';
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

/** Where our cursor stands in a conversation, as another tab of ours saw it. */
export interface ReadMark {
  messageId: string;
  createdMs: number;
}

/**
 * Another tab of the same user has seen these conversations up to these
 * messages: unread drops here too (without the user stream, which would
 * bring our own `read:updated`, nothing else tells). Marks older than ours
 * change nothing. Dispatched by the middleware from the durable outbox's
 * record; this tab does not tell the server again (the other tab did).
 *
 * @example
 * ```ts
 * dispatch(readMarksSynced({ marks: { [conversationId]: { messageId, createdMs } } }));
 * ```
 */
export const readMarksSynced = createAction<{ marks: Record<string, ReadMark> }>(
  'chat/readMarksSynced',
);

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
  /** [ext] The other participants' read cursors, by user id. They only move forward (see {@link isCursorBehind}). */
  others: Record<number, string | null>;
  /** [ext] `created_ms` of `others[userId]`, when the frame that moved it could tell (the message was stored). */
  othersMs: Record<number, number | null>;
  /** The conversation is in view in a focused page: its messages count as seen. */
  viewing: boolean;
  /** The "new messages" divider goes after this message (our cursor when the view opened). */
  dividerAfter: string | null;
}

/** The `chat.reads` state, by conversation id. */
export type ReadsState = Record<string, ConversationReads>;

/** A time-ordered (v7) UUID, as the reference server gives messages: its text sorts as it was made. */
const V7_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * Whether cursor `next` is older than `current`, so that taking it would move a
 * participant's cursor back. The server only moves cursors forward; an older
 * one reaches us only late — a list asked before a `read:updated` frame and
 * answered after it. Compared by `created_ms` when both are known, else by the
 * ids when both are time-ordered (v7) UUIDs; when neither tells (another
 * server's ids), the newer report wins, as before.
 */
export function isCursorBehind(
  current: string | null | undefined,
  currentMs: number | null | undefined,
  next: string | null,
  nextMs: number | null,
): boolean {
  if (!current || current === next) return false;
  // No cursor after one: a participant's cursor never goes away while they take part.
  if (next === null) return true;
  if (typeof currentMs === 'number' && nextMs !== null) return nextMs < currentMs;
  if (V7_UUID.test(current) && V7_UUID.test(next))
    return next.toLowerCase() < current.toLowerCase();
  return false;
}

/** Moves another participant's cursor, forward only. */
function moveOthers(
  reads: ConversationReads,
  userId: number,
  messageId: string | null,
  createdMs: number | null,
): void {
  if (isCursorBehind(reads.others[userId], reads.othersMs[userId], messageId, createdMs)) return;
  const same = reads.others[userId] === messageId;
  reads.others[userId] = messageId;
  reads.othersMs[userId] = createdMs ?? (same ? (reads.othersMs[userId] ?? null) : null);
}

function readsOf(state: ReadsState, conversationId: string): ConversationReads {
  return (state[conversationId] ??= {
    mine: null,
    mineMs: null,
    mineAhead: false,
    serverUnread: null,
    snapshotMs: null,
    others: {},
    othersMs: {},
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
  // The server names the cursor we moved to (another tab told it, say): confirmed.
  if (reads.mineAhead && reads.mine !== null && conversation.last_read_message_id === reads.mine)
    reads.mineAhead = false;
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
    moveOthers(reads, cursor.user_id, cursor.last_read_message_id, null);
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
    .addCase(readMarksSynced, (state, { payload }) => {
      for (const [conversationId, mark] of Object.entries(payload.marks)) {
        const reads = readsOf(state, conversationId);
        if (reads.mineMs !== null && mark.createdMs <= reads.mineMs) continue;
        reads.mine = mark.messageId;
        reads.mineMs = mark.createdMs;
        // Newer than what a server answer asked before it may say, as if seen here.
        reads.mineAhead = true;
        reads.serverUnread = null;
        reads.snapshotMs = null;
      }
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
        moveOthers(reads, payload.userId, payload.messageId, payload.createdMs);
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
