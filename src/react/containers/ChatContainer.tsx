import { selectConversations, selectLastMessages } from 'unet-chat-redux';
import type { Conversation } from 'unet-chat-redux';
import { useCallback, useState } from 'react';
import { ChatLayout, ChatSelect } from '../components';
import {
  useCreateConversationMutation,
  useDeleteConversationMutation,
  useGetConversationsQuery,
} from '../hooks/apiHooks';
import { useChatNotices } from '../hooks/useChatNotices';
import { useCurrentUserId } from '../hooks/useCurrentUserId';
import { useChatSelector } from '../hooks/store';
import { useUserDirectory } from '../hooks/useUserDirectory';
import { useChatStrings } from '../i18n';
import { ChatMessages } from './ChatMessages';

/** How often the conversation list is refreshed, so conversations others create appear. */
const LIST_REFRESH_MS = 10_000;

/**
 * The whole chat (the seed's `ChatContainer`, no props): loads the
 * conversations, creates new ones, switches between them; on a narrow screen
 * the list and the conversation are two views with a back button. Failures
 * are shown as toasts (render sonner's `<Toaster />` once in the app).
 *
 * @example
 * ```tsx
 * <Provider store={store}>
 *   <Toaster />
 *   <ChatContainer />
 * </Provider>
 * ```
 */
export function ChatContainer() {
  const strings = useChatStrings();
  const { isLoading } = useGetConversationsQuery(undefined, { pollingInterval: LIST_REFRESH_MS });
  const conversations = useChatSelector(selectConversations);
  const lastMessages = useChatSelector(selectLastMessages);
  const { users } = useUserDirectory();
  const currentUserId = useCurrentUserId();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [createConversation] = useCreateConversationMutation();
  const [deleteConversation] = useDeleteConversationMutation();
  useChatNotices();

  // A conversation that was deleted (or that we left) is no longer open.
  const selectedExists = selectedId !== null && conversations.some((c) => c.id === selectedId);

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
        setSelectedId(created.id);
        return created;
      } catch {
        // The failure reaches the person as a toast (the notices slice).
        return null;
      }
    },
    [createConversation],
  );
  const onDeleteConversation = useCallback(
    (id: string) => {
      void deleteConversation(id);
    },
    [deleteConversation],
  );
  const back = useCallback(() => setSelectedId(null), []);

  return (
    <ChatLayout
      showMain={selectedExists}
      sidebar={
        <ChatSelect
          conversations={conversations}
          loading={isLoading}
          selectedChatId={selectedExists ? selectedId : null}
          onSelectChat={setSelectedId}
          onCreateConversation={onCreateConversation}
          onDeleteConversation={onDeleteConversation}
          users={users}
          currentUserId={currentUserId}
          lastMessages={lastMessages}
        />
      }
      main={
        selectedExists && selectedId ? (
          <ChatMessages key={selectedId} conversationId={selectedId} onBack={back} />
        ) : (
          <div className="ucr-placeholder" role="note">
            <p className="ucr-placeholder__title">{strings.selectConversation}</p>
            <p className="ucr-placeholder__hint">{strings.selectConversationHint}</p>
          </div>
        )
      }
    />
  );
}
