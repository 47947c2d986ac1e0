import { memo, useEffect, useMemo, useRef } from 'react';
import type { KeyboardEvent } from 'react';
import type { ChatMessage } from '../../state/model';
import type { MessageReceipt } from '../../state/workspaceSelectors';
import { formatDayLabel, formatFullDate, formatMessageTime, parseChatDate } from '../format';
import { useChatLocale } from '../i18n/context';
import { chatErrorText } from '../i18n/strings';
import {
  AlertIcon,
  CheckIcon,
  ClockIcon,
  DoubleCheckIcon,
  EditIcon,
  ReplyIcon,
  RetryIcon,
  TrashIcon,
} from './internal/icons';
import { splitLinks } from './internal/links';
import { avatarHue } from './internal/names';

/**
 * The keys of the message shortcuts in the list, as tooltips show them. Letters
 * are matched by `event.code`, so they work in any keyboard layout.
 *
 * @example
 * ```ts
 * MESSAGE_SHORTCUTS.reply; // 'R'
 * ```
 */
export const MESSAGE_SHORTCUTS = { reply: 'R', edit: 'E', delete: 'Delete' } as const;

/**
 * What a message row can do, the same (stable) object for every row, so a
 * memoized row re-renders only when its own data changes.
 */
export interface MessageRowActions {
  /** Starts a reply to the message in the composer. */
  reply: (message: ChatMessage) => void;
  /** Starts editing an own message in the composer. */
  edit: (message: ChatMessage) => void;
  /** Deletes the message now (the default row calls it from its confirmation). */
  remove: (message: ChatMessage) => void;
  /** Sends a failed message again. */
  retry: (message: ChatMessage) => void;
  /** Drops a failed message. */
  discard: (message: ChatMessage) => void;
  /** Scrolls to a quoted message and highlights it (or asks the host to load it). */
  jumpTo: (messageId: string) => void;
  /** Opens the row's delete confirmation. */
  askDelete: (message: ChatMessage) => void;
  /** Closes it again; focus returns to the message. */
  cancelDelete: (message: ChatMessage) => void;
}

/** Props of {@link MessageRow} (and of a `ChatSlots.MessageRow` replacement). */
export interface MessageRowProps {
  message: ChatMessage;
  /** Sent by the reader: drawn on the right, and may be edited and deleted. */
  own: boolean;
  /** Shown above the bubble; `null` for own messages and for a run of one sender's messages. */
  senderName: string | null;
  /** A day separator is drawn above the message when it starts a new day. */
  startsDay: boolean;
  /** The quoted message, when `message.reply_to` is set and it is loaded. */
  replyTarget: ChatMessage | undefined;
  replyTargetName: string | null;
  /** Just jumped to (a quote, a search result): marked for two seconds; the list moves the focus to it. */
  highlighted: boolean;
  /** Being replied to or edited in the composer. */
  active: boolean;
  /** The list's one tab stop (roving tabindex): this row and its controls are in the Tab order. */
  tabStop: boolean;
  /** The delete confirmation is open. */
  confirmingDelete: boolean;
  /** Position in the feed, from 1 (`aria-posinset`). */
  posInSet: number;
  /** Messages in the feed, `-1` while older ones exist (`aria-setsize`). */
  setSize: number;
  /** The current time, for the day separator ("Сегодня"); ticks once a minute. */
  now: number;
  actions: MessageRowActions;
  /**
   * What became of an own message in a private chat (`selectReceipt`): one
   * tick sent, two delivered, two coloured read. Absent: no mark.
   */
  receipt?: MessageReceipt;
}

/** The attributes of a message's focusable root: see {@link messageArticleProps}. */
export interface MessageArticleProps {
  'data-message-id': string;
  tabIndex: 0 | -1;
  'aria-posinset': number;
  'aria-setsize': number;
  'aria-busy': true | undefined;
}

/**
 * The attributes a message row's focusable root element must carry, so the
 * list's keyboard navigation (one tab stop, arrows, R/E/Delete shortcuts)
 * and its focus handling find it, and a screen reader reads it as an item of
 * the feed. A custom `ChatSlots.MessageRow` that draws its own markup spreads
 * them on its `<article>`; one that wraps {@link MessageRow} needs nothing.
 * The list finds the element by `data-message-id`.
 *
 * @example
 * ```tsx
 * function PlainRow(props: MessageRowProps) {
 *   return (
 *     <article {...messageArticleProps(props)} className="plain-row">
 *       {props.message.text}
 *     </article>
 *   );
 * }
 * ```
 */
export function messageArticleProps({
  message,
  tabStop,
  posInSet,
  setSize,
}: Pick<MessageRowProps, 'message' | 'tabStop' | 'posInSet' | 'setSize'>): MessageArticleProps {
  return {
    'data-message-id': message.id,
    tabIndex: tabStop ? 0 : -1,
    'aria-posinset': posInSet,
    'aria-setsize': setSize,
    'aria-busy': message.status === 'pending' || undefined,
  };
}

/**
 * One message of the list (the default `ChatSlots.MessageRow`): a day
 * separator when it starts a day, the sender, the quote (a button that jumps
 * to it), the text with safe links, the time, "edited", the pending or failed
 * state with Retry and Discard, the Reply/Edit/Delete actions (shown on focus
 * and hover) and the inline delete confirmation. Memoized: it re-renders only
 * when its own props change.
 *
 * @example
 * ```tsx
 * // A custom row that keeps the default and adds a line under it.
 * const slots: ChatSlots = {
 *   MessageRow: memo((props: MessageRowProps) => (
 *     <>
 *       <MessageRow {...props} />
 *       {props.message.is_edited && <small>edited by staff</small>}
 *     </>
 *   )),
 * };
 * ```
 */
export const MessageRow = memo(function MessageRow({
  message,
  own,
  senderName,
  startsDay,
  replyTarget,
  replyTargetName,
  highlighted,
  active,
  tabStop,
  confirmingDelete,
  posInSet,
  setSize,
  now,
  actions,
  receipt,
}: MessageRowProps) {
  const { strings, dateLocale, timeZone } = useChatLocale();
  const confirmRef = useRef<HTMLButtonElement>(null);
  const tabIndex = tabStop ? 0 : -1;
  const segments = useMemo(
    () => (message.text === null ? null : splitLinks(message.text)),
    [message.text],
  );

  useEffect(() => {
    if (confirmingDelete) confirmRef.current?.focus();
  }, [confirmingDelete]);

  const dateOptions = { locale: dateLocale, timeZone, now };
  const sent = message.status === 'sent';
  const createdIso = new Date(message.created_ms).toISOString();
  const editedMs = message.updated_at ? parseChatDate(message.updated_at) : NaN;

  function cancelDeleteOnEscape(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      actions.cancelDelete(message);
    }
  }

  const replyLabel = strings.withShortcut(strings.reply, MESSAGE_SHORTCUTS.reply);
  const editLabel = strings.withShortcut(strings.edit, MESSAGE_SHORTCUTS.edit);
  const deleteLabel = strings.withShortcut(strings.delete, MESSAGE_SHORTCUTS.delete);

  const classes = [
    'ucr-message',
    own ? 'ucr-message--own' : 'ucr-message--other',
    `ucr-message--${message.status}`,
    highlighted && 'ucr-message--highlighted',
    active && 'ucr-message--active',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <>
      {startsDay && (
        <div className="ucr-day">
          <span className="ucr-day__label">
            {formatDayLabel(message.created_ms, dateOptions, strings)}
          </span>
        </div>
      )}
      <article
        {...messageArticleProps({ message, tabStop, posInSet, setSize })}
        className={classes}
        data-status={message.status}
      >
        <div className="ucr-message__line">
          <div className="ucr-bubble">
            {senderName !== null && (
              <div
                className="ucr-message__sender"
                style={{ ['--ucr-sender-hue' as string]: avatarHue(String(message.sender_id)) }}
              >
                {senderName}
              </div>
            )}
            {message.reply_to !== null && (
              <button
                type="button"
                className="ucr-quote"
                tabIndex={tabIndex}
                onClick={() => message.reply_to !== null && actions.jumpTo(message.reply_to)}
              >
                {/* Named by what it shows, so speech commands can say what they see. */}
                <span className="ucr-visually-hidden">{strings.jumpToQuoted} </span>
                {replyTarget ? (
                  <>
                    <span className="ucr-quote__name">{replyTargetName}</span>
                    <span className="ucr-quote__text">{replyTarget.text ?? strings.emptyText}</span>
                  </>
                ) : (
                  <span className="ucr-quote__text ucr-quote__text--missing">
                    {strings.replyTargetMissing}
                  </span>
                )}
              </button>
            )}
            <div
              className={
                segments === null
                  ? 'ucr-message__text ucr-message__text--empty'
                  : 'ucr-message__text'
              }
            >
              {segments === null
                ? strings.emptyText
                : segments.map((segment, index) =>
                    segment.kind === 'link' ? (
                      <a
                        key={index}
                        className="ucr-link"
                        href={segment.href}
                        target="_blank"
                        rel="noopener noreferrer"
                        tabIndex={tabIndex}
                      >
                        {segment.text}
                      </a>
                    ) : (
                      segment.text
                    ),
                  )}
            </div>
            <div className="ucr-message__meta">
              {message.is_edited && (
                <span
                  className="ucr-message__edited"
                  title={
                    Number.isFinite(editedMs)
                      ? strings.editedAt(formatFullDate(editedMs, dateOptions))
                      : undefined
                  }
                >
                  {strings.edited}
                </span>
              )}
              <time
                className="ucr-message__time"
                dateTime={createdIso}
                title={formatFullDate(message.created_ms, dateOptions)}
              >
                {/* The day separator above names the day; the bubble keeps only the time. */}
                {formatMessageTime(message.created_ms, { ...dateOptions, now: message.created_ms })}
              </time>
              {sent && (receipt === 'sent' || receipt === 'delivered' || receipt === 'read') && (
                <ReceiptMark receipt={receipt} />
              )}
              {message.status === 'pending' && (
                <span className="ucr-message__state" title={strings.pending}>
                  <ClockIcon />
                  <span className="ucr-visually-hidden">{strings.pending}</span>
                </span>
              )}
              {message.status === 'failed' && (
                <span className="ucr-message__state ucr-message__state--failed">
                  <AlertIcon />
                  <span className="ucr-visually-hidden">{strings.failed}</span>
                </span>
              )}
            </div>
          </div>

          {sent && !confirmingDelete && (
            <div className="ucr-message__actions">
              <button
                type="button"
                className="ucr-icon-button"
                aria-label={strings.reply}
                aria-keyshortcuts={MESSAGE_SHORTCUTS.reply}
                title={replyLabel}
                tabIndex={tabIndex}
                onClick={() => actions.reply(message)}
              >
                <ReplyIcon />
              </button>
              {own && (
                <>
                  <button
                    type="button"
                    className="ucr-icon-button"
                    aria-label={strings.edit}
                    aria-keyshortcuts={MESSAGE_SHORTCUTS.edit}
                    title={editLabel}
                    tabIndex={tabIndex}
                    onClick={() => actions.edit(message)}
                  >
                    <EditIcon />
                  </button>
                  <button
                    type="button"
                    className="ucr-icon-button ucr-icon-button--danger"
                    aria-label={strings.delete}
                    aria-keyshortcuts={MESSAGE_SHORTCUTS.delete}
                    title={deleteLabel}
                    tabIndex={tabIndex}
                    onClick={() => actions.askDelete(message)}
                  >
                    <TrashIcon />
                  </button>
                </>
              )}
            </div>
          )}
        </div>

        {message.status === 'failed' && (
          <div className="ucr-message__failure">
            <span className="ucr-message__error" title={message.error ?? undefined}>
              {(message.elsewhere ? strings.failedElsewhere : strings.failedBecause)(
                chatErrorText(strings, message.errorCode ?? null),
              )}
            </span>
            {/* Another tab's message is retried or discarded there: its outbox holds it. */}
            {!message.elsewhere && (
              <span className="ucr-message__failure-actions">
                <button
                  type="button"
                  className="ucr-button ucr-button--small"
                  tabIndex={tabIndex}
                  onClick={() => actions.retry(message)}
                >
                  <RetryIcon />
                  {strings.retry}
                </button>
                <button
                  type="button"
                  className="ucr-button ucr-button--small ucr-button--ghost"
                  tabIndex={tabIndex}
                  onClick={() => actions.discard(message)}
                >
                  {strings.discard}
                </button>
              </span>
            )}
          </div>
        )}

        {sent && confirmingDelete && (
          <div
            className="ucr-message__confirm"
            role="group"
            aria-label={strings.deleteMessageConfirm}
            onKeyDown={cancelDeleteOnEscape}
          >
            <span>{strings.deleteMessageConfirm}</span>
            <button
              ref={confirmRef}
              type="button"
              className="ucr-button ucr-button--small ucr-button--danger"
              onClick={() => actions.remove(message)}
            >
              {strings.confirmDelete}
            </button>
            <button
              type="button"
              className="ucr-button ucr-button--small ucr-button--ghost"
              onClick={() => actions.cancelDelete(message)}
            >
              {strings.cancel}
            </button>
          </div>
        )}
      </article>
    </>
  );
}, sameShownProps);

/**
 * The row's memo comparison: every prop but `tabStop` and `setSize`. Those two
 * move with the end of the list (the tab stop follows the newest message, the
 * size grows), and `MessageList` writes them onto the row's DOM itself
 * (`tabindex` of the article and its controls, `aria-setsize`), so appending a
 * message re-renders the new row only, not the one that was last before it.
 */
function sameShownProps(previous: MessageRowProps, next: MessageRowProps): boolean {
  for (const key of Object.keys(next) as Array<keyof MessageRowProps>) {
    if (key === 'tabStop' || key === 'setSize') continue;
    if (!Object.is(previous[key], next[key])) return false;
  }
  return Object.keys(previous).length === Object.keys(next).length;
}

function ReceiptMark({ receipt }: { receipt: 'sent' | 'delivered' | 'read' }) {
  const strings = useChatLocale().strings;
  const label =
    receipt === 'read'
      ? strings.receiptRead
      : receipt === 'delivered'
        ? strings.receiptDelivered
        : strings.receiptSent;
  return (
    <span
      className={`ucr-receipt ucr-receipt--${receipt}`}
      role="img"
      aria-label={label}
      title={label}
      data-receipt={receipt}
    >
      {receipt === 'sent' ? <CheckIcon /> : <DoubleCheckIcon />}
    </span>
  );
}
