import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ChatUser } from '../../api/types';
import type { ChatMessage } from '../../state/model';
import { chatDayKey } from '../format';
import { useChatLocale } from '../i18n/context';
import { ArrowDownIcon } from './internal/icons';
import { userName } from './internal/names';
import { useNow } from './internal/useNow';
import { MessageRow } from './MessageRow';
import type { MessageRowActions } from './MessageRow';

/** Props of {@link MessageList}. */
export interface MessageListProps {
  /** The conversation's messages, oldest first. */
  messages: ChatMessage[];
  currentUserId: number | null;
  /** Sender names by user id; a missing sender is shown as "User #id". */
  users?: Record<number, ChatUser>;
  /** Finds a reply target, loaded or not in this list. */
  resolveMessage: (id: string) => ChatMessage | undefined;
  /** Older history exists on the server. */
  hasMoreOlder: boolean;
  loadingOlder: boolean;
  /** Asked for when the reader reaches the top; older messages are then prepended. */
  onLoadOlder: () => void;
  onReply: (message: ChatMessage) => void;
  onEdit: (message: ChatMessage) => void;
  /** Called after the person confirms the deletion in the row. */
  onDelete: (message: ChatMessage) => void;
  onRetry: (message: ChatMessage) => void;
  onDiscard: (message: ChatMessage) => void;
  /** A quoted message that is not in `messages` was clicked; the host may load it. */
  onMissingReplyTarget?: (id: string) => void;
  /** The message being replied to or edited, marked in the list. */
  activeMessageId?: string | null;
  /** Names above others' messages; a private conversation can hide them (the header names the person). Default true. */
  showSenderNames?: boolean;
  /** Size of the scroller before it is measured (server rendering, tests). */
  initialRect?: { width: number; height: number };
  className?: string;
}

/**
 * The React key and virtualizer key of a message: a pending message keeps it once confirmed,
 * because the server echoes its `client_id`.
 *
 * @example
 * ```ts
 * messageKey({ ...message, id: 'srv-1', client_id: 'tmp-1' }); // 'tmp-1'
 * ```
 */
export function messageKey(message: ChatMessage): string {
  return message.client_id ?? message.id;
}

const ESTIMATED_ROW_HEIGHT = 72;
const TOP_AREA_HEIGHT = 48;
const BOTTOM_PADDING = 12;
/** How close to the bottom still counts as "reading the latest". */
const END_THRESHOLD = 80;
/** How close to the top starts loading older history. */
const LOAD_OLDER_THRESHOLD = 240;
const HIGHLIGHT_MS = 2000;

/**
 * The messages of one conversation, virtualized with TanStack Virtual so only
 * the rows near the viewport are in the DOM, even for 10,000 messages.
 *
 * - Opens at the newest message; reaching the top calls `onLoadOlder`, and
 *   prepended history keeps the reader's place (end anchoring by message key).
 * - New messages scroll into view only when the reader is at the bottom;
 *   otherwise a "new messages" button with a count scrolls down.
 * - New messages from others are announced in a polite live region.
 * - Text is rendered as text; markup in a message stays literal.
 *
 * @example
 * ```tsx
 * <MessageList
 *   messages={messages}
 *   currentUserId={me}
 *   resolveMessage={(id) => byId[id]}
 *   hasMoreOlder={hasMore}
 *   loadingOlder={loading}
 *   onLoadOlder={loadOlder}
 *   onReply={setReplyTo}
 *   onEdit={setEditing}
 *   onDelete={(m) => remove(m.id)}
 *   onRetry={(m) => retry(m.id)}
 *   onDiscard={(m) => discard(m.id)}
 * />
 * ```
 */
export function MessageList(props: MessageListProps) {
  const {
    messages,
    currentUserId,
    users,
    resolveMessage,
    hasMoreOlder,
    loadingOlder,
    onLoadOlder,
    activeMessageId = null,
    showSenderNames = true,
    initialRect,
    className,
  } = props;
  const { strings, timeZone } = useChatLocale();
  const now = useNow();
  const scrollRef = useRef<HTMLDivElement>(null);
  const liveRef = useRef<HTMLDivElement>(null);

  // Row callbacks read the newest props through this ref, so they can stay
  // stable and the memoized rows skip re-rendering on every scroll frame.
  const latest = useRef({ props, scrollToIndex: (_index: number) => {} });
  const [highlightKey, setHighlightKey] = useState<string | null>(null);
  const highlightTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const [atBottom, setAtBottom] = useState(true);
  // created_ms of the newest message when the reader left the bottom: later ones are "new".
  const [seenUntilMs, setSeenUntilMs] = useState(Number.POSITIVE_INFINITY);
  const olderRequested = useRef(false);

  // eslint-disable-next-line react-hooks/incompatible-library -- the package does not use the React Compiler; rows are memoized by hand.
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATED_ROW_HEIGHT,
    getItemKey: (index) => {
      const message = messages[index];
      return message ? messageKey(message) : index;
    },
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: END_THRESHOLD,
    paddingStart: TOP_AREA_HEIGHT,
    paddingEnd: BOTTOM_PADDING,
    overscan: 8,
    initialRect,
  });

  useLayoutEffect(() => {
    latest.current = {
      props,
      scrollToIndex: (index) => virtualizer.scrollToIndex(index, { align: 'center' }),
    };
  });

  const actions = useMemo<MessageRowActions>(
    () => ({
      reply: (message) => latest.current.props.onReply(message),
      edit: (message) => latest.current.props.onEdit(message),
      remove: (message) => latest.current.props.onDelete(message),
      retry: (message) => latest.current.props.onRetry(message),
      discard: (message) => latest.current.props.onDiscard(message),
      jumpTo: (id) => {
        const { props: current, scrollToIndex } = latest.current;
        const target = current.resolveMessage(id);
        const index = target
          ? current.messages.findIndex((message) => message.id === target.id)
          : -1;
        if (!target || index < 0) {
          current.onMissingReplyTarget?.(id);
          return;
        }
        scrollToIndex(index);
        clearTimeout(highlightTimer.current);
        setHighlightKey(messageKey(target));
        highlightTimer.current = setTimeout(() => setHighlightKey(null), HIGHLIGHT_MS);
      },
    }),
    [],
  );

  useEffect(() => () => clearTimeout(highlightTimer.current), []);

  // A chat opens at its newest message.
  useLayoutEffect(() => {
    virtualizer.scrollToEnd();
  }, [virtualizer]);

  function requestOlder() {
    if (!hasMoreOlder || loadingOlder || olderRequested.current) return;
    olderRequested.current = true;
    onLoadOlder();
  }

  // A finished load (more rows, or the loading flag dropping) allows the next request.
  useEffect(() => {
    olderRequested.current = false;
  }, [messages.length, loadingOlder]);

  // History shorter than the viewport cannot be scrolled to the top, so ask right away.
  const totalSize = virtualizer.getTotalSize();
  useEffect(() => {
    const scroller = scrollRef.current;
    if (!scroller || !hasMoreOlder || loadingOlder || olderRequested.current) return;
    if (scroller.clientHeight > 0 && totalSize <= scroller.clientHeight) {
      olderRequested.current = true;
      onLoadOlder();
    }
  }, [totalSize, hasMoreOlder, loadingOlder, onLoadOlder]);

  const last = messages.at(-1);

  function handleScroll() {
    const scroller = scrollRef.current;
    if (!scroller) return;
    // Read the element, not the virtualizer: its own scroll listener may not have run yet.
    const nowAtBottom =
      scroller.scrollHeight - scroller.clientHeight - scroller.scrollTop <= END_THRESHOLD;
    if (nowAtBottom !== atBottom) {
      setAtBottom(nowAtBottom);
      setSeenUntilMs(nowAtBottom ? Number.POSITIVE_INFINITY : (last?.created_ms ?? 0));
    }
    if (scroller.scrollTop <= LOAD_OLDER_THRESHOLD) requestOlder();
    else olderRequested.current = false;
  }

  // When the viewport shrinks (the composer grows a reply bar, a keyboard opens),
  // a reader at the bottom stays at the bottom.
  const pinnedToBottom = useRef(true);
  useEffect(() => {
    pinnedToBottom.current = atBottom;
  }, [atBottom]);
  useEffect(() => {
    const scroller = scrollRef.current;
    if (!scroller || typeof ResizeObserver === 'undefined') return;
    let height = scroller.clientHeight;
    const observer = new ResizeObserver(() => {
      const next = scroller.clientHeight;
      if (next !== height && pinnedToBottom.current) virtualizer.scrollToEnd();
      height = next;
    });
    observer.observe(scroller);
    return () => observer.disconnect();
  }, [virtualizer]);

  function jumpToLatest() {
    virtualizer.scrollToEnd();
    setAtBottom(true);
    setSeenUntilMs(Number.POSITIVE_INFINITY);
  }

  // What happened at the end of the list: a message of one's own is followed
  // even from history; one from someone else is announced to screen readers.
  const previousLast = useRef<{ key: string; createdMs: number } | null>(
    last ? { key: messageKey(last), createdMs: last.created_ms } : null,
  );
  useEffect(() => {
    const before = previousLast.current;
    previousLast.current = last ? { key: messageKey(last), createdMs: last.created_ms } : null;
    if (!before || !last || before.key === messageKey(last) || last.created_ms < before.createdMs) {
      return;
    }
    if (last.sender_id === currentUserId) {
      if (last.status === 'pending') virtualizer.scrollToEnd();
      return;
    }
    if (liveRef.current) {
      liveRef.current.textContent = strings.announceNewMessage(
        userName(last.sender_id, users?.[last.sender_id], strings),
        last.text ?? strings.emptyText,
      );
    }
  }, [last, currentUserId, users, strings, virtualizer]);

  let unseen = 0;
  if (!atBottom) {
    for (let i = messages.length - 1; i >= 0; i--) {
      const message = messages[i];
      if (!message || message.created_ms <= seenUntilMs) break;
      if (message.sender_id !== currentUserId) unseen++;
    }
  }

  const setSize = hasMoreOlder ? -1 : messages.length;
  const items = virtualizer.getVirtualItems();

  return (
    <div
      className={['ucr-message-list', className].filter(Boolean).join(' ')}
      data-at-bottom={atBottom}
    >
      <div
        ref={scrollRef}
        className="ucr-message-list__scroller"
        role="feed"
        aria-label={strings.messagesLabel}
        aria-busy={loadingOlder}
        tabIndex={0}
        onScroll={handleScroll}
      >
        <div className="ucr-message-list__inner" style={{ height: totalSize }}>
          <div className="ucr-message-list__top" style={{ height: TOP_AREA_HEIGHT }}>
            {loadingOlder ? (
              <span className="ucr-message-list__loading">
                <span className="ucr-spinner" aria-hidden="true" />
                {strings.loadingOlder}
              </span>
            ) : hasMoreOlder ? (
              <button
                type="button"
                className="ucr-button ucr-button--ghost ucr-button--small"
                onClick={requestOlder}
              >
                {strings.loadOlder}
              </button>
            ) : messages.length > 0 ? (
              <span className="ucr-message-list__start">{strings.beginningOfConversation}</span>
            ) : null}
          </div>
          {items.map((item) => {
            const message = messages[item.index];
            if (!message) return null;
            const previous = messages[item.index - 1];
            const own = currentUserId !== null && message.sender_id === currentUserId;
            const startsDay =
              !previous ||
              chatDayKey(previous.created_ms, timeZone) !==
                chatDayKey(message.created_ms, timeZone);
            const startsRun = !own && (startsDay || previous?.sender_id !== message.sender_id);
            const showSender = showSenderNames && startsRun;
            const replyTarget =
              message.reply_to !== null ? resolveMessage(message.reply_to) : undefined;
            const key = messageKey(message);
            return (
              <div
                key={item.key}
                ref={virtualizer.measureElement}
                data-index={item.index}
                className={startsRun || startsDay ? 'ucr-row' : 'ucr-row ucr-row--continued'}
                style={{ transform: `translateY(${item.start}px)` }}
              >
                <MessageRow
                  message={message}
                  own={own}
                  senderName={
                    showSender
                      ? userName(message.sender_id, users?.[message.sender_id], strings)
                      : null
                  }
                  startsDay={startsDay}
                  replyTarget={replyTarget}
                  replyTargetName={
                    replyTarget
                      ? replyTarget.sender_id === currentUserId
                        ? strings.you
                        : userName(replyTarget.sender_id, users?.[replyTarget.sender_id], strings)
                      : null
                  }
                  highlighted={highlightKey === key}
                  active={activeMessageId !== null && activeMessageId === message.id}
                  posInSet={item.index + 1}
                  setSize={setSize}
                  now={now}
                  actions={actions}
                />
              </div>
            );
          })}
        </div>
      </div>

      {messages.length === 0 && !loadingOlder && (
        <p className="ucr-message-list__empty">{strings.noMessages}</p>
      )}

      {!atBottom && (
        <button
          type="button"
          className="ucr-jump"
          onClick={jumpToLatest}
          aria-label={unseen > 0 ? strings.newMessages(unseen) : strings.jumpToLatest}
          title={strings.jumpToLatest}
        >
          <ArrowDownIcon />
          {unseen > 0 && <span className="ucr-jump__count">{unseen}</span>}
        </button>
      )}

      <div ref={liveRef} className="ucr-visually-hidden" aria-live="polite" aria-atomic="true" />
    </div>
  );
}
