import {
  loadOlderMessages,
  makeSelectMessages,
  selectPaging,
  subscribeToConversation,
} from 'unet-chat-redux';
import type { ChatMessage, PagingState } from 'unet-chat-redux';
import { useCallback, useEffect, useMemo } from 'react';
import { useChatDispatch, useChatSelector } from './store';

/** What {@link useConversationMessages} returns. */
export interface ConversationMessages extends PagingState {
  /** Confirmed messages by time, then pending and failed ones. */
  messages: ChatMessage[];
  /** Loads the next older page (no-op while loading or when nothing is older). */
  loadOlder: () => void;
}

/**
 * The messages of a conversation, live: subscribes on mount (opening the
 * socket and loading history), unsubscribes on unmount. Two components on the
 * same conversation share one socket.
 *
 * @example
 * ```tsx
 * const { messages, hasMoreOlder, loadOlder } = useConversationMessages(conversationId);
 * ```
 */
export function useConversationMessages(
  conversationId: string | null | undefined,
): ConversationMessages {
  const dispatch = useChatDispatch();
  const selectMessages = useMemo(() => makeSelectMessages(), []);
  const messages = useChatSelector((state) => selectMessages(state, conversationId ?? ''));
  const paging = useChatSelector((state) => selectPaging(state, conversationId ?? ''));

  useEffect(() => {
    if (!conversationId) return undefined;
    return dispatch(subscribeToConversation(conversationId));
  }, [dispatch, conversationId]);

  const loadOlder = useCallback(() => {
    if (conversationId) void dispatch(loadOlderMessages(conversationId));
  }, [dispatch, conversationId]);

  return { ...paging, messages, loadOlder };
}
