import { createSelector } from '@reduxjs/toolkit';
import type { MessageChunk } from './chunks';
import type { ChatMessage } from './model';
import type { UserPresence } from './presenceSlice';
import type { ConversationReads } from './readsSlice';
import { selectConversations } from './selectors';
import type { ChatRootState } from './selectors';
import type { Timeline } from './timelineModel';
import { messageOfTimeline } from './timelineModel';

/**
 * Selectors of the live workspace: unread counts, the "new messages"
 * divider, typing, presence and receipts. Memoized, parameterized, public:
 * a header badge on another screen uses `selectTotalUnread`.
 */

const noUserIds: number[] = [];

/** Messages from others in a timeline newer than `afterMs` (reads the chunks from the newest back). */
function countFromOthers(timeline: Timeline, afterMs: number, me: number | null): number {
  let count = 0;
  for (let c = timeline.chunks.length - 1; c >= 0; c--) {
    const chunk = timeline.chunks[c] as MessageChunk;
    for (let i = chunk.ids.length - 1; i >= 0; i--) {
      const message = chunk.entities[chunk.ids[i] as string];
      if (!message) continue;
      if (message.created_ms <= afterMs) return count;
      if (message.sender_id !== me) count += 1;
    }
  }
  return count;
}

function oldestMs(timeline: Timeline): number | undefined {
  const first = timeline.chunks[0];
  const id = first?.ids[0];
  return id !== undefined ? first?.entities[id]?.created_ms : undefined;
}

/**
 * The unread count of one conversation, from what the store knows:
 * exactly, from the stored messages, when they reach back to our read
 * cursor; else [ext] the server's count at the time the list was loaded plus
 * what arrived since; against a seed server, what arrived since the
 * conversation was last seen.
 */
function unreadOf(
  reads: ConversationReads | undefined,
  timeline: Timeline | undefined,
  me: number | null,
): number {
  const cursorMs =
    reads?.mineMs ??
    (reads?.mine && timeline ? messageOfTimeline(timeline, reads.mine)?.created_ms : undefined);
  if (timeline && cursorMs !== undefined && cursorMs !== null) {
    const oldest = oldestMs(timeline);
    if (oldest !== undefined && oldest <= cursorMs) return countFromOthers(timeline, cursorMs, me);
  }
  const base = reads?.serverUnread ?? 0;
  // A server count taken when the conversation had no message yet counts everything since.
  const countedEmpty = typeof reads?.serverUnread === 'number' && reads.snapshotMs === null;
  const since = reads?.snapshotMs ?? cursorMs ?? (countedEmpty ? -Infinity : null);
  if (!timeline) return base;
  // Without a cursor or a server count there is nothing to count from: nothing is unread.
  if (since === null) return base;
  return base + countFromOthers(timeline, since, me);
}

const selectReads = (state: ChatRootState, conversationId: string) =>
  state.chat.reads[conversationId];
const selectTimelineOf = (state: ChatRootState, conversationId: string) =>
  state.chat.messages.conversations[conversationId];
const selectMe = (state: ChatRootState) => state.chat.session.userId;

/**
 * How many messages of a conversation we have not seen.
 *
 * @example
 * ```ts
 * const unread = useSelector((state) => selectUnreadCount(state, conversationId));
 * ```
 */
export const selectUnreadCount = createSelector(
  [selectReads, selectTimelineOf, selectMe],
  (reads, timeline, me) => unreadOf(reads, timeline, me),
);

/**
 * The unread count of every listed conversation, by id.
 *
 * @example
 * ```ts
 * const counts = useSelector(selectUnreadCounts);
 * ```
 */
export const selectUnreadCounts = createSelector(
  [
    selectConversations,
    (state: ChatRootState) => state.chat.reads,
    (state: ChatRootState) => state.chat.messages.conversations,
    selectMe,
  ],
  (conversations, reads, timelines, me) => {
    const counts: Record<string, number> = {};
    for (const { id } of conversations) counts[id] = unreadOf(reads[id], timelines[id], me);
    return counts;
  },
);

/**
 * The unread messages of every listed conversation together (a header badge,
 * the document title).
 *
 * @example
 * ```ts
 * const total = useSelector(selectTotalUnread);
 * document.title = total ? `(${total}) Chat` : 'Chat';
 * ```
 */
export const selectTotalUnread = createSelector([selectUnreadCounts], (counts) =>
  Object.values(counts).reduce((sum, count) => sum + count, 0),
);

/**
 * Where the "new messages" divider goes: after this message (our read cursor
 * when the conversation came into view), when messages from others follow it;
 * else null. It stays put while the conversation is open.
 *
 * @example
 * ```ts
 * const dividerAfter = useSelector((state) => selectNewMessagesDividerAfter(state, conversationId));
 * ```
 */
export const selectNewMessagesDividerAfter = createSelector(
  [selectReads, selectTimelineOf, selectMe],
  (reads, timeline, me): string | null => {
    const after = reads?.dividerAfter;
    if (!after || !timeline) return null;
    const cursor = messageOfTimeline(timeline, after);
    if (!cursor) return null;
    return countFromOthers(timeline, cursor.created_ms, me) > 0 ? after : null;
  },
);

/**
 * [ext] Who is typing in a conversation (user ids, not us).
 *
 * @example
 * ```ts
 * const typing = useSelector((state) => selectTypingUserIds(state, conversationId));
 * ```
 */
export const selectTypingUserIds = createSelector(
  [(state: ChatRootState, conversationId: string) => state.chat.typing[conversationId], selectMe],
  (typing, me): number[] => {
    if (!typing) return noUserIds;
    const ids = Object.keys(typing)
      .map(Number)
      .filter((id) => id !== me);
    return ids.length ? ids : noUserIds;
  },
  { memoizeOptions: { resultEqualityCheck: (a: number[], b: number[]) => a.join() === b.join() } },
);

/**
 * [ext] Whether a user is online, and when they were last seen (undefined: unknown).
 *
 * @example
 * ```ts
 * const presence = useSelector((state) => selectPresence(state, userId));
 * ```
 */
export const selectPresence = (state: ChatRootState, userId: number): UserPresence | undefined =>
  state.chat.presence[userId];

/** What became of one of our messages. */
export type MessageReceipt = 'pending' | 'failed' | 'sent' | 'delivered' | 'read';

/**
 * What became of one of our messages in a private conversation: `read` once
 * the other participant's read cursor reached it, `delivered` once they have
 * been online since it was sent, else `sent` (or `pending` / `failed`).
 * Group conversations and others' messages give `sent`.
 *
 * @example
 * ```ts
 * const receipt = useSelector((state) => selectReceipt(state, conversationId, message.id));
 * ```
 */
export function selectReceipt(
  state: ChatRootState,
  conversationId: string,
  messageId: string,
): MessageReceipt {
  const timeline = state.chat.messages.conversations[conversationId];
  const message: ChatMessage | undefined = timeline
    ? messageOfTimeline(timeline, messageId)
    : undefined;
  if (!message || !timeline) return 'sent';
  if (message.status !== 'sent') return message.status;
  const conversation = state.chat.conversations.entities[conversationId];
  const me = state.chat.session.userId;
  if (conversation?.type !== 'private' || message.sender_id !== me) return 'sent';
  const other = (conversation.participant_ids ?? []).find((id) => id !== me);
  if (other === undefined) return 'sent';
  const cursor = state.chat.reads[conversationId]?.others[other];
  const cursorMessage = cursor ? messageOfTimeline(timeline, cursor) : undefined;
  if (cursorMessage && cursorMessage.created_ms >= message.created_ms) return 'read';
  const presence = state.chat.presence[other];
  if (presence?.online) return 'delivered';
  if (presence?.lastSeenAt && Date.parse(presence.lastSeenAt) >= message.created_ms)
    return 'delivered';
  return 'sent';
}
