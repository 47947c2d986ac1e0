import {
  errorCodeOf,
  makeSnippet,
  matchesAllTerms,
  searchTerms,
  selectConversations,
  selectLastMessages,
  selectUnreadCounts,
  subscribeToWorkspace,
  describeChatError,
  timelineMessages,
} from 'unet-chat-redux';
import type {
  ChatMessage,
  ChatRootState,
  ChatQueryError,
  Conversation,
  MessageSearchHit,
  Timeline,
} from 'unet-chat-redux';
import { useCallback, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { ChatLayout, ChatSelect, NoConversationSelected } from '../components';
import type { ChatListError, ChatSelection, ChatSlots, MessageSearchState } from '../components';
import {
  useCreateConversationMutation,
  useDeleteConversationMutation,
  useGetConversationsQuery,
  useSearchMessagesQuery,
} from '../hooks/apiHooks';
import { useChatNotices } from '../hooks/useChatNotices';
import { useCurrentUserId } from '../hooks/useCurrentUserId';
import { RENDER_INTERVAL_MS, usePacedChatSelector } from '../hooks/renderPace';
import { useChatDispatch } from '../hooks/store';
import { useUserDirectory } from '../hooks/useUserDirectory';
import { ChatMessages } from './ChatMessages';

/** How often the conversation list is refreshed, so conversations others create appear. */
const LIST_REFRESH_MS = 10_000;
/** A search waits for the typing to pause this long. */
const SEARCH_DELAY_MS = 300;
/** At most this many loaded messages are listed when the server cannot search. */
const LOCAL_RESULTS_MAX = 20;

/** Props of {@link ChatContainer}: all optional (the seed's has none). */
export interface ChatContainerProps {
  /**
   * The open conversation, controlled: a host's router owns it (e.g. `?c=` in
   * the URL). `null` opens none. Leave it `undefined` for the container's own state.
   */
  selectedConversationId?: string | null;
  /** The person opened a conversation (or went back to the list: `null`). */
  onSelectConversation?: (id: string | null) => void;
  /**
   * A search result was opened: its conversation is selected and the message is
   * scrolled to once loaded. A host whose store can load the history around a
   * message not loaded yet does so here.
   */
  onOpenMessage?: (conversationId: string, messageId: string) => void;
  /**
   * Your own components for parts of the chat: the message row, the
   * conversation row, the empty states and the composer (see `ChatSlots`
   * and docs/customization.md). Define the object at module level.
   */
  slots?: ChatSlots;
  /**
   * While messages arrive faster than this, the conversation list (previews,
   * unread badges) and the open conversation re-render at most once per
   * interval. `0` re-renders on every change. Default {@link RENDER_INTERVAL_MS} (100 ms).
   */
  renderIntervalMs?: number;
}

interface FocusTarget {
  conversationId: string;
  messageId: string;
}

function listErrorOf(error: unknown): ChatListError | null {
  if (!error) return null;
  const code =
    typeof error === 'object' && error !== null && 'status' in error
      ? errorCodeOf(error as ChatQueryError)
      : null;
  return { code, detail: describeChatError(error) };
}

const selectTimelines = (state: ChatRootState) => state.chat.messages.conversations;
const selectTyping = (state: ChatRootState) => state.chat.typing;
const selectPresence = (state: ChatRootState) => state.chat.presence;

/** The loaded messages that contain every word of `query`, newest first, as search hits. */
function searchLoaded(
  timelines: Record<string, Timeline>,
  conversationIds: ReadonlySet<string>,
  query: string,
): MessageSearchHit[] {
  const terms = searchTerms(query);
  if (terms.length === 0) return [];
  const found: ChatMessage[] = [];
  for (const [conversationId, timeline] of Object.entries(timelines)) {
    if (!conversationIds.has(conversationId)) continue;
    for (const message of timelineMessages(timeline)) {
      if (message.status !== 'sent' || message.text === null) continue;
      if (matchesAllTerms(message.text, terms)) found.push(message);
    }
  }
  found.sort((a, b) => b.created_ms - a.created_ms);
  return found.slice(0, LOCAL_RESULTS_MAX).map((message) => ({
    message,
    snippet: makeSnippet(message.text ?? '', terms),
  }));
}

/**
 * The whole chat (the seed's `ChatContainer`; every prop optional): loads the
 * conversations, creates new ones, switches between them; on a narrow screen
 * the list and the conversation are two views with a back button. The search
 * field finds conversations and — on a server with [ext] search — messages in
 * the whole history, else in the loaded ones (and says so); a result opens its
 * conversation at the message. While mounted it keeps the workspace live
 * (`subscribeToWorkspace`): [ext] new conversations, unread badges, typing
 * and presence arrive over the user stream. The open conversation can be controlled by the
 * host (`selectedConversationId` + `onSelectConversation`), so it fits any
 * router. Failures are shown as toasts (render sonner's `<Toaster />` once).
 *
 * @example
 * ```tsx
 * <Provider store={store}>
 *   <Toaster />
 *   <ChatContainer
 *     selectedConversationId={params.get('c')}
 *     onSelectConversation={(id) => navigate(id ? `?c=${id}` : '?')}
 *   />
 * </Provider>
 * ```
 */
export function ChatContainer({
  selectedConversationId,
  onSelectConversation,
  onOpenMessage,
  slots,
  renderIntervalMs = RENDER_INTERVAL_MS,
}: ChatContainerProps = {}) {
  const Placeholder = slots?.NoConversationSelected ?? NoConversationSelected;
  const list = useGetConversationsQuery(undefined, { pollingInterval: LIST_REFRESH_MS });
  // The list's order, previews and badges change with every message: read paced, with the
  // open conversation's (see `renderIntervalMs`).
  const conversations = usePacedChatSelector(selectConversations, renderIntervalMs);
  const lastMessages = usePacedChatSelector(selectLastMessages, renderIntervalMs);
  const { users } = useUserDirectory();
  const currentUserId = useCurrentUserId();
  const [ownSelectedId, setOwnSelectedId] = useState<string | null>(null);
  // Which conversation was opened with the keyboard, and how often: its composer takes the focus.
  const [composerFocus, setComposerFocus] = useState<{ id: string | null; count: number }>({
    id: null,
    count: 0,
  });
  const [focusTarget, setFocusTarget] = useState<FocusTarget | null>(null);
  const [createConversation] = useCreateConversationMutation();
  const [deleteConversation] = useDeleteConversationMutation();
  useChatNotices();
  const dispatch = useChatDispatch();
  // [ext] The user stream stays open while the list is on screen: new conversations,
  // unread counts, typing and presence arrive without waiting for the poll.
  useEffect(() => dispatch(subscribeToWorkspace()), [dispatch]);
  const unreadCounts = usePacedChatSelector(selectUnreadCounts, renderIntervalMs);
  const typingState = usePacedChatSelector(selectTyping, renderIntervalMs);
  const presence = usePacedChatSelector(selectPresence, renderIntervalMs);
  const typingUserIds = useMemo(() => {
    const byConversation: Record<string, number[]> = {};
    for (const [id, typists] of Object.entries(typingState)) {
      const others = Object.keys(typists)
        .map(Number)
        .filter((userId) => userId !== currentUserId);
      if (others.length > 0) byConversation[id] = others;
    }
    return byConversation;
  }, [typingState, currentUserId]);
  const isOnline = useCallback((userId: number) => presence[userId]?.online === true, [presence]);

  const controlled = selectedConversationId !== undefined;
  const selectedId = controlled ? selectedConversationId : ownSelectedId;
  const select = useCallback(
    (id: string | null) => {
      if (!controlled) setOwnSelectedId(id);
      onSelectConversation?.(id);
    },
    [controlled, onSelectConversation],
  );

  // A conversation that was deleted (or that we left) is no longer open.
  const selectedExists = selectedId !== null && conversations.some((c) => c.id === selectedId);

  const onSelectChat = useCallback(
    (id: string, how?: ChatSelection) => {
      select(id);
      // Enter on a conversation goes on into its composer; a tap does not open a keyboard.
      setComposerFocus(({ count }) =>
        how?.keyboard ? { id, count: count + 1 } : { id: null, count },
      );
    },
    [select],
  );

  const onCreateConversation = useCallback(
    async (
      type: 'private' | 'group',
      title?: string,
      participantIds?: number[],
    ): Promise<Conversation | null> => {
      try {
        const created = await createConversation({
          type,
          title: title ?? null,
          participant_ids: participantIds ?? [],
        }).unwrap();
        select(created.id);
        return created;
      } catch {
        // The failure reaches the person as a toast (the notices slice).
        return null;
      }
    },
    [createConversation, select],
  );
  const onDeleteConversation = useCallback(
    (id: string) => {
      void deleteConversation(id);
    },
    [deleteConversation],
  );
  const back = useCallback(() => select(null), [select]);

  // Message search: the server's when it has one, else the loaded messages.
  const [query, setQuery] = useState('');
  const [pausedQuery, setPausedQuery] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setPausedQuery(query.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [query]);
  // A cleared field stops searching at once; a typed one waits for a pause.
  const searchQuery = query.trim() === '' ? '' : pausedQuery;
  const remote = useSearchMessagesQuery({ q: searchQuery }, { skip: searchQuery === '' });
  const timelines = usePacedChatSelector(selectTimelines, renderIntervalMs);
  const deferredTimelines = useDeferredValue(timelines);
  const conversationIds = useMemo(() => new Set(conversations.map((c) => c.id)), [conversations]);
  const serverFailed = remote.isError && !remote.isFetching;
  const useLoaded = serverFailed || remote.data?.supported === false;
  const localResults = useMemo(
    () => (useLoaded ? searchLoaded(deferredTimelines, conversationIds, searchQuery) : []),
    [useLoaded, deferredTimelines, conversationIds, searchQuery],
  );
  const remoteError = serverFailed ? listErrorOf(remote.error) : null;
  const messageSearch: MessageSearchState | null =
    query.trim() === ''
      ? null
      : useLoaded
        ? {
            query: searchQuery,
            status: 'done',
            scope: 'loaded',
            results: localResults,
            errorCode: remoteError?.code ?? null,
            error: remoteError?.detail ?? null,
          }
        : {
            query: searchQuery,
            status:
              remote.isFetching || searchQuery !== query.trim() || !remote.data
                ? 'loading'
                : 'done',
            scope: 'server',
            results: remote.data?.results ?? [],
            hasMore: remote.data?.hasMore ?? false,
          };

  const onOpenSearchResult = useCallback(
    (hit: MessageSearchHit) => {
      const { conversation_id: conversationId, id: messageId } = hit.message;
      select(conversationId);
      setFocusTarget({ conversationId, messageId });
      onOpenMessage?.(conversationId, messageId);
    },
    [select, onOpenMessage],
  );
  const onFocusMessageDone = useCallback(() => setFocusTarget(null), []);
  const focusMessageId =
    focusTarget !== null && focusTarget.conversationId === selectedId
      ? focusTarget.messageId
      : null;

  return (
    <ChatLayout
      showMain={selectedExists}
      sidebar={
        <ChatSelect
          conversations={conversations}
          loading={list.isLoading}
          selectedChatId={selectedExists ? selectedId : null}
          onSelectChat={onSelectChat}
          onCreateConversation={onCreateConversation}
          onDeleteConversation={onDeleteConversation}
          users={users}
          currentUserId={currentUserId}
          lastMessages={lastMessages}
          loadError={list.isError && !list.isFetching ? listErrorOf(list.error) : null}
          onRetryLoad={() => void list.refetch()}
          onSearchQueryChange={setQuery}
          messageSearch={messageSearch}
          onOpenSearchResult={onOpenSearchResult}
          onRetrySearch={() => void remote.refetch()}
          slots={slots}
          unreadCounts={unreadCounts}
          typingUserIds={typingUserIds}
          isOnline={isOnline}
        />
      }
      main={
        selectedExists && selectedId ? (
          <ChatMessages
            key={selectedId}
            conversationId={selectedId}
            onBack={back}
            composerFocusRequest={composerFocus.id === selectedId ? composerFocus.count : 0}
            focusMessageId={focusMessageId}
            onFocusMessageDone={onFocusMessageDone}
            slots={slots}
            renderIntervalMs={renderIntervalMs}
          />
        ) : (
          <Placeholder />
        )
      }
    />
  );
}
