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
import type { ChatMessage, MessageReceipt } from 'unet-chat-redux';
import { useCallback, useEffect, useRef } from 'react';
import { shallowEqual } from 'react-redux';
import { ChatMessagesView } from '../components';
import type { ChatMessagesViewProps } from '../components';
import { useGetConversationQuery } from '../hooks/apiHooks';
import { useConnection } from '../hooks/useConnection';
import { useConversationMessages } from '../hooks/useConversationMessages';
import { useCurrentUserId } from '../hooks/useCurrentUserId';
import { usePageAttention } from '../hooks/usePageAttention';
import { useChatDispatch, useChatSelector, useChatStore } from '../hooks/store';
import { useUserDirectory } from '../hooks/useUserDirectory';

const noReceipts: Record<string, MessageReceipt> = {};

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
  className,
  ...passed
}: ChatMessagesProps) {
  const dispatch = useChatDispatch();
  const store = useChatStore();
  const currentUserId = useCurrentUserId();
  const { usersById } = useUserDirectory();

  const conversation = useChatSelector((state) => selectConversationById(state, conversationId));
  // Used on its own (without the list), the component loads its conversation itself.
  useGetConversationQuery(conversationId, { skip: conversation !== undefined });
  const { messages, hasMoreOlder, loadingOlder, historyLoaded, loadOlder } =
    useConversationMessages(conversationId);
  const connection = useConnection(conversationId);
  const sync = useChatSelector((state) => selectSyncStatus(state, conversationId));
  const gapAfterId = useChatSelector((state) => selectGapAfterId(state, conversationId));
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
  const dividerAfterId = useChatSelector((state) =>
    selectNewMessagesDividerAfter(state, conversationId),
  );
  const typingUserIds = useChatSelector((state) => selectTypingUserIds(state, conversationId));
  const presence = useChatSelector((state) => state.chat.presence);
  const receipts = useChatSelector((state) => {
    if (state.chat.conversations.entities[conversationId]?.type !== 'private') return noReceipts;
    const byId: Record<string, MessageReceipt> = {};
    for (const message of messages) {
      if (message.sender_id === currentUserId && message.status === 'sent')
        byId[message.id] = selectReceipt(state, conversationId, message.id);
    }
    return byId;
  }, shallowEqual);
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
    },
    [dispatch, conversationId],
  );
  const onEdit = useCallback(
    (id: string, text: string) => {
      void dispatch(chatApi.endpoints.editMessage.initiate({ id, text }));
    },
    [dispatch],
  );
  const onDelete = useCallback(
    (id: string) => {
      void dispatch(chatApi.endpoints.deleteMessage.initiate(id));
    },
    [dispatch],
  );
  const onRetry = useCallback(
    (message: ChatMessage) => {
      dispatch(messageRetried({ conversationId, clientId: message.id }));
    },
    [dispatch, conversationId],
  );
  const onDiscard = useCallback(
    (message: ChatMessage) => {
      dispatch(messageDiscarded({ conversationId, clientId: message.id }));
    },
    [dispatch, conversationId],
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
