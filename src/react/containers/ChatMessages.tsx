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
} from 'unet-chat-redux';
import type { ChatMessage } from 'unet-chat-redux';
import { useCallback } from 'react';
import { ChatMessagesView } from '../components';
import type { ChatMessagesViewProps } from '../components';
import { useGetConversationQuery } from '../hooks/apiHooks';
import { useConnection } from '../hooks/useConnection';
import { useConversationMessages } from '../hooks/useConversationMessages';
import { useCurrentUserId } from '../hooks/useCurrentUserId';
import { useChatDispatch, useChatSelector, useChatStore } from '../hooks/store';
import { useUserDirectory } from '../hooks/useUserDirectory';

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
 * a composer. Connects {@link ChatMessagesView} to the store.
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
      {...passed}
    />
  );
}
