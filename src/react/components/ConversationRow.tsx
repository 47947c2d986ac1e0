import { useState } from 'react';
import type { Conversation, Message } from '../../api/types';
import type { MessageStatus } from '../../state/model';
import { formatFullDate, formatListTime, parseChatDate } from '../format';
import { useChatLocale } from '../i18n/context';
import { AlertIcon, ClockIcon, TrashIcon } from './internal/icons';
import { avatarHue, initials } from './internal/names';

/** How a conversation was chosen: by keyboard (Enter or Space), so its composer may take the focus. */
export interface ChatSelection {
  keyboard: boolean;
}

/** A list preview's message: the server's, or the store's with its delivery status. */
export type PreviewMessage = Message & { status?: MessageStatus };

/** Props of {@link ConversationRow} (and of a `ChatSlots.ConversationRow` replacement). */
export interface ConversationRowProps {
  conversation: Conversation;
  /** The title as the list shows it: the conversation's own, else the other people's names. */
  title: string;
  /** The newest message, for the preview and the time; `null` when there is none. */
  lastMessage: PreviewMessage | null;
  /** The preview line, worded: "Вы: …", "Иван: …" in a group, "Сообщений пока нет". */
  preview: string;
  /** The open conversation: the default row marks it with `aria-current`. */
  selected: boolean;
  /**
   * Opens the conversation. Pass `{ keyboard: true }` when it was chosen with the
   * keyboard, so its composer takes the focus (a click with `event.detail === 0`
   * is Enter or Space on a button).
   */
  onSelect: (how: ChatSelection) => void;
  /** Deletes the conversation; absent when the list offers no delete. The default row asks first. */
  onDelete?: () => void;
  /** The current time, for relative times ("10:24", "вчера"); ticks once a minute. */
  now: number;
  /** Messages not seen yet: a badge (with an accessible label); 0 or absent shows none. */
  unreadCount?: number;
  /** [ext] Who is typing, worded ("Айзада печатает…"): shown instead of the preview. */
  typing?: string | null;
  /** [ext] A private chat's other person is online: a dot on the avatar. */
  online?: boolean;
}

/**
 * One conversation in the list: avatar, title, the last message's time and
 * preview (a clock while it is sending, a mark when it failed), the unread
 * badge, "… печатает…" instead of the preview while someone types, an online
 * dot for a private chat's other person, and a delete
 * button with an inline confirmation (Escape cancels). `ChatSelect` renders it
 * inside its `<li className="ucr-conversation">`.
 *
 * @example
 * ```tsx
 * <ul className="ucr-conversations">
 *   <li className="ucr-conversation">
 *     <ConversationRow
 *       conversation={conversation}
 *       title="Приёмная комиссия"
 *       lastMessage={null}
 *       preview="Сообщений пока нет"
 *       selected={false}
 *       onSelect={() => open(conversation.id)}
 *       now={Date.now()}
 *     />
 *   </li>
 * </ul>
 * ```
 */
export function ConversationRow({
  conversation,
  title,
  lastMessage: last,
  preview,
  selected,
  onSelect,
  onDelete,
  now,
  unreadCount = 0,
  typing = null,
  online = false,
}: ConversationRowProps) {
  const { strings, dateLocale, timeZone } = useChatLocale();
  const [confirming, setConfirming] = useState(false);
  const dateOptions = { locale: dateLocale, timeZone, now };
  const lastMs = last ? parseChatDate(last.created_at) : NaN;

  return (
    <>
      <button
        type="button"
        className="ucr-conversation__button"
        aria-current={selected ? 'true' : undefined}
        data-unread={unreadCount > 0 ? unreadCount : undefined}
        onClick={(event) => onSelect({ keyboard: event.detail === 0 })}
      >
        <span
          className="ucr-avatar"
          aria-hidden="true"
          style={{ ['--ucr-avatar-hue' as string]: avatarHue(conversation.id) }}
        >
          {initials(title)}
          {online && <span className="ucr-avatar__online" />}
        </span>
        <span className="ucr-conversation__body">
          <span className="ucr-conversation__top">
            <span className="ucr-conversation__title">{title}</span>
            {online && <span className="ucr-visually-hidden">, {strings.online}</span>}
            {Number.isFinite(lastMs) && (
              <time
                className="ucr-conversation__time"
                dateTime={new Date(lastMs).toISOString()}
                title={formatFullDate(lastMs, dateOptions)}
              >
                {formatListTime(lastMs, dateOptions)}
              </time>
            )}
          </span>
          <span className="ucr-conversation__bottom">
            {typing ? (
              <span className="ucr-conversation__preview ucr-conversation__typing">{typing}</span>
            ) : (
              <span
                className={
                  last ? 'ucr-conversation__preview' : 'ucr-conversation__preview ucr-muted'
                }
                data-status={last?.status}
              >
                {last?.status === 'pending' && (
                  <span className="ucr-conversation__state" title={strings.pending}>
                    <ClockIcon />
                    <span className="ucr-visually-hidden">{strings.pending}: </span>
                  </span>
                )}
                {last?.status === 'failed' && (
                  <span className="ucr-conversation__state ucr-conversation__state--failed">
                    <AlertIcon />
                  </span>
                )}
                {preview}
              </span>
            )}
            {unreadCount > 0 && (
              <span className="ucr-badge" title={strings.unreadCount(unreadCount)}>
                <span aria-hidden="true">{unreadCount > 99 ? '99+' : unreadCount}</span>
                <span className="ucr-visually-hidden">, {strings.unreadCount(unreadCount)}</span>
              </span>
            )}
          </span>
        </span>
      </button>
      {onDelete && !confirming && (
        <button
          type="button"
          className="ucr-icon-button ucr-icon-button--danger ucr-conversation__delete"
          aria-label={strings.deleteConversation(title)}
          title={strings.deleteConversation(title)}
          onClick={() => setConfirming(true)}
        >
          <TrashIcon />
        </button>
      )}
      {onDelete && confirming && (
        <div
          className="ucr-conversation__confirm"
          role="group"
          aria-label={strings.deleteConversationConfirm}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.preventDefault();
              setConfirming(false);
            }
          }}
        >
          <span>{strings.deleteConversationConfirm}</span>
          <button
            type="button"
            className="ucr-button ucr-button--small ucr-button--danger"
            autoFocus
            onClick={() => {
              setConfirming(false);
              onDelete();
            }}
          >
            {strings.confirmDelete}
          </button>
          <button
            type="button"
            className="ucr-button ucr-button--small ucr-button--ghost"
            onClick={() => setConfirming(false)}
          >
            {strings.cancel}
          </button>
        </div>
      )}
    </>
  );
}
