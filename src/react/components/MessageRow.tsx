import { memo, useEffect, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { ChatMessage } from '../../state/model';
import { formatDayLabel, formatFullDate, formatMessageTime, parseChatDate } from '../format';
import { useChatLocale } from '../i18n/context';
import { AlertIcon, ClockIcon, EditIcon, ReplyIcon, RetryIcon, TrashIcon } from './internal/icons';
import { avatarHue } from './internal/names';

/** Stable callbacks shared by every row, so a row re-renders only when its own data changes. */
export interface MessageRowActions {
  reply: (message: ChatMessage) => void;
  edit: (message: ChatMessage) => void;
  remove: (message: ChatMessage) => void;
  retry: (message: ChatMessage) => void;
  discard: (message: ChatMessage) => void;
  jumpTo: (messageId: string) => void;
}

export interface MessageRowProps {
  message: ChatMessage;
  own: boolean;
  /** Shown above the bubble; `null` for own messages and for a run of one sender's messages. */
  senderName: string | null;
  /** A day separator is drawn above the message when it starts a new day. */
  startsDay: boolean;
  /** The quoted message, when `message.reply_to` is set and it is loaded. */
  replyTarget: ChatMessage | undefined;
  replyTargetName: string | null;
  highlighted: boolean;
  /** Being replied to or edited in the composer. */
  active: boolean;
  posInSet: number;
  setSize: number;
  now: number;
  actions: MessageRowActions;
}

/** One message: optional day separator, sender, quote, text, time and the actions its state allows. */
export const MessageRow = memo(function MessageRow({
  message,
  own,
  senderName,
  startsDay,
  replyTarget,
  replyTargetName,
  highlighted,
  active,
  posInSet,
  setSize,
  now,
  actions,
}: MessageRowProps) {
  const { strings, dateLocale, timeZone } = useChatLocale();
  const articleRef = useRef<HTMLElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const [confirmingDelete, setConfirmingDelete] = useState(false);

  useEffect(() => {
    // A jump lands keyboard and screen-reader users on the target, not only the eye.
    if (highlighted) articleRef.current?.focus({ preventScroll: true });
  }, [highlighted]);

  useEffect(() => {
    if (confirmingDelete) confirmRef.current?.focus();
  }, [confirmingDelete]);

  const dateOptions = { locale: dateLocale, timeZone, now };
  const sent = message.status === 'sent';
  const createdIso = new Date(message.created_ms).toISOString();
  const editedMs = message.updated_at ? parseChatDate(message.updated_at) : NaN;
  const text = message.text;

  function cancelDeleteOnEscape(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape') {
      event.preventDefault();
      setConfirmingDelete(false);
    }
  }

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
        ref={articleRef}
        className={classes}
        data-message-id={message.id}
        data-status={message.status}
        aria-posinset={posInSet}
        aria-setsize={setSize}
        aria-busy={message.status === 'pending' || undefined}
        tabIndex={-1}
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
                onClick={() => message.reply_to !== null && actions.jumpTo(message.reply_to)}
                aria-label={strings.jumpToReplyTarget(
                  replyTargetName ?? strings.replyTargetMissing,
                )}
              >
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
                text === null ? 'ucr-message__text ucr-message__text--empty' : 'ucr-message__text'
              }
            >
              {text ?? strings.emptyText}
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
                title={strings.reply}
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
                    title={strings.edit}
                    onClick={() => actions.edit(message)}
                  >
                    <EditIcon />
                  </button>
                  <button
                    type="button"
                    className="ucr-icon-button ucr-icon-button--danger"
                    aria-label={strings.delete}
                    title={strings.delete}
                    onClick={() => setConfirmingDelete(true)}
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
            <span className="ucr-message__error">{message.error ?? strings.failed}</span>
            <span className="ucr-message__failure-actions">
              <button
                type="button"
                className="ucr-button ucr-button--small"
                onClick={() => actions.retry(message)}
              >
                <RetryIcon />
                {strings.retry}
              </button>
              <button
                type="button"
                className="ucr-button ucr-button--small ucr-button--ghost"
                onClick={() => actions.discard(message)}
              >
                {strings.discard}
              </button>
            </span>
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
              onClick={() => {
                setConfirmingDelete(false);
                actions.remove(message);
              }}
            >
              {strings.confirmDelete}
            </button>
            <button
              type="button"
              className="ucr-button ucr-button--small ucr-button--ghost"
              onClick={() => setConfirmingDelete(false)}
            >
              {strings.cancel}
            </button>
          </div>
        )}
      </article>
    </>
  );
});
