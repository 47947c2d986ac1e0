import { createSelector } from '@reduxjs/toolkit';
import type { ChatUser, Message } from '../api/types';
import type { ChatState } from './chatReducer';
import type { ConnectionState } from './connectionsSlice';
import { idleConnection } from './connectionsSlice';
import type { ConversationEntity } from './conversationsSlice';
import { conversationsAdapter } from './conversationsSlice';
import type { MessageChunk } from './chunks';
import { emptyTimeline } from './messagesSlice';
import type { Timeline } from './messagesSlice';
import {
  hasGap,
  messageOfTimeline,
  newestConfirmedOf,
  newestIdOf,
  pendingMessagesOf,
} from './timelineModel';
import {
  lastUnconfirmedOtherTabMessage,
  selectOtherTabsOutbox,
  withOtherTabsMessages,
} from './otherTabsSlice';
import type { OtherTabMessage } from './otherTabsSlice';
import type { ChatMessage, SyncPhase } from './model';
import type { ChatNotice } from './noticesSlice';
import { sortableTimestamp } from './time';
import { usersAdapter } from './usersSlice';

/**
 * Public selectors. They read the package's state wherever the host mounted
 * it under `chat`, so any screen of the host app can use them, not only the
 * package's components. Parameterized selectors are memoized per argument;
 * the `make…` factories give a component instance its own memo.
 */

/** The part of the host's root state the selectors need. */
export interface ChatRootState {
  chat: ChatState;
}

// Stable fallbacks: a selector must not hand React a new empty value per call.
const noMessages: ChatMessage[] = [];
const noConversations: ConversationEntity[] = [];

const arraysShallowEqual = <Item>(a: readonly Item[], b: readonly Item[]) =>
  a === b || (a.length === b.length && a.every((item, i) => item === b[i]));

/** The whole `state.chat` slice. */
export const selectChatState = (state: ChatRootState): ChatState => state.chat;

const conversationSelectors = conversationsAdapter.getSelectors(
  (state: ChatRootState) => state.chat.conversations,
);

/**
 * Conversations in display order: latest activity first.
 *
 * @example
 * ```ts
 * const conversations = useSelector(selectConversations);
 * ```
 */
export const selectConversations: (state: ChatRootState) => ConversationEntity[] =
  conversationSelectors.selectAll;

/**
 * One conversation, or undefined.
 *
 * @example
 * ```ts
 * const conversation = useSelector((state) => selectConversationById(state, id));
 * ```
 */
export const selectConversationById: (
  state: ChatRootState,
  id: string,
) => ConversationEntity | undefined = conversationSelectors.selectById;

/** Whether the conversation list has been loaded at least once. */
export const selectConversationsLoaded = (state: ChatRootState): boolean =>
  state.chat.conversations.loaded;

const userSelectors = usersAdapter.getSelectors((state: ChatRootState) => state.chat.users);

/** The user directory, by name. */
export const selectUsers: (state: ChatRootState) => ChatUser[] = userSelectors.selectAll;

/** The user directory as a lookup table by id. */
export const selectUsersById = (state: ChatRootState): Record<number, ChatUser> =>
  state.chat.users.entities;

/** One user of the directory, or undefined. */
export const selectUserById: (state: ChatRootState, id: number) => ChatUser | undefined =
  userSelectors.selectById;

/**
 * What a conversation is called: its title, else (for a private conversation)
 * the other participants' names from the directory, else their ids.
 *
 * @example
 * ```ts
 * conversationDisplayName(conversation, usersById, 1); // 'Айзада Токтогулова'
 * ```
 */
export function conversationDisplayName(
  conversation: Pick<ConversationEntity, 'title' | 'participant_ids' | 'created_by' | 'id'>,
  usersById: Record<number, ChatUser | undefined>,
  currentUserId: number | null,
): string {
  if (conversation.title) return conversation.title;
  const others = (conversation.participant_ids ?? [conversation.created_by]).filter(
    (id) => id !== currentUserId,
  );
  const names = others.map((id) => usersById[id]?.full_name ?? `#${id}`);
  return names.length ? names.join(', ') : conversation.id.slice(0, 8);
}

/**
 * Conversations (in display order) whose title — or, with a user directory,
 * a participant's name or username — contains `query` (case-insensitive).
 * An empty query returns the full list.
 *
 * @example
 * ```ts
 * const found = useSelector((state) => selectConversationsMatching(state, search));
 * ```
 */
export const selectConversationsMatching = createSelector(
  [
    selectConversations,
    selectUsersById,
    (_state: ChatRootState, query: string) => query.trim().toLocaleLowerCase(),
  ],
  (conversations, usersById, query) => {
    if (!query) return conversations;
    const found = conversations.filter((conversation) => {
      if (conversation.title?.toLocaleLowerCase().includes(query)) return true;
      return (conversation.participant_ids ?? []).some((id) => {
        const user = usersById[id];
        return (
          user !== undefined &&
          (user.full_name.toLocaleLowerCase().includes(query) ||
            user.username.toLocaleLowerCase().includes(query))
        );
      });
    });
    return found.length ? found : noConversations;
  },
);

/** The timeline of a conversation (its messages, order, sync model and paging flags), or undefined. */
export const selectTimeline = (
  state: ChatRootState,
  conversationId: string,
): Timeline | undefined => state.chat.messages.conversations[conversationId];

/**
 * One memoized selector per conversation. A single shared selector keeps one
 * last result, so two screens reading different conversations would hand each
 * other a new array on every dispatch; a selector per conversation does not.
 */
function perConversation<Result>(
  make: () => (state: ChatRootState, conversationId: string) => Result,
): (state: ChatRootState, conversationId: string) => Result {
  const selectors = new Map<string, (state: ChatRootState, conversationId: string) => Result>();
  return (state, conversationId) => {
    let select = selectors.get(conversationId);
    if (!select) {
      select = make();
      selectors.set(conversationId, select);
    }
    return select(state, conversationId);
  };
}

/** Each chunk's messages, computed once per chunk object: a live message rebuilds one chunk's list. */
const chunkMessages = new WeakMap<MessageChunk, ChatMessage[]>();

function messagesOfChunk(chunk: MessageChunk): ChatMessage[] {
  let list = chunkMessages.get(chunk);
  if (!list) {
    list = [];
    for (const id of chunk.ids) {
      const message = chunk.entities[id];
      if (message) list.push(message);
    }
    chunkMessages.set(chunk, list);
  }
  return list;
}

function messagesOfParts(
  chunks: readonly MessageChunk[] | undefined,
  pending: Timeline['pending'] | undefined,
): ChatMessage[] {
  if (!chunks || !pending) return noMessages;
  const parts = chunks.map(messagesOfChunk);
  for (const id of pending.ids) {
    const message = pending.entities[id];
    if (message) parts.push([message]);
  }
  const messages = parts.length === 1 ? (parts[0] as ChatMessage[]) : parts.flat();
  return messages.length ? messages : noMessages;
}

/**
 * Factory of a "messages of a conversation" selector with its own memo, for
 * components that each show a different conversation.
 */
export const makeSelectMessages = () =>
  createSelector(
    [
      (state: ChatRootState, conversationId: string) =>
        selectTimeline(state, conversationId)?.chunks,
      (state: ChatRootState, conversationId: string) =>
        selectTimeline(state, conversationId)?.pending,
      selectOtherTabsOutbox,
    ],
    (chunks, pending, otherTabs) =>
      withOtherTabsMessages(messagesOfParts(chunks, pending), otherTabs),
  );

/**
 * The messages of a timeline in display order (confirmed by time, then
 * unsent) — for code that holds a timeline rather than the state, e.g. a
 * search over every loaded conversation.
 *
 * @example
 * ```ts
 * for (const timeline of Object.values(state.chat.messages.conversations)) timelineMessages(timeline);
 * ```
 */
export const timelineMessages = (timeline: Timeline): ChatMessage[] =>
  messagesOfParts(timeline.chunks, timeline.pending);

/**
 * The messages of a conversation in display order: confirmed ones by time,
 * then those still pending or failed. The same array reference comes back as
 * long as nothing in this conversation changed. Where the known history has
 * a gap (see {@link selectGapAfterId}), the messages on both sides are here;
 * a UI shows the gap between them.
 *
 * @example
 * ```ts
 * const messages = useSelector((state) => selectMessagesOfConversation(state, conversationId));
 * ```
 */
export const selectMessagesOfConversation = perConversation(makeSelectMessages);

/**
 * One message of a conversation by id (a pending one by its client id), or undefined.
 *
 * @example
 * ```ts
 * const message = useSelector((state) => selectConversationMessage(state, conversationId, id));
 * ```
 */
export const selectConversationMessage = (
  state: ChatRootState,
  conversationId: string,
  id: string,
): ChatMessage | undefined => {
  const timeline = state.chat.messages.conversations[conversationId];
  return timeline ? messageOfTimeline(timeline, id) : undefined;
};

/**
 * One message by id (a pending one by its client id), in whichever
 * conversation holds it, or undefined. Prefer
 * {@link selectConversationMessage} when the conversation is known.
 *
 * @example
 * ```ts
 * const message = useSelector((state) => selectMessageById(state, id));
 * ```
 */
export const selectMessageById = (state: ChatRootState, id: string): ChatMessage | undefined => {
  for (const timeline of Object.values(state.chat.messages.conversations)) {
    const message = messageOfTimeline(timeline, id);
    if (message) return message;
  }
  return undefined;
};

/** A message together with the message it replies to (null when none or not loaded). */
export interface MessageWithReply {
  message: ChatMessage;
  replyTo: ChatMessage | null;
}

/**
 * A message with its reply target resolved.
 *
 * @example
 * ```ts
 * const item = useSelector((state) => selectMessageWithReply(state, id));
 * item?.replyTo?.text;
 * ```
 */
export const selectMessageWithReply = createSelector(
  [
    selectMessageById,
    (state: ChatRootState, id: string) => {
      const message = selectMessageById(state, id);
      return message?.reply_to
        ? selectConversationMessage(state, message.conversation_id, message.reply_to)
        : undefined;
    },
  ],
  (message, replyTo): MessageWithReply | undefined =>
    message ? { message, replyTo: replyTo ?? null } : undefined,
);

/**
 * The newest message of a conversation: an unsent one (pending or failed, so
 * a list can mark it) — this tab's, or one the user's other tabs hold
 * (`elsewhere`), whichever was composed last — else the newest confirmed
 * one, else the server's [ext] preview. The same object comes back while
 * nothing changes.
 *
 * @example
 * ```ts
 * const last = useSelector((state) => selectLastMessage(state, conversationId));
 * if (last && 'status' in last && last.status !== 'sent') showUnsentMark();
 * ```
 */
export const selectLastMessage = (
  state: ChatRootState,
  conversationId: string,
): Message | ChatMessage | undefined =>
  newestMessage(
    state.chat.messages.conversations[conversationId],
    state.chat.conversations.previews[conversationId],
    state.chat.otherTabs.pending[conversationId],
  );

function newestMessage(
  timeline: Timeline | undefined,
  preview: Message | undefined,
  otherTabs: readonly OtherTabMessage[] | undefined,
): Message | ChatMessage | undefined {
  const unsent = newestUnsent(timeline, otherTabs);
  if (unsent) return unsent;
  const lastId = timeline ? newestIdOf(timeline) : undefined;
  const known = timeline && lastId ? messageOfTimeline(timeline, lastId) : undefined;
  if (!known) return preview;
  if (!preview) return known;
  return sortableTimestamp(preview.created_at) > known.created_ms ? preview : known;
}

/**
 * How many of the newest confirmed messages the preview checks for the copy
 * of another tab's entry (a record read after the copy arrived still lists
 * it): the copy of a message just sent is among the newest.
 */
const COPY_WINDOW = 200;

/** The last composed of this tab's unsent messages and the other tabs' (not adopted or confirmed here). */
function newestUnsent(
  timeline: Timeline | undefined,
  otherTabs: readonly OtherTabMessage[] | undefined,
): ChatMessage | undefined {
  const lastPending = timeline?.pending.ids.at(-1);
  const ours = timeline && lastPending ? messageOfTimeline(timeline, lastPending) : undefined;
  if (!otherTabs || otherTabs.length === 0) return ours;
  const elsewhere = lastUnconfirmedOtherTabMessage(
    otherTabs,
    (clientId) => timeline !== undefined && messageOfTimeline(timeline, clientId) !== undefined,
    timeline ? newestConfirmedOf(timeline, COPY_WINDOW) : [],
  );
  if (!elsewhere) return ours;
  return ours && ours.created_ms >= elsewhere.created_ms ? ours : elsewhere;
}

/**
 * The newest message of every listed conversation, by conversation id.
 *
 * @example
 * ```ts
 * const lastMessages = useSelector(selectLastMessages);
 * ```
 */
export const selectLastMessages = createSelector(
  [
    selectConversations,
    (state: ChatRootState) => state.chat.messages.conversations,
    (state: ChatRootState) => state.chat.conversations.previews,
    (state: ChatRootState) => state.chat.otherTabs.pending,
  ],
  (conversations, timelines, previews, otherTabs) => {
    const result: Record<string, Message | ChatMessage | undefined> = {};
    for (const { id } of conversations)
      result[id] = newestMessage(timelines[id], previews[id], otherTabs[id]);
    return result;
  },
);

/**
 * Messages composed here that the server has not confirmed: `pending` and `failed`.
 *
 * @example
 * ```ts
 * const unsent = useSelector((state) => selectUnsentMessages(state, conversationId));
 * const failed = unsent.filter((m) => m.status === 'failed');
 * ```
 */
export const selectUnsentMessages = perConversation(() =>
  createSelector(
    [selectTimeline],
    (timeline): ChatMessage[] => {
      if (!timeline?.pending.ids.length) return noMessages;
      return pendingMessagesOf(timeline);
    },
    { memoizeOptions: { resultEqualityCheck: arraysShallowEqual } },
  ),
);

/** Paging and freshness of a conversation's history, for "load older" and spinners. */
export interface PagingState {
  /** Older messages may exist on the server. */
  hasMoreOlder: boolean;
  loadingOlder: boolean;
  /** The newest page has been loaded at least once. */
  historyLoaded: boolean;
  /** Everything up to the server's newest message is here and the socket is open (`phase === 'live'`). */
  caughtUp: boolean;
  /** Messages newer than the watermark are being fetched (`phase === 'catchingUp'`). */
  catchingUp: boolean;
  /** The last scroll-back error. */
  error: string | null;
  phase: SyncPhase;
}

const pagingOf = (timeline: Timeline): PagingState => ({
  hasMoreOlder: timeline.hasMoreOlder,
  loadingOlder: timeline.loadingOlder,
  historyLoaded: timeline.sync.historyLoaded,
  caughtUp: timeline.sync.phase === 'live',
  catchingUp: timeline.sync.phase === 'catchingUp',
  error: timeline.error,
  phase: timeline.sync.phase,
});

const initialPaging = pagingOf(emptyTimeline());

const shallowEqualRecords = <Value extends object>(a: Value, b: Value) =>
  (Object.keys(a) as Array<keyof Value>).every((key) => a[key] === b[key]);

/**
 * Paging flags of a conversation.
 *
 * @example
 * ```ts
 * const { hasMoreOlder, loadingOlder } = useSelector((state) => selectPaging(state, conversationId));
 * ```
 */
export const selectPaging = perConversation(() =>
  createSelector(
    [selectTimeline],
    (timeline): PagingState => (timeline ? pagingOf(timeline) : initialPaging),
    { memoizeOptions: { resultEqualityCheck: shallowEqualRecords } },
  ),
);

/** A conversation's sync, as a UI shows it. */
export interface SyncStatus {
  phase: SyncPhase;
  /** Why the last load failed (the server's or the network's words), while `retrying` or `failed`. */
  error: string | null;
  /** Machine-readable reason of the failure (see `ChatMessage.errorCode`). */
  errorCode: string | null;
  /** Failed loads in a row. */
  attempt: number;
  /** When `retrying`: the delay of the automatic retry. */
  nextRetryInMs: number | null;
  /** The newest message up to which the store has every message. */
  watermark: string | null;
}

const idleSync: SyncStatus = {
  phase: 'idle',
  error: null,
  errorCode: null,
  attempt: 0,
  nextRetryInMs: null,
  watermark: null,
};

/**
 * Where a conversation's sync stands: `loading`, `live`, `catchingUp`,
 * `disconnected`, `retrying` (with the reason and the delay) or `failed`.
 *
 * @example
 * ```ts
 * const sync = useSelector((state) => selectSyncStatus(state, conversationId));
 * if (sync.phase === 'retrying') showRetry(sync.error, sync.nextRetryInMs);
 * ```
 */
export const selectSyncStatus = perConversation(() =>
  createSelector(
    [selectTimeline],
    (timeline): SyncStatus => {
      if (!timeline) return idleSync;
      const { sync } = timeline;
      return {
        phase: sync.phase,
        error: sync.failure?.error ?? null,
        errorCode: sync.failure?.code ?? null,
        attempt: sync.failedAttempts,
        nextRetryInMs: sync.failure?.nextRetryInMs ?? null,
        watermark: timeline.watermark,
      };
    },
    { memoizeOptions: { resultEqualityCheck: shallowEqualRecords } },
  ),
);

/**
 * Where the known history of a conversation has a gap: the id of the message
 * after which messages may be missing (the watermark, when newer messages are
 * known beyond it and the conversation is not live), else null. A UI shows a
 * "loading missed messages" row there, never a false sequence.
 *
 * @example
 * ```ts
 * const gapAfterId = useSelector((state) => selectGapAfterId(state, conversationId));
 * ```
 */
export const selectGapAfterId = (state: ChatRootState, conversationId: string): string | null => {
  const timeline = state.chat.messages.conversations[conversationId];
  if (!timeline || timeline.sync.phase === 'live' || timeline.watermark === null) return null;
  return hasGap(timeline) ? timeline.watermark : null;
};

/** The id of the newest confirmed message of a conversation. */
export const selectNewestMessageId = (
  state: ChatRootState,
  conversationId: string,
): string | undefined => {
  const timeline = state.chat.messages.conversations[conversationId];
  return timeline ? newestIdOf(timeline) : undefined;
};

/**
 * The catch-up cursor of a conversation: the newest message up to which the
 * store has every message (null before the first page).
 *
 * @example
 * ```ts
 * const watermark = selectWatermark(store.getState(), conversationId);
 * ```
 */
export const selectWatermark = (state: ChatRootState, conversationId: string): string | null =>
  state.chat.messages.conversations[conversationId]?.watermark ?? null;

/**
 * A conversation's socket state (`idle` when never subscribed).
 *
 * @example
 * ```ts
 * const { status, attempt, error } = useSelector((state) => selectConnection(state, conversationId));
 * ```
 */
export const selectConnection = (state: ChatRootState, conversationId: string): ConnectionState =>
  state.chat.connections[conversationId] ?? idleConnection;

/** Whether a conversation's socket is open (the seed hook's `isConnected`). */
export const selectIsConnected = (state: ChatRootState, conversationId: string): boolean =>
  state.chat.connections[conversationId]?.status === 'open';

/** Notices (toasts) not yet dismissed, oldest first. */
export const selectNotices = (state: ChatRootState): ChatNotice[] => state.chat.notices.items;

/** Whether the session ended (`authExpired`) and the person must log in again. */
export const selectAuthExpired = (state: ChatRootState): boolean => state.chat.session.authExpired;

/**
 * The unsent text of a conversation's composer ('' when none). Drafts survive
 * switching conversations and, with persistence, reloads.
 *
 * @example
 * ```ts
 * const draft = useSelector((state) => selectDraft(state, conversationId));
 * ```
 */
export const selectDraft = (state: ChatRootState, conversationId: string): string =>
  state.chat.drafts[conversationId] ?? '';
