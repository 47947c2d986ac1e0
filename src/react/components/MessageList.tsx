import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { FocusEvent, KeyboardEvent, ReactNode } from 'react';
import { defaultRangeExtractor } from '@tanstack/react-virtual';
import type { Range } from '@tanstack/react-virtual';
import type { ChatUser } from '../../api/types';
import type { ChatMessage } from '../../state/model';
import type { MessageReceipt } from '../../state/workspaceSelectors';
import { chatDayKey } from '../format';
import { useChatLocale } from '../i18n/context';
import { ArrowDownIcon } from './internal/icons';
import { userName } from './internal/names';
import { useListVirtualizer } from './internal/useListVirtualizer';
import { useNow } from './internal/useNow';
import { MessageRow } from './MessageRow';
import type { MessageRowActions } from './MessageRow';
import type { ChatSlots } from './slots';

/** How the list finds a message's focusable root (see `messageArticleProps`). */
const MESSAGE_SELECTOR = '[data-message-id]';

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
  /**
   * A gap in the known history right after this message: a row there says that
   * some messages are still being loaded, so the list never reads as a false sequence.
   */
  gapAfterId?: string | null;
  /**
   * Whether the messages of the gap are on their way (a spinner and "still
   * loading"); `false` says only that some are not loaded yet, without a
   * spinner — e.g. while the socket is down. Default true.
   */
  gapLoading?: boolean;
  /**
   * Whether the messages shown are known to reach the newest (the
   * conversation is live: `selectSyncStatus(…).phase === 'live'`). Until then,
   * messages that arrive — the ones missed meanwhile, brought by the catch-up —
   * count as there when the list opened: it opens at the "new messages"
   * divider for the unread among them, unless the reader has scrolled up.
   * Default true.
   */
  caughtUp?: boolean;
  /**
   * Scrolls this message into view, highlights it and moves the focus to it,
   * once it is in `messages` (a search result, a link to a message).
   */
  focusMessageId?: string | null;
  /** Called once `focusMessageId` has been scrolled to; clear it then. */
  onFocusMessageDone?: () => void;
  /** Size of the scroller before it is measured (server rendering, tests). */
  initialRect?: { width: number; height: number };
  /** Replaces the message row (see `ChatSlots.MessageRow`). */
  slots?: Pick<ChatSlots, 'MessageRow'>;
  /** A "new messages" divider after this message (`selectNewMessagesDividerAfter`). */
  dividerAfterId?: string | null;
  /** Receipts of own messages by message id (`selectReceipt`), passed to each row. */
  receipts?: Readonly<Record<string, MessageReceipt>>;
  /**
   * The newest confirmed message on screen changed (at least 40 px of it, or
   * all of it, inside the viewport): the host reports it with `messagesSeen`.
   */
  onNewestVisibleChange?: (message: ChatMessage) => void;
  /** Shown instead of "No messages yet" when `messages` is empty and nothing older is loading. */
  empty?: ReactNode;
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
/** About the shortest row (a one-line continued message); a shorter one costs one more render, no more. */
const MIN_ROW_HEIGHT = 32;
const TOP_AREA_HEIGHT = 48;
const BOTTOM_PADDING = 12;
/** How close to the bottom still counts as "reading the latest". */
const END_THRESHOLD = 80;
/** How close to the top starts loading older history. */
const LOAD_OLDER_THRESHOLD = 240;
const HIGHLIGHT_MS = 2000;
/** The divider's height, about: it counts as in view when that much of it shows. */
const DIVIDER_ALLOWANCE = 32;
/** Commits in which an opening at the divider is still made good. */
const DIVIDER_TRIES = 20;
/** How many messages PageUp and PageDown move. */
const PAGE_STEP = 10;

/**
 * Puts the row with `stopKey` (and its controls) in the Tab order and takes every
 * other row out of it, and sets `aria-setsize`, on the rows in the DOM. Controls
 * follow the row when they carry `tabIndex={tabStop ? 0 : -1}`, as documented for
 * custom rows; an element without a `tabindex` attribute is left alone.
 */
function applyRovingAttributes(scroller: HTMLElement, stopKey: string | null, setSize: number) {
  const size = String(setSize);
  for (const wrapper of scroller.querySelectorAll<HTMLElement>('.ucr-row')) {
    const article = wrapper.querySelector<HTMLElement>(MESSAGE_SELECTOR);
    if (!article) continue;
    if (article.getAttribute('aria-setsize') !== size) article.setAttribute('aria-setsize', size);
    const stop = wrapper.dataset.key === stopKey;
    const from = stop ? '-1' : '0';
    const to = stop ? '0' : '-1';
    if (article.getAttribute('tabindex') === from) article.setAttribute('tabindex', to);
    for (const control of article.querySelectorAll<HTMLElement>(`[tabindex="${from}"]`)) {
      control.setAttribute('tabindex', to);
    }
  }
}

/** Indices `index` and around it, plus the extra ones, in order and without repeats. */
function withIndices(range: Range, extra: readonly number[]): number[] {
  const indices = defaultRangeExtractor(range);
  const missing = extra.filter(
    (index) => index >= 0 && index < range.count && !indices.includes(index),
  );
  return missing.length === 0 ? indices : [...indices, ...missing].sort((a, b) => a - b);
}

/**
 * The messages of one conversation, virtualized with TanStack Virtual so only
 * the rows near the viewport are in the DOM, even for 10,000 messages.
 *
 * - Opens at the newest message; reaching the top calls `onLoadOlder`, and
 *   prepended history keeps the reader's place (end anchoring by message key).
 * - New messages scroll into view only when the reader is at the bottom;
 *   otherwise a "new messages" button with a count scrolls down.
 * - New messages from others are announced in a polite live region.
 * - A "new messages" divider after `dividerAfterId`; the newest message on
 *   screen is reported through `onNewestVisibleChange` (read cursors).
 * - The list is one tab stop (roving tabindex, after the WAI-ARIA feed pattern):
 *   ↑/↓, PageUp/PageDown, Home/End move between messages; R replies, E edits and
 *   Delete deletes the focused message; its actions show on focus and hover.
 * - Text is rendered as text; markup in a message stays literal, and only
 *   http(s) and mailto addresses become links (new tab, `noopener noreferrer`).
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
    gapAfterId = null,
    caughtUp = true,
    gapLoading = true,
    focusMessageId = null,
    initialRect,
    slots,
    empty,
    className,
    dividerAfterId = null,
    receipts,
  } = props;
  const Row = slots?.MessageRow ?? MessageRow;
  const { strings, timeZone } = useChatLocale();
  const now = useNow();
  const hintId = useId();
  const scrollRef = useRef<HTMLDivElement>(null);
  const liveRef = useRef<HTMLDivElement>(null);

  // The roving tab stop, by message key; `null` follows the newest message.
  const [tabStopKey, setTabStopKey] = useState<string | null>(null);
  const [confirmingKey, setConfirmingKey] = useState<string | null>(null);
  // A message that should take the focus once it is rendered.
  const focusPending = useRef<string | null>(null);
  // The message that had the focus, to hand it on when that message goes away.
  const focusedKey = useRef<string | null>(null);
  const lastTabStopIndex = useRef(messages.length - 1);

  const keyIndex = useMemo(() => {
    const map = new Map<string, number>();
    messages.forEach((message, index) => map.set(messageKey(message), index));
    return map;
  }, [messages]);
  let tabStopIndex = tabStopKey === null ? messages.length - 1 : (keyIndex.get(tabStopKey) ?? -1);
  // The message that held the tab stop is gone (deleted): its neighbour takes over.
  if (tabStopIndex < 0) tabStopIndex = Math.min(lastTabStopIndex.current, messages.length - 1);
  const confirmingIndex = confirmingKey === null ? -1 : (keyIndex.get(confirmingKey) ?? -1);

  // Row callbacks read the newest props through this ref, so they can stay
  // stable and the memoized rows skip re-rendering on every scroll frame.
  const latest = useRef({ props, scrollToIndex: (_index: number) => {} });
  const [highlightKey, setHighlightKey] = useState<string | null>(null);
  const highlightTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const [atBottom, setAtBottom] = useState(true);
  // created_ms of the newest message when the reader left the bottom: later ones are "new".
  const [seenUntilMs, setSeenUntilMs] = useState(Number.POSITIVE_INFINITY);
  const olderRequested = useRef(false);
  // The virtualizer's changes (a row measured, the list scrolled) settle the view once per turn.
  const settleQueued = useRef(false);
  const latestSettle = useRef(() => {});

  const virtualizer = useListVirtualizer({
    count: messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATED_ROW_HEIGHT,
    getItemKey: (index) => {
      const message = messages[index];
      return message ? messageKey(message) : index;
    },
    followEnd: atBottom,
    minItemSize: MIN_ROW_HEIGHT,
    anchorTo: 'end',
    onChange: () => {
      if (settleQueued.current) return;
      settleQueued.current = true;
      queueMicrotask(() => {
        settleQueued.current = false;
        latestSettle.current();
      });
    },
    followOnAppend: true,
    scrollEndThreshold: END_THRESHOLD,
    paddingStart: TOP_AREA_HEIGHT,
    paddingEnd: BOTTOM_PADDING,
    overscan: 8,
    initialRect,
    // The tab stop and an open confirmation stay in the DOM, so Tab always finds
    // the list and the focus is never lost to a row scrolled out of view.
    rangeExtractor: useCallback(
      (range: Range) => withIndices(range, [tabStopIndex, confirmingIndex]),
      [tabStopIndex, confirmingIndex],
    ),
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
      remove: (message) => {
        setConfirmingKey(null);
        latest.current.props.onDelete(message);
      },
      askDelete: (message) => {
        setTabStopKey(messageKey(message));
        setConfirmingKey(messageKey(message));
      },
      cancelDelete: (message) => {
        setConfirmingKey(null);
        focusPending.current = messageKey(message);
      },
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
        highlight(messageKey(target));
      },
    }),
    [],
  );

  function highlight(key: string) {
    setTabStopKey(key);
    // A jump lands keyboard and screen-reader users on the target, not only the eye.
    focusPending.current = key;
    clearTimeout(highlightTimer.current);
    setHighlightKey(key);
    highlightTimer.current = setTimeout(() => setHighlightKey(null), HIGHLIGHT_MS);
  }

  useEffect(() => () => clearTimeout(highlightTimer.current), []);

  // A message asked for from outside (a search result, a link): once it is loaded,
  // scroll to it, highlight it and say so.
  const focusIndex =
    focusMessageId === null ? -1 : messages.findIndex((m) => m.id === focusMessageId);
  const focusKey = focusIndex >= 0 ? messageKey(messages[focusIndex] as ChatMessage) : null;
  useEffect(() => {
    if (focusKey === null) return;
    virtualizer.scrollToIndex(focusIndex, { align: 'center' });
    highlight(focusKey);
    latest.current.props.onFocusMessageDone?.();
    // Only a new target moves the view; the index of the same one may shift with prepends.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focusKey, focusMessageId]);

  lastTabStopIndex.current = tabStopIndex;

  // Focus a message once its row is in the DOM; and when the focused message went
  // away (deleted), hand the focus to the one that took its place.
  useLayoutEffect(() => {
    const scroller = scrollRef.current;
    if (!scroller) return;
    let key = focusPending.current;
    if (key === null && focusedKey.current !== null && !keyIndex.has(focusedKey.current)) {
      const active = document.activeElement;
      if (!active || active === document.body || !active.isConnected) {
        const fallback = messages[tabStopIndex];
        key = fallback ? messageKey(fallback) : null;
      }
      focusedKey.current = null;
    }
    if (key === null) return;
    const wrapper = Array.from(scroller.querySelectorAll<HTMLElement>('.ucr-row')).find(
      (candidate) => candidate.dataset.key === key,
    );
    const row = wrapper?.querySelector<HTMLElement>(MESSAGE_SELECTOR);
    if (!row) return;
    focusPending.current = null;
    row.focus({ preventScroll: true });
  });

  function moveTo(index: number) {
    if (messages.length === 0) return;
    const target = Math.max(0, Math.min(messages.length - 1, index));
    const message = messages[target];
    if (!message) return;
    const key = messageKey(message);
    setTabStopKey(key);
    focusPending.current = key;
    virtualizer.scrollToIndex(target, { align: 'auto' });
    if (target === 0 && index <= 0) requestOlder();
  }

  function handleKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target as HTMLElement;
    const article = target.closest<HTMLElement>(MESSAGE_SELECTOR);
    const rowIndex = Number(article?.closest<HTMLElement>('.ucr-row')?.dataset.index ?? NaN);
    const from = Number.isInteger(rowIndex) ? rowIndex : tabStopIndex;
    const moves: Record<string, number> = {
      ArrowUp: from - 1,
      ArrowDown: from + 1,
      PageUp: from - PAGE_STEP,
      PageDown: from + PAGE_STEP,
      Home: 0,
      End: messages.length - 1,
    };
    const next = moves[event.key];
    if (next !== undefined && !target.closest('.ucr-message__confirm')) {
      event.preventDefault();
      moveTo(next);
      return;
    }
    // Shortcuts act on the focused message itself, not while a control inside it has the focus.
    if (!article || target !== article || event.shiftKey) return;
    const message = messages[from];
    if (!message || message.status !== 'sent') return;
    const own = currentUserId !== null && message.sender_id === currentUserId;
    if (event.code === 'KeyR') {
      event.preventDefault();
      actions.reply(message);
    } else if (event.code === 'KeyE' && own) {
      event.preventDefault();
      actions.edit(message);
    } else if ((event.key === 'Delete' || event.key === 'Backspace') && own) {
      event.preventDefault();
      actions.askDelete(message);
    }
  }

  function handleFocus(event: FocusEvent<HTMLDivElement>) {
    const row = (event.target as HTMLElement).closest<HTMLElement>('.ucr-row');
    const key = row?.dataset.key;
    if (key === undefined) return;
    focusedKey.current = key;
    if (key !== tabStopKey && !(tabStopKey === null && key === lastKey)) setTabStopKey(key);
  }

  function handleBlur(event: FocusEvent<HTMLDivElement>) {
    const next = event.relatedTarget as Node | null;
    // Leaving the list for elsewhere; a row that is removed blurs with no next target.
    if (next && !event.currentTarget.contains(next)) focusedKey.current = null;
  }

  // A chat opens at its newest message.
  useLayoutEffect(() => {
    virtualizer.scrollToEnd();
  }, [virtualizer]);

  // ... or, when it opens with unread messages, at the "new messages" divider: once,
  // with the number of them announced. Only unread messages that were there when the
  // list first showed messages count; a divider that appears later, because a message
  // arrived while the conversation is open, moves nothing. A list that opened before
  // the conversation caught up (shown from the store while the socket reconnects and
  // fetches what it missed) counts what arrives until then as there at the opening.
  const openedNewestMs = useRef<number | null>(null);
  const openedBeforeCaughtUp = useRef(false);
  const newestMs = messages[messages.length - 1]?.created_ms ?? null;
  if (openedNewestMs.current === null && newestMs !== null) {
    openedNewestMs.current = newestMs;
    openedBeforeCaughtUp.current = !caughtUp;
  } else if (openedBeforeCaughtUp.current && newestMs !== null) {
    openedNewestMs.current = Math.max(openedNewestMs.current ?? newestMs, newestMs);
    if (caughtUp) openedBeforeCaughtUp.current = false;
  }
  const dividerPlaced = useRef(false);
  /** The newest message when the count of unread ones was announced: it is not announced on its own. */
  const unreadAnnouncedAt = useRef<string | null>(null);
  // Renders left in which the view is brought back to the divider if something else
  // moved it (following the end while rows are measured); 0 once it was in view or the
  // reader took over.
  const dividerTries = useRef(0);
  const dividerIndex =
    dividerAfterId === null ? -1 : messages.findIndex((m) => m.id === dividerAfterId);

  /** The row of the last message read, and whether the divider at its bottom is in view. */
  function dividerPlace(scroller: HTMLElement) {
    const item = virtualizer.measurementsCache[dividerIndex];
    if (!item) return null;
    const top = scroller.scrollTop;
    const inView = item.end - DIVIDER_ALLOWANCE >= top && item.end <= top + scroller.clientHeight;
    // The last message read at the top as context; if it is tall, the divider in the upper third.
    const target = Math.max(item.start, item.end - scroller.clientHeight / 3);
    return { inView, target };
  }

  useLayoutEffect(() => {
    if (dividerPlaced.current || dividerIndex < 0) return;
    const firstUnread = messages[dividerIndex + 1];
    dividerPlaced.current = true;
    if (!firstUnread || openedNewestMs.current === null) return;
    if (firstUnread.created_ms > openedNewestMs.current) return;
    // A reader who scrolled up before the catch-up came keeps their place.
    if (!atBottom) return;
    const unread = messages
      .slice(dividerIndex + 1)
      .filter((message) => message.sender_id !== currentUserId).length;
    virtualizer.scrollToIndex(dividerIndex, { align: 'start' });
    dividerTries.current = DIVIDER_TRIES;
    if (liveRef.current && unread > 0) {
      liveRef.current.textContent = strings.announceUnreadOnOpen(unread);
      // The catch-up that brought them also changed the newest message: this says it all.
      const newest = messages[messages.length - 1];
      unreadAnnouncedAt.current = newest ? messageKey(newest) : null;
    }
    // Once per opening: the inputs change with every message.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dividerIndex]);

  /** Brings the view back to the divider while the rows around it are measured (see `dividerTries`). */
  function keepDividerInView(scroller: HTMLElement) {
    if (dividerTries.current === 0 || dividerIndex < 0) return;
    const place = dividerPlace(scroller);
    if (!place) return;
    if (place.inView) {
      dividerTries.current = 0;
      return;
    }
    dividerTries.current -= 1;
    virtualizer.scrollToOffset(place.target);
  }

  /** The reader scrolls or types: the view is theirs, the divider is not brought back. */
  function readerTookOver() {
    dividerTries.current = 0;
  }

  function requestOlder() {
    if (!hasMoreOlder || loadingOlder || olderRequested.current) return;
    olderRequested.current = true;
    onLoadOlder();
  }

  // A finished load (more rows, or the loading flag dropping) allows the next request — in the
  // commit that draws it, before the browser can hand the list a scroll event (a passive
  // effect may run after one: a reader already at the top would then wait forever).
  useLayoutEffect(() => {
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
  const lastKey = last ? messageKey(last) : null;

  /**
   * Keeps the tab stop on a message in view while the reader scrolls without the
   * keyboard: one still in view is remembered; else the newest one in view takes
   * over (the newest message of all, and following new ones, at the bottom).
   */
  function followViewport(scroller: HTMLElement, nowAtBottom: boolean) {
    if (scroller.contains(document.activeElement)) return;
    const top = scroller.scrollTop;
    const bottom = top + scroller.clientHeight;
    const offset = (scroller.firstElementChild as HTMLElement | null)?.offsetTop ?? 0;
    const visible = virtualizer
      .getVirtualItems()
      .filter((item) => item.start + offset >= top && item.end + offset <= bottom);
    if (visible.some((item) => item.index === tabStopIndex)) return;
    if (nowAtBottom) {
      if (tabStopKey !== null) setTabStopKey(null);
      return;
    }
    const chosen = visible.at(-1);
    const message = chosen ? messages[chosen.index] : undefined;
    if (message) setTabStopKey(messageKey(message));
  }

  /** Tells the host which confirmed message is the newest one on screen (read cursors). */
  const reportedVisible = useRef<string | null>(null);
  function reportNewestVisible(scroller: HTMLElement) {
    const report = latest.current.props.onNewestVisibleChange;
    if (!report || scroller.clientHeight === 0) return;
    const top = scroller.scrollTop;
    const bottom = top + scroller.clientHeight;
    const offset = (scroller.firstElementChild as HTMLElement | null)?.offsetTop ?? 0;
    let newest: ChatMessage | undefined;
    for (const item of virtualizer.getVirtualItems()) {
      const start = item.start + offset;
      const end = item.end + offset;
      const shown = Math.min(end, bottom) - Math.max(start, top);
      if (shown < Math.min(40, end - start)) continue;
      const message = messages[item.index];
      if (message?.status === 'sent' && (!newest || message.created_ms >= newest.created_ms)) {
        newest = message;
      }
    }
    if (!newest || newest.id === reportedVisible.current) return;
    reportedVisible.current = newest.id;
    report(newest);
  }

  // After every render (new messages) and every change of the virtualizer's (measured rows,
  // which no longer render: positions are written to the DOM), not only on scroll.
  function settleView() {
    const scroller = scrollRef.current;
    if (!scroller) return;
    lastScrollTop.current = scroller.scrollTop;
    keepDividerInView(scroller);
    reportNewestVisible(scroller);
    // Rows measured shorter than estimated can leave a short history unscrollable.
    const total = virtualizer.getTotalSize();
    if (hasMoreOlder && !loadingOlder && !olderRequested.current && scroller.clientHeight > 0) {
      if (total <= scroller.clientHeight) {
        olderRequested.current = true;
        onLoadOlder();
      }
    }
  }
  useEffect(() => {
    latestSettle.current = settleView;
    settleView();
  });

  const lastScrollTop = useRef(0);
  function handleScroll() {
    const scroller = scrollRef.current;
    if (!scroller) return;
    // Read the element, not the virtualizer: its own scroll listener may not have run yet.
    const top = scroller.scrollTop;
    // Rows added or measured below grow the list before the virtualizer follows them: only
    // the reader scrolling up leaves the bottom, not the bottom moving away.
    const nowAtBottom =
      scroller.scrollHeight - scroller.clientHeight - top <= END_THRESHOLD ||
      (atBottom && top >= lastScrollTop.current);
    lastScrollTop.current = top;
    if (nowAtBottom !== atBottom) {
      setAtBottom(nowAtBottom);
      setSeenUntilMs(nowAtBottom ? Number.POSITIVE_INFINITY : (last?.created_ms ?? 0));
    }
    if (scroller.scrollTop <= LOAD_OLDER_THRESHOLD) requestOlder();
    else olderRequested.current = false;
    followViewport(scroller, nowAtBottom);
    reportNewestVisible(scroller);
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
    if (liveRef.current && unreadAnnouncedAt.current !== messageKey(last)) {
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

  // The tab stop and the feed's size change at the end of the list with every new
  // message; the default row does not re-render for them (see `MessageRow`), so
  // they are written onto the rows in the DOM here, after every commit.
  const tabStopMessage = messages[tabStopIndex];
  const tabStopKeyNow = tabStopMessage ? messageKey(tabStopMessage) : null;
  useLayoutEffect(() => {
    const scroller = scrollRef.current;
    if (scroller) applyRovingAttributes(scroller, tabStopKeyNow, setSize);
  });

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
        aria-describedby={hintId}
        aria-busy={loadingOlder}
        // Not a tab stop of its own: the roving message is (an empty list has nothing to visit).
        tabIndex={-1}
        onScroll={handleScroll}
        onWheel={readerTookOver}
        onTouchStart={readerTookOver}
        onPointerDown={readerTookOver}
        onKeyDown={(event) => {
          readerTookOver();
          handleKeyDown(event);
        }}
        onFocus={handleFocus}
        onBlur={handleBlur}
      >
        <div className="ucr-message-list__inner" ref={virtualizer.containerRef}>
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
                // Reached with ↑ or Home from the first message; as a tab stop, focusing it
                // would scroll the reader to the top of the history and load more.
                tabIndex={-1}
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
                data-key={key}
                className={startsRun || startsDay ? 'ucr-row' : 'ucr-row ucr-row--continued'}
              >
                <Row
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
                  tabStop={item.index === tabStopIndex}
                  confirmingDelete={confirmingKey === key}
                  posInSet={item.index + 1}
                  setSize={setSize}
                  now={now}
                  actions={actions}
                  receipt={own ? receipts?.[message.id] : undefined}
                />
                {dividerAfterId !== null &&
                  message.id === dividerAfterId &&
                  item.index < messages.length - 1 && (
                    // Plain text, no role: a feed may hold only articles (axe: aria-required-children).
                    <div className="ucr-divider">
                      <span className="ucr-divider__label">{strings.newMessagesDivider}</span>
                    </div>
                  )}
                {gapAfterId !== null && message.id === gapAfterId && (
                  <div className="ucr-gap" role="status" data-loading={gapLoading}>
                    {gapLoading && <span className="ucr-spinner" aria-hidden="true" />}
                    {gapLoading ? strings.gapLoading : strings.gapNotLoaded}
                  </div>
                )}
              </div>
            );
          })}
        </div>
      </div>

      {messages.length === 0 &&
        !loadingOlder &&
        (empty ?? <p className="ucr-message-list__empty">{strings.noMessages}</p>)}

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

      <p id={hintId} className="ucr-visually-hidden">
        {strings.messagesKeyboardHint}
      </p>
      <div ref={liveRef} className="ucr-visually-hidden" aria-live="polite" aria-atomic="true" />
    </div>
  );
}
