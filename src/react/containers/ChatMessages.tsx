import {
  chatApi,
  messageDiscarded,
  messageRetried,
  draftChanged,
  selectConversationById,
  selectConversationMessage,
  selectDraft,
  selectGapAfterId,
  selectSyncStatus,
  submitMessage,
  syncRetryRequested,
  conversationViewed,
  messagesSeen,
  selectNewMessagesDividerAfter,
  selectReceipt,
  selectTypingUserIds,
  userTyping,
} from 'unet-chat-redux';
import type { ChatMessage, ChatRootState, MessageReceipt } from 'unet-chat-redux';
import { useCallback, useEffect, useRef } from 'react';
import { shallowEqual } from 'react-redux';
import { ChatMessagesView } from '../components';
import type { ChatMessagesViewProps } from '../components';
import { useGetConversationQuery } from '../hooks/apiHooks';
import { useConnection } from '../hooks/useConnection';
import { useConversationMessages } from '../hooks/useConversationMessages';
import { useCurrentUserId } from '../hooks/useCurrentUserId';
import { usePageAttention } from '../hooks/usePageAttention';
import { RENDER_INTERVAL_MS, usePacedChatSelector, useRenderPacer } from '../hooks/renderPace';
import { useChatDispatch, useChatSelector, useChatStore } from '../hooks/store';
import { useUserDirectory } from '../hooks/useUserDirectory';

const noReceipts: Record<string, MessageReceipt> = {};
const selectPresence = (state: ChatRootState) => state.chat.presence;

/** View props a host (or `ChatContainer`) may pass straight through to {@link ChatMessagesView}. */
type PassedViewProps = Pick<
  ChatMessagesViewProps,
  'focusMessageId' | 'onFocusMessageDone' | 'composerFocusRequest' | 'slots'
>;

/** Props of {@link ChatMessages}. */
export interface ChatMessagesProps extends PassedViewProps {
  /** The conversation to show (the seed's only prop). */
  conversationId: string;
  /** Shows a back button in the header (narrow layouts). */
  onBack?: () => void;
  /** Socket reconnect attempts, shown as "attempt n of m". Default 5. */
  maxAttempts?: number;
  /**
   * While messages arrive faster than this, the list re-renders at most once
   * per interval; the person's own sends, edits and deletions, and the older
   * pages they scroll back to, show at once.
   * `0` re-renders on every change. Default {@link RENDER_INTERVAL_MS} (100 ms).
   */
  renderIntervalMs?: number;
  className?: string;
}

/**
 * One conversation, live: history with scroll-back, real-time messages,
 * reply, edit, delete, pending and failed states, a connection indicator and
 * a composer; the "new messages" divider, who is typing, presence and
 * receipts. While shown in a visible, focused page it reports
 * `conversationViewed` and `messagesSeen` (the newest message on screen), and
 * the composer reports `userTyping`. Connects {@link ChatMessagesView} to the store.
 *
 * @example
 * ```tsx
 * <ChatMessages conversationId={id} />
 * ```
 */
export function ChatMessages({
  conversationId,
  onBack,
  maxAttempts = 5,
  renderIntervalMs = RENDER_INTERVAL_MS,
  className,
  ...passed
}: ChatMessagesProps) {
  const dispatch = useChatDispatch();
  const pacer = useRenderPacer(renderIntervalMs);
  const store = useChatStore();
  const currentUserId = useCurrentUserId();
  const { usersById } = useUserDirectory();

  // What changes with every message is read paced (see `renderIntervalMs`); the draft is not:
  // the person's typing renders at once, and with it everything else.
  const conversation = usePacedChatSelector(
    (state) => selectConversationById(state, conversationId),
    renderIntervalMs,
  );
  // Used on its own (without the list), the component loads its conversation itself.
  useGetConversationQuery(conversationId, { skip: conversation !== undefined });
  const { messages, hasMoreOlder, loadingOlder, historyLoaded, loadOlder } =
    useConversationMessages(conversationId, { renderIntervalMs });
  const connection = useConnection(conversationId);
  const sync = usePacedChatSelector(
    (state) => selectSyncStatus(state, conversationId),
    renderIntervalMs,
  );
  const gapAfterId = usePacedChatSelector(
    (state) => selectGapAfterId(state, conversationId),
    renderIntervalMs,
  );
  const draft = useChatSelector((state) => selectDraft(state, conversationId));
  const onDraftChange = useCallback(
    (text: string) => dispatch(draftChanged({ conversationId, text })),
    [dispatch, conversationId],
  );
  // In view while shown in a visible, focused page: the divider stays put, nothing counts as unread.
  const attentive = usePageAttention();
  useEffect(() => {
    if (!attentive) return;
    dispatch(conversationViewed({ conversationId, viewing: true }));
    return () => {
      dispatch(conversationViewed({ conversationId, viewing: false }));
    };
  }, [dispatch, conversationId, attentive]);
  // The newest message on screen counts as read only while the page has the person's attention.
  // Kept in refs, not state: the list reports it after its commits, and a state here would
  // re-render the whole conversation (one more commit) for every report during a burst.
  const newestVisible = useRef<{ conversationId: string; message: ChatMessage } | null>(null);
  const attentiveNow = useRef(attentive);
  // The conversation whose `conversationViewed` has been dispatched: the list's effects run
  // before this component's, and a report before it would move the read cursor past the
  // messages the divider is to mark as new.
  const viewedNow = useRef<string | null>(null);
  const reportSeen = useCallback(() => {
    const seen = newestVisible.current;
    if (!attentiveNow.current || viewedNow.current !== conversationId) return;
    if (!seen || seen.conversationId !== conversationId) return;
    dispatch(
      messagesSeen({
        conversationId,
        messageId: seen.message.id,
        createdMs: seen.message.created_ms,
      }),
    );
  }, [dispatch, conversationId]);
  // After the effect above, so a report goes out after `conversationViewed`.
  useEffect(() => {
    attentiveNow.current = attentive;
    viewedNow.current = conversationId;
    reportSeen();
  }, [attentive, conversationId, reportSeen]);
  const reportQueued = useRef(false);
  const onNewestVisibleChange = useCallback(
    (message: ChatMessage) => {
      newestVisible.current = { conversationId, message };
      // The list reports from its effects, which run before this component's store
      // subscriptions take in the render they belong to: a dispatch right there makes each
      // of them compare the new state with the previous render's and re-render (and bail
      // out) — one more commit per batch of messages. After the effects, it changes nothing.
      if (reportQueued.current) return;
      reportQueued.current = true;
      queueMicrotask(() => {
        reportQueued.current = false;
        reportSeen();
      });
    },
    [conversationId, reportSeen],
  );
  const dividerAfterId = usePacedChatSelector(
    (state) => selectNewMessagesDividerAfter(state, conversationId),
    renderIntervalMs,
  );
  const typingUserIds = usePacedChatSelector(
    (state) => selectTypingUserIds(state, conversationId),
    renderIntervalMs,
  );
  const presence = usePacedChatSelector(selectPresence, renderIntervalMs);
  const receipts = usePacedChatSelector(
    (state) => {
      if (state.chat.conversations.entities[conversationId]?.type !== 'private') return noReceipts;
      const byId: Record<string, MessageReceipt> = {};
      for (const message of messages) {
        if (message.sender_id === currentUserId && message.status === 'sent')
          byId[message.id] = selectReceipt(state, conversationId, message.id);
      }
      return byId;
    },
    renderIntervalMs,
    shallowEqual,
  );
  const onTyping = useCallback(
    () => dispatch(userTyping({ conversationId })),
    [dispatch, conversationId],
  );
  const onRetrySync = useCallback(
    () => dispatch(syncRetryRequested({ conversationId })),
    [dispatch, conversationId],
  );

  const resolveMessage = useCallback(
    (id: string) => selectConversationMessage(store.getState(), conversationId, id),
    [store, conversationId],
  );
  const onSend = useCallback(
    (text: string, replyTo: string | null) => {
      dispatch(submitMessage({ conversationId, text, replyTo }));
      // The person's own actions show at once, not at the end of the list's interval.
      pacer.flush();
    },
    [dispatch, pacer, conversationId],
  );
  const onEdit = useCallback(
    (id: string, text: string) => {
      void dispatch(chatApi.endpoints.editMessage.initiate({ id, text }));
      pacer.flush();
    },
    [dispatch, pacer],
  );
  const onDelete = useCallback(
    (id: string) => {
      void dispatch(chatApi.endpoints.deleteMessage.initiate(id));
      pacer.flush();
    },
    [dispatch, pacer],
  );
  const onRetry = useCallback(
    (message: ChatMessage) => {
      dispatch(messageRetried({ conversationId, clientId: message.id }));
      pacer.flush();
    },
    [dispatch, pacer, conversationId],
  );
  const onDiscard = useCallback(
    (message: ChatMessage) => {
      dispatch(messageDiscarded({ conversationId, clientId: message.id }));
      pacer.flush();
    },
    [dispatch, pacer, conversationId],
  );

  return (
    <ChatMessagesView
      className={className}
      conversation={conversation}
      messages={messages}
      currentUserId={currentUserId}
      users={usersById}
      resolveMessage={resolveMessage}
      loading={!historyLoaded && messages.length === 0}
      hasMoreOlder={hasMoreOlder}
      loadingOlder={loadingOlder}
      onLoadOlder={loadOlder}
      connectionStatus={connection.status}
      connectionAttempt={connection.attempt}
      connectionMaxAttempts={maxAttempts}
      connectionNextDelayMs={connection.nextDelayMs}
      connectionError={connection.error}
      connectionCode={connection.code}
      onReconnect={connection.reconnect}
      onSend={onSend}
      onEdit={onEdit}
      onDelete={onDelete}
      onRetry={onRetry}
      onDiscard={onDiscard}
      onBack={onBack}
      sync={sync}
      onRetrySync={onRetrySync}
      gapAfterId={gapAfterId}
      draft={draft}
      onDraftChange={onDraftChange}
      dividerAfterId={dividerAfterId}
      receipts={receipts}
      onNewestVisibleChange={onNewestVisibleChange}
      typingUserIds={typingUserIds}
      presence={presence}
      onTyping={onTyping}
      {...passed}
    />
  );
}
