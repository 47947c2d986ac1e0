import { selectTotalUnread } from 'unet-chat-redux';
import { useEffect } from 'react';
import { useChatSelector } from './store';

/**
 * Keeps the total unread count in the document title: `(3) Chat` while
 * something is unread, `Chat` otherwise. The title goes back to what it was
 * when the component unmounts.
 *
 * @param baseTitle The title without a count.
 * @param options `enabled: false` leaves the title alone (an opt-out prop of the host).
 * @returns The total unread count (see `selectTotalUnread`).
 *
 * @example
 * ```tsx
 * function ChatPage() {
 *   useDocumentTitleUnread('Университетский чат');
 *   return <ChatContainer />;
 * }
 * ```
 */
export function useDocumentTitleUnread(
  baseTitle: string,
  { enabled = true }: { enabled?: boolean } = {},
): number {
  const total = useChatSelector(selectTotalUnread);
  useEffect(() => {
    if (!enabled || typeof document === 'undefined') return;
    const before = document.title;
    return () => {
      document.title = before;
    };
  }, [enabled]);
  useEffect(() => {
    if (!enabled || typeof document === 'undefined') return;
    document.title = total > 0 ? `(${total}) ${baseTitle}` : baseTitle;
  }, [enabled, total, baseTitle]);
  return total;
}
