import { createSelector } from '@reduxjs/toolkit';
import type { ChatUser, Message } from '../api/types';
import type { ChatState } from './chatReducer';
import type { ConnectionState } from './connectionsSlice';
import { idleConnection } from './connectionsSlice';
import type { ConversationEntity } from './conversationsSlice';
import { conversationsAdapter } from './conversationsSlice';
import { emptyTimeline } from './messagesSlice';
import type { Timeline } from './messagesSlice';
import type { ChatMessage } from './model';
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

/** The timeline of a conversation (ordered ids and paging flags), or undefined. */
export const selectTimeline = (
  state: ChatRootState,
  conversationId: string,
): Timeline | undefined => state.chat.messages.timelines[conversationId];

const selectMessageEntities = (state: ChatRootState) => state.chat.messages.entities;

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

/**
 * Factory of a "messages of a conversation" selector with its own memo, for
 * components that each show a different conversation.
 */
export const makeSelectMessages = () =>
  createSelector(
    [selectTimeline, selectMessageEntities],
    (timeline, entities): ChatMessage[] => {
      if (!timeline) return noMessages;
      const ids = timeline.pendingIds.length
        ? [...timeline.ids, ...timeline.pendingIds]
        : timeline.ids;
      const messages: ChatMessage[] = [];
      for (const id of ids) {
        const message = entities[id];
        if (message) messages.push(message);
      }
      return messages.length ? messages : noMessages;
    },
    // A change in another conversation must not give this one a new array.
    { memoizeOptions: { resultEqualityCheck: arraysShallowEqual } },
  );

/**
 * The messages of a conversation in display order: confirmed ones by time,
 * then those still pending or failed. The same array reference comes back as
 * long as nothing in this conversation changed.
 *
 * @example
 * ```ts
 * const messages = useSelector((state) => selectMessagesOfConversation(state, conversationId));
 * ```
 */
export const selectMessagesOfConversation = perConversation(makeSelectMessages);

/** One message by id (a pending one by its client id), or undefined. */
export const selectMessageById = (state: ChatRootState, id: string): ChatMessage | undefined =>
  state.chat.messages.entities[id];

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
      const replyTo = state.chat.messages.entities[id]?.reply_to;
      return replyTo ? state.chat.messages.entities[replyTo] : undefined;
    },
  ],
  (message, replyTo): MessageWithReply | undefined =>
    message ? { message, replyTo: replyTo ?? null } : undefined,
);

/**
 * The newest message of a conversation: from the loaded history or pending
 * sends, else the server's [ext] preview.
 *
 * @example
 * ```ts
 * const last = useSelector((state) => selectLastMessage(state, conversationId));
 * ```
 */
export const selectLastMessage = (
  state: ChatRootState,
  conversationId: string,
): Message | undefined =>
  newestMessage(
    state.chat.messages.timelines[conversationId],
    state.chat.messages.entities,
    state.chat.conversations.previews[conversationId],
  );

function newestMessage(
  timeline: Timeline | undefined,
  entities: Record<string, ChatMessage | undefined>,
  preview: Message | undefined,
): Message | undefined {
  const lastId = timeline?.pendingIds.at(-1) ?? timeline?.heldIds.at(-1) ?? timeline?.ids.at(-1);
  const known = lastId ? entities[lastId] : undefined;
  if (!known) return preview;
  if (!preview) return known;
  return sortableTimestamp(preview.created_at) > known.created_ms ? preview : known;
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
    (state: ChatRootState) => state.chat.messages,
    (state: ChatRootState) => state.chat.conversations.previews,
  ],
  (conversations, messages, previews) => {
    const result: Record<string, Message | undefined> = {};
    for (const { id } of conversations) {
      result[id] = newestMessage(messages.timelines[id], messages.entities, previews[id]);
    }
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
    [selectTimeline, selectMessageEntities],
    (timeline, entities): ChatMessage[] => {
      if (!timeline?.pendingIds.length) return noMessages;
      return timeline.pendingIds.flatMap((id) => entities[id] ?? []);
    },
    { memoizeOptions: { resultEqualityCheck: arraysShallowEqual } },
  ),
);

/** Paging and freshness of a conversation's history, for "load older" and spinners. */
export type PagingState = Pick<
  Timeline,
  'hasMoreOlder' | 'loadingOlder' | 'historyLoaded' | 'caughtUp' | 'catchingUp' | 'error'
>;

const pagingOf = (timeline: Timeline): PagingState => ({
  hasMoreOlder: timeline.hasMoreOlder,
  loadingOlder: timeline.loadingOlder,
  historyLoaded: timeline.historyLoaded,
  caughtUp: timeline.caughtUp,
  catchingUp: timeline.catchingUp,
  error: timeline.error,
});

const initialPaging = pagingOf(emptyTimeline());

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
    {
      memoizeOptions: {
        resultEqualityCheck: (a: PagingState, b: PagingState) =>
          (Object.keys(a) as Array<keyof PagingState>).every((key) => a[key] === b[key]),
      },
    },
  ),
);

/** The id of the newest confirmed message of a conversation (the catch-up cursor). */
export const selectNewestMessageId = (
  state: ChatRootState,
  conversationId: string,
): string | undefined => state.chat.messages.timelines[conversationId]?.ids.at(-1);

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
