import { selectTotalUnread } from 'unet-chat-redux';
import {
  useChatSelector,
  useChatStrings,
  useDesktopNotifications,
  useDocumentTitleUnread,
} from 'unet-chat-redux/react';
import { useState } from 'react';
import type { DemoText } from './text';

const NOTIFY_KEY = 'unet-chat-demo-notify';

/**
 * The header's total unread badge: the same `selectTotalUnread` the chat uses,
 * read on another part of the page (as a host's app header would).
 */
export function UnreadBadge() {
  const strings = useChatStrings();
  const total = useChatSelector(selectTotalUnread);
  if (total === 0) return null;
  return (
    <span className="demo__unread" data-testid="total-unread" title={strings.unreadCount(total)}>
      <span aria-hidden="true">{total > 99 ? '99+' : total}</span>
      <span className="demo__hidden">{strings.unreadCount(total)}</span>
    </span>
  );
}

/** The title count, and the opt-in desktop notifications with their switch. */
export function WorkspaceExtras({
  t,
  onOpen,
}: {
  t: DemoText;
  onOpen: (conversationId: string) => void;
}) {
  useDocumentTitleUnread('unet-chat · demo');
  const [wanted, setWanted] = useState(() => localStorage.getItem(NOTIFY_KEY) === 'on');
  const notifications = useDesktopNotifications({
    enabled: wanted,
    onOpen,
  });
  if (!notifications.supported) return null;
  const on = wanted && notifications.permission === 'granted';
  const toggle = async () => {
    const next = !on && (await notifications.requestPermission()) === 'granted';
    localStorage.setItem(NOTIFY_KEY, next ? 'on' : 'off');
    setWanted(next);
  };
  return (
    <button
      type="button"
      className="demo__notify"
      aria-pressed={on}
      title={notifications.permission === 'denied' ? t.notificationsBlocked : t.notifications}
      disabled={notifications.permission === 'denied'}
      onClick={() => void toggle()}
    >
      <BellIcon off={!on} />
      <span className="demo__hidden">{t.notifications}</span>
    </button>
  );
}

/** A bell (struck through when off); emoji fonts are not everywhere. */
function BellIcon({ off }: { off: boolean }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d="M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15L6 16ZM10 20.5a2 2 0 0 0 4 0" />
      {off && <path d="M4 4l16 16" />}
    </svg>
  );
}
