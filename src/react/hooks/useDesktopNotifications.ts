import {
  messagesReceived,
  selectConversationById,
  selectUsersById,
  unbatchChatActions,
  watchChatActions,
} from 'unet-chat-redux';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Message } from '../../api/types';
import { userName } from '../components/internal/names';
import { useChatStrings } from '../i18n/context';
import { claimNotification, localStorageHere } from './notificationClaim';
import { REFRESH_MS, recordViewing, viewedInAnotherTab } from './viewingRecord';
import { useChatDispatch, useChatStore } from './store';

/** Options of {@link useDesktopNotifications}. */
export interface DesktopNotificationsOptions {
  /** Opt-in: nothing is shown (and no permission asked) unless true. */
  enabled: boolean;
  /** A notification was clicked: open that conversation (the page is focused first). */
  onOpen?: (conversationId: string) => void;
}

/** What {@link useDesktopNotifications} returns. */
export interface DesktopNotifications {
  /** The browser has the Notification API. */
  supported: boolean;
  /** The browser's permission: `default` until asked, then `granted` or `denied`. */
  permission: NotificationPermission;
  /** Asks for the permission; call it from a click (browsers ignore it otherwise). */
  requestPermission: () => Promise<NotificationPermission>;
}

const supportedHere = () => typeof window !== 'undefined' && 'Notification' in window;

/**
 * Desktop notifications (the Notification API), opt-in: while `enabled` and
 * permitted, a new message from someone else shows one — only for
 * conversations not in view in a focused page. One notification per
 * conversation at a time (`tag`), so a burst replaces instead of piling up.
 *
 * @example
 * ```tsx
 * function NotifyToggle() {
 *   const [on, setOn] = useState(false);
 *   const notifications = useDesktopNotifications({ enabled: on, onOpen: openConversation });
 *   return (
 *     <button onClick={async () => setOn((await notifications.requestPermission()) === 'granted')}>
 *       Notify me
 *     </button>
 *   );
 * }
 * ```
 */
export function useDesktopNotifications({
  enabled,
  onOpen,
}: DesktopNotificationsOptions): DesktopNotifications {
  const dispatch = useChatDispatch();
  const store = useChatStore();
  const strings = useChatStrings();
  const supported = supportedHere();
  const [permission, setPermission] = useState<NotificationPermission>(() =>
    supported ? Notification.permission : 'denied',
  );
  const latest = useRef({ onOpen, strings });
  useEffect(() => {
    latest.current = { onOpen, strings };
  });

  // This tab's name in the record of what each tab has in view (see viewingRecord).
  const [tabId] = useState(newTabId);

  // What this tab has in view, for the other tabs: they do not notify for it.
  useEffect(() => {
    const storage = supported ? localStorageHere() : null;
    if (!storage) return;
    let reads: unknown = null;
    let recorded = '';
    const record = (refresh: boolean) => {
      const state = store.getState();
      if (!refresh && state.chat.reads === reads) return;
      reads = state.chat.reads;
      const inView = Object.keys(state.chat.reads)
        .filter((id) => state.chat.reads[id]?.viewing)
        .sort();
      const key = inView.join('\n');
      // Written when it changes, and rewritten on each refresh while something is in view.
      if (key === recorded && !(refresh && key !== '')) return;
      recorded = key;
      recordViewing(storage, tabId, state.chat.session.userId, inView, Date.now());
    };
    record(false);
    const unsubscribe = store.subscribe(() => record(false));
    const refresh = setInterval(() => record(true), REFRESH_MS);
    const leave = () => {
      recorded = '';
      recordViewing(storage, tabId, store.getState().chat.session.userId, [], Date.now());
    };
    window.addEventListener('pagehide', leave);
    return () => {
      unsubscribe();
      clearInterval(refresh);
      window.removeEventListener('pagehide', leave);
      leave();
    };
  }, [supported, store, tabId]);

  const requestPermission = useCallback(async (): Promise<NotificationPermission> => {
    if (!supportedHere()) return 'denied';
    const answer = await Notification.requestPermission();
    setPermission(answer);
    return answer;
  }, []);

  useEffect(() => {
    if (!enabled || !supported) return;
    let active = true;
    const show = (conversationId: string, newest: Message) => {
      const { strings: words, onOpen: open } = latest.current;
      const state = store.getState();
      const conversation = selectConversationById(state, conversationId);
      const sender = userName(newest.sender_id, selectUsersById(state)[newest.sender_id], words);
      const where = conversation?.type === 'group' ? (conversation.title ?? null) : null;
      let notification: Notification;
      try {
        notification = new Notification(words.notificationTitle(sender, where), {
          body: newest.text ?? words.emptyText,
          tag: `unet-chat-${conversationId}`,
        });
      } catch {
        // Some browsers (Chrome on Android) allow notifications only from a service worker.
        return;
      }
      notification.onclick = () => {
        window.focus();
        open?.(conversationId);
        notification.close();
      };
    };
    const stopWatching = dispatch(
      watchChatActions((action) => {
        for (const inner of unbatchChatActions(action)) {
          if (!messagesReceived.match(inner)) continue;
          const { conversationId, ids, entities, source, updatesOnly } = inner.payload;
          if (source !== 'socket' || updatesOnly) continue;
          if (Notification.permission !== 'granted') continue;
          const state = store.getState();
          if (state.chat.reads[conversationId]?.viewing) continue;
          const me = state.chat.session.userId;
          const newest = ids
            .map((id) => entities[id])
            .filter((message) => message !== undefined && message.sender_id !== me)
            .at(-1);
          if (!newest) continue;
          // In front of the person in another tab of this browser: no notification either.
          // (Read only for a message that would notify: it parses the shared record.)
          const storage = localStorageHere();
          if (storage && viewedInAnotherTab(storage, tabId, me, conversationId, Date.now()))
            continue;
          // Every tab of the person hears the message; one of them shows it.
          void claimNotification(`${me ?? 'anyone'}:${newest.id}`).then((claimed) => {
            if (claimed && active) show(conversationId, newest);
          });
        }
      }),
    );
    return () => {
      active = false;
      stopWatching();
    };
  }, [enabled, supported, dispatch, store, tabId]);

  return { supported, permission, requestPermission };
}

/** A name for this tab, unique among the tabs of the browser. */
function newTabId(): string {
  return typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
