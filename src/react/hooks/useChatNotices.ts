import { noticeDismissed, selectNotices } from 'unet-chat-redux';
import { useEffect } from 'react';
import { toast } from 'sonner';
import { useChatStrings } from '../i18n';
import { useChatDispatch, useChatSelector } from './store';

/**
 * Shows the chat's notices (failed sends, rolled-back edits, lost
 * connections, an expired session…) as sonner toasts and dismisses each once
 * shown. Title and description come from the strings table
 * (`strings.notices`, `strings.noticeHints`), so a toast is always in the
 * reader's language; the server's or network's own words (`notice.detail`)
 * go to the console only. Render sonner's `<Toaster />` once in the app (the
 * seed app already does).
 *
 * @example
 * ```tsx
 * function App() {
 *   useChatNotices();
 *   return <><Toaster /><ChatContainer /></>;
 * }
 * ```
 */
export function useChatNotices(): void {
  const dispatch = useChatDispatch();
  const notices = useChatSelector(selectNotices);
  const strings = useChatStrings();

  useEffect(() => {
    for (const notice of notices) {
      toast.error(strings.notices[notice.code], {
        id: `unet-chat-${notice.id}`,
        description: strings.noticeHints[notice.code],
      });
      // For the developer, not the reader: the raw words may be English, technical, or empty.
      if (notice.detail) console.warn(`[unet-chat-redux] ${notice.code}: ${notice.detail}`);
      dispatch(noticeDismissed({ id: notice.id }));
    }
  }, [notices, strings, dispatch]);
}
