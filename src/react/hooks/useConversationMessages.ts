import {
  loadOlderMessages,
  makeSelectMessages,
  selectPaging,
  subscribeToConversation,
} from 'unet-chat-redux';
import type { ChatMessage, PagingState } from 'unet-chat-redux';
import { useCallback, useEffect, useMemo } from 'react';
import { RENDER_INTERVAL_MS, usePacedChatSelector } from './renderPace';
import { useChatDispatch, useChatSelector } from './store';

/** What {@link useConversationMessages} returns. */
export interface ConversationMessages extends PagingState {
  /** Confirmed messages by time, then pending and failed ones. */
  messages: ChatMessage[];
  /** Loads the next older page (no-op while loading or when nothing is older). */
  loadOlder: () => void;
}

/** Options of {@link useConversationMessages}. */
export interface ConversationMessagesOptions {
  /**
   * While messages arrive faster than this, `messages` changes at most once
   * per interval (the first change after a quiet moment at once): a burst
   * re-renders the list a few times, not once per socket read. `0` re-renders
   * on every change. The paging fields are not paced: an older page shows
   * as soon as it lands. Default {@link RENDER_INTERVAL_MS} (100 ms).
   */
  renderIntervalMs?: number;
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
  { renderIntervalMs = RENDER_INTERVAL_MS }: ConversationMessagesOptions = {},
): ConversationMessages {
  const dispatch = useChatDispatch();
  const selectMessages = useMemo(() => makeSelectMessages(), []);
  const messages = usePacedChatSelector(
    (state) => selectMessages(state, conversationId ?? ''),
    renderIntervalMs,
  );
  // Not paced: the page a reader scrolled back for renders when it lands, `messages` with it.
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
