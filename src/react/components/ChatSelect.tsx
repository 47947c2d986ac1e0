import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { MessageSearchHit } from '../../api/searchApi';
import type { ChatUser, Conversation } from '../../api/types';
import { parseChatDate } from '../format';
import { useChatLocale } from '../i18n/context';
import { chatErrorText } from '../i18n/strings';
import type { ChatStrings } from '../i18n/strings';
import { ConversationRow } from './ConversationRow';
import type { ChatSelection, PreviewMessage } from './ConversationRow';
import { CreateConversationPanel } from './CreateConversationPanel';
import { EmptyList } from './EmptyStates';
import { CloseIcon, PlusIcon, RetryIcon, SearchIcon } from './internal/icons';
import { conversationTitle, otherParticipantIds, userName } from './internal/names';
import { useNow } from './internal/useNow';
import { MessageSearchResults } from './MessageSearchResults';
import type { MessageSearchState } from './MessageSearchResults';
import type { ChatSlots } from './slots';

export type { ChatSelection } from './ConversationRow';

/** A failed load of the conversation list. */
export interface ChatListError {
  /** The error's code (`errorCodeOf`), worded in the UI's language. */
  code: string | null;
  /** The raw detail, for the tooltip. */
  detail?: string | null;
}

/** Props of {@link ChatSelect}: the seed's five, then optional extras. */
export interface ChatSelectProps {
  /** A conversation was chosen; `how.keyboard` when with Enter or Space. */
  onSelectChat: (chatId: string, how?: ChatSelection) => void;
  conversations: Conversation[];
  loading: boolean;
  /** Resolves with the new conversation, or `null` when it could not be created. */
  onCreateConversation: (
    type: 'private' | 'group',
    title?: string,
    participantIds?: number[],
  ) => Promise<Conversation | null>;
  selectedChatId: string | null;
  /** The user directory: names in titles and previews, and the participant picker. */
  users?: ChatUser[];
  currentUserId?: number | null;
  /**
   * Newest message per conversation id, for previews; else `conversation.last_message`.
   * A `status` of `pending` or `failed` (a `ChatMessage` of the store) is marked.
   */
  lastMessages?: Record<string, PreviewMessage | undefined>;
  /** Offers a delete action (with a confirmation) on each conversation. */
  onDeleteConversation?: (id: string) => void;
  /** Loading the list failed: an error with Retry instead of an empty list. */
  loadError?: ChatListError | null;
  onRetryLoad?: () => void;
  /** Every change of the search field (the host searches messages with it). */
  onSearchQueryChange?: (query: string) => void;
  /** Messages found for the search field's query, listed under the matching conversations. */
  messageSearch?: MessageSearchState | null;
  /** A found message was chosen. */
  onOpenSearchResult?: (hit: MessageSearchHit) => void;
  /** Retry of a failed message search. */
  onRetrySearch?: () => void;
  /** Replaces the conversation row and the empty list (see `ChatSlots`). */
  slots?: Pick<ChatSlots, 'ConversationRow' | 'EmptyList'>;
  /** Unread counts by conversation id (`selectUnreadCounts`): a badge on each row. */
  unreadCounts?: Record<string, number>;
  /** [ext] Who is typing, by conversation id: the row says "Айзада печатает…". */
  typingUserIds?: Record<string, readonly number[]>;
  /** [ext] Whether a user is online (presence): a dot on a private chat's avatar. */
  isOnline?: (userId: number) => boolean;
  className?: string;
}

interface Row {
  conversation: Conversation;
  title: string;
  last: PreviewMessage | null;
  activityMs: number;
  searchText: string;
}

function toRows(
  conversations: Conversation[],
  lastMessages: Record<string, PreviewMessage | undefined> | undefined,
  usersById: Map<number, ChatUser>,
  hasDirectory: boolean,
  currentUserId: number | null,
  strings: ChatStrings,
): Row[] {
  const rows = conversations.map((conversation) => {
    const title = conversationTitle(
      conversation,
      currentUserId,
      (id) => usersById.get(id),
      strings,
    );
    const last = lastMessages?.[conversation.id] ?? conversation.last_message ?? null;
    const activityMs = parseChatDate(last?.created_at ?? conversation.created_at);
    const names = hasDirectory
      ? (conversation.participant_ids ?? []).flatMap((id) => {
          const user = usersById.get(id);
          return user ? [user.full_name, user.username] : [];
        })
      : [];
    return {
      conversation,
      title,
      last,
      activityMs: Number.isFinite(activityMs) ? activityMs : 0,
      searchText: [conversation.title ?? '', title, ...names].join('\n').toLocaleLowerCase(),
    };
  });
  // Most recent activity first, as messengers do; ties keep the host's order.
  return rows.sort((a, b) => b.activityMs - a.activityMs);
}

/**
 * The list of conversations with search, a "new conversation" form (private or
 * group), the selected one highlighted (`aria-current`), and each one's last
 * message and its time, unread badge and typing line. Conversations are
 * ordered by latest activity.
 *
 * @example
 * ```tsx
 * <ChatSelect
 *   conversations={conversations}
 *   loading={isLoading}
 *   selectedChatId={selectedId}
 *   onSelectChat={setSelectedId}
 *   onCreateConversation={createConversation}
 *   users={directory}
 *   currentUserId={me}
 * />
 * ```
 */
export function ChatSelect({
  onSelectChat,
  conversations,
  loading,
  onCreateConversation,
  selectedChatId,
  users,
  currentUserId = null,
  lastMessages,
  onDeleteConversation,
  loadError = null,
  onRetryLoad,
  onSearchQueryChange,
  messageSearch = null,
  onOpenSearchResult,
  onRetrySearch,
  slots,
  unreadCounts,
  typingUserIds,
  isOnline,
  className,
}: ChatSelectProps) {
  const { strings } = useChatLocale();
  const Row = slots?.ConversationRow ?? ConversationRow;
  const Empty = slots?.EmptyList ?? EmptyList;
  const now = useNow();
  const headingId = useId();
  const searchId = useId();
  const panelId = useId();
  const newButtonRef = useRef<HTMLButtonElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState('');
  const [creating, setCreating] = useState(false);
  // Closing the form hands focus back to the button that opened it.
  const returnFocus = useRef(false);
  useEffect(() => {
    if (!creating && returnFocus.current) {
      returnFocus.current = false;
      newButtonRef.current?.focus();
    }
  }, [creating]);

  const usersById = useMemo(() => new Map((users ?? []).map((user) => [user.id, user])), [users]);

  const rows = useMemo(
    () =>
      toRows(conversations, lastMessages, usersById, users !== undefined, currentUserId, strings),
    [conversations, lastMessages, usersById, users, currentUserId, strings],
  );

  const needle = query.trim().toLocaleLowerCase();
  const visible = needle ? rows.filter((row) => row.searchText.includes(needle)) : rows;

  function closeCreate() {
    returnFocus.current = true;
    setCreating(false);
  }

  function changeQuery(next: string) {
    setQuery(next);
    onSearchQueryChange?.(next);
  }

  function handleCreated(conversation: Conversation) {
    setCreating(false);
    changeQuery('');
    onSelectChat(conversation.id);
  }

  function handleSearchKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Escape' && query) {
      event.preventDefault();
      changeQuery('');
    }
  }

  const titleOf = (conversationId: string) =>
    rows.find((row) => row.conversation.id === conversationId)?.title ?? strings.groupUntitled;
  const nameOf = (userId: number) =>
    userId === currentUserId ? strings.you : userName(userId, usersById.get(userId), strings);

  function preview(row: Row): string {
    const { last, conversation } = row;
    if (!last) return strings.noMessagesYet;
    const text = last.text ?? strings.emptyText;
    if (last.status === 'failed') return `${strings.failed}: ${text}`;
    if (currentUserId !== null && last.sender_id === currentUserId) {
      return `${strings.previewOwnPrefix}${text}`;
    }
    if (conversation.type === 'group') {
      return `${userName(last.sender_id, usersById.get(last.sender_id), strings)}: ${text}`;
    }
    return text;
  }

  function typingText(conversationId: string): string | null {
    const ids = typingUserIds?.[conversationId];
    if (!ids || ids.length === 0) return null;
    return strings.typing(ids.map((id) => userName(id, usersById.get(id), strings)));
  }

  function onlineOf(conversation: Conversation): boolean {
    if (!isOnline || conversation.type !== 'private') return false;
    const [other] = otherParticipantIds(conversation, currentUserId);
    return other !== undefined && isOnline(other);
  }

  function conversationList(list: Row[]) {
    return (
      <ul
        className="ucr-conversations"
        aria-labelledby={headingId}
        aria-busy={loading || undefined}
      >
        {list.map((row) => {
          const { conversation, title, last } = row;
          const selected = conversation.id === selectedChatId;
          return (
            <li
              key={conversation.id}
              className={
                selected ? 'ucr-conversation ucr-conversation--selected' : 'ucr-conversation'
              }
            >
              <Row
                conversation={conversation}
                title={title}
                lastMessage={last}
                preview={preview(row)}
                selected={selected}
                onSelect={(how) => onSelectChat(conversation.id, how)}
                onDelete={
                  onDeleteConversation ? () => onDeleteConversation(conversation.id) : undefined
                }
                now={now}
                unreadCount={unreadCounts?.[conversation.id] ?? 0}
                typing={typingText(conversation.id)}
                online={onlineOf(conversation)}
              />
            </li>
          );
        })}
      </ul>
    );
  }

  let body;
  if (creating) {
    body = (
      <div id={panelId} className="ucr-chat-select__panel">
        <CreateConversationPanel
          onCreate={onCreateConversation}
          onCreated={handleCreated}
          onClose={closeCreate}
          users={users}
          currentUserId={currentUserId}
        />
      </div>
    );
  } else if (loading && conversations.length === 0) {
    body = (
      <div className="ucr-chat-select__loading" aria-busy="true">
        <p role="status" className="ucr-visually-hidden">
          {strings.loading}
        </p>
        {[0, 1, 2, 3, 4].map((index) => (
          <div key={index} className="ucr-skeleton" aria-hidden="true">
            <span className="ucr-skeleton__avatar" />
            <span className="ucr-skeleton__lines">
              <span />
              <span />
            </span>
          </div>
        ))}
      </div>
    );
  } else if (loadError && conversations.length === 0) {
    body = (
      <div className="ucr-empty ucr-list-error" role="alert">
        <p className="ucr-empty__title">{strings.listLoadFailed}</p>
        <p className="ucr-empty__hint" title={loadError.detail ?? undefined}>
          {chatErrorText(strings, loadError.code)}
        </p>
        {onRetryLoad && (
          <button type="button" className="ucr-button ucr-button--small" onClick={onRetryLoad}>
            <RetryIcon />
            {strings.retry}
          </button>
        )}
      </div>
    );
  } else if (conversations.length === 0) {
    body = <Empty query="" onNewConversation={() => setCreating(true)} />;
  } else if (needle && messageSearch) {
    body = (
      <div className="ucr-chat-select__results">
        {visible.length > 0 && (
          <section aria-labelledby={`${headingId}-found`}>
            <h3 id={`${headingId}-found`} className="ucr-search-results__heading">
              {strings.searchConversationsHeading}
            </h3>
            {conversationList(visible)}
          </section>
        )}
        <MessageSearchResults
          search={messageSearch}
          titleOf={titleOf}
          nameOf={nameOf}
          onOpen={(hit) => onOpenSearchResult?.(hit)}
          onRetry={onRetrySearch}
        />
      </div>
    );
  } else if (visible.length === 0) {
    body = <Empty query={query.trim()} onNewConversation={() => setCreating(true)} />;
  } else {
    body = conversationList(visible);
  }

  return (
    <section
      className={['ucr-root', 'ucr-chat-select', className].filter(Boolean).join(' ')}
      aria-labelledby={headingId}
    >
      <header className="ucr-chat-select__header">
        <h2 id={headingId} className="ucr-chat-select__heading">
          {strings.conversationsHeading}
        </h2>
        {loading && conversations.length > 0 && (
          <span className="ucr-spinner" role="status" aria-label={strings.loading} />
        )}
        <button
          ref={newButtonRef}
          type="button"
          className="ucr-icon-button ucr-icon-button--accent"
          aria-label={strings.newConversation}
          title={strings.newConversation}
          aria-expanded={creating}
          aria-controls={creating ? panelId : undefined}
          onClick={() => (creating ? closeCreate() : setCreating(true))}
        >
          <PlusIcon />
        </button>
      </header>
      {!creating && (
        <div className="ucr-search">
          <SearchIcon />
          <label htmlFor={searchId} className="ucr-visually-hidden">
            {strings.searchLabel}
          </label>
          <input
            ref={searchRef}
            id={searchId}
            type="search"
            className="ucr-search__input"
            value={query}
            onChange={(event) => changeQuery(event.target.value)}
            onKeyDown={handleSearchKeyDown}
            placeholder={strings.searchPlaceholder}
            autoComplete="off"
          />
          {query && (
            <button
              type="button"
              className="ucr-icon-button ucr-search__clear"
              aria-label={strings.clearSearch}
              title={strings.clearSearch}
              onClick={() => {
                changeQuery('');
                searchRef.current?.focus();
              }}
            >
              <CloseIcon />
            </button>
          )}
        </div>
      )}
      {loadError && conversations.length > 0 && !creating && (
        <div className="ucr-list-banner" role="alert">
          <span title={loadError.detail ?? undefined}>
            {strings.listRefreshFailed}: {chatErrorText(strings, loadError.code)}
          </span>
          {onRetryLoad && (
            <button type="button" className="ucr-button ucr-button--small" onClick={onRetryLoad}>
              <RetryIcon />
              {strings.retry}
            </button>
          )}
        </div>
      )}
      <div className="ucr-chat-select__body">{body}</div>
    </section>
  );
}
