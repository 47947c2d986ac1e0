import { noticeDismissed, selectNotices } from 'unet-chat-redux';
import { useEffect } from 'react';
import { toast } from 'sonner';
import { useChatStrings } from '../i18n';
import { useChatDispatch, useChatSelector } from './store';

/**
 * Shows the chat's notices (failed sends, rolled-back edits, lost
 * connections, an expired session…) as sonner toasts, in the reader's
 * language, and dismisses each once shown. Render sonner's `<Toaster />`
 * once in the app (the seed app already does).
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
        description: notice.detail || undefined,
      });
      dispatch(noticeDismissed({ id: notice.id }));
    }
  }, [notices, strings, dispatch]);
}
