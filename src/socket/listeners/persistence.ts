import { draftsRestored, draftsSynced, outboxRestored } from '../../state/events';
import type { StoredPendingMessage } from '../../state/events';
import type { ChatMessage } from '../../state/model';
import { randomUuid } from '../../state/uuid';
import { otherTabsOutboxSynced } from '../../state/otherTabsSlice';
import { readMarksSynced } from '../../state/readsSlice';
import type { ReadMark, ReadsState } from '../../state/readsSlice';
import type { OtherTabMessage } from '../../state/otherTabsSlice';
import type { ChatState } from '../../state/chatReducer';
import type { SocketBase } from '../context';

/** The part of the Web Storage API the durable outbox uses. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * Where unsent messages and drafts survive a reload (`createChat({ persistence })`).
 *
 * @example
 * ```ts
 * createChat({ persistence: { storage: window.localStorage } });
 * createChat({ persistence: false }); // nothing is kept
 * ```
 */
export interface ChatPersistenceOptions {
  /** Default `localStorage` in a browser; none in Node or during SSR. */
  storage?: KeyValueStorage | null;
  /** Names this tab across its reloads (default: kept in `sessionStorage`, else random). */
  tabId?: string;
  /** Prefix of the storage keys. Default `'unet-chat-redux'`. */
  namespace?: string;
  /**
   * Tells of writes another tab made to `storage` (the key written, null
   * when the storage was cleared), so that drafts typed there show here.
   * Returns its unsubscribe. Default: the window's `storage` event for
   * `storage` (a Web Storage object); `null`: drafts of other tabs show
   * only after a reload.
   */
  subscribeChanges?: ((listener: (key: string | null) => void) => () => void) | null;
}

/** A tab that has not renewed its lease for this long is gone: its unsent messages are adopted. */
export const TAB_LEASE_MS = 30_000;
const LEASE_RENEW_MS = 10_000;
const DRAFT_WRITE_DELAY_MS = 300;
/** Read marks kept in the record: the newest this many conversations (the rest are old news). */
const MAX_READ_MARKS = 500;

interface StoredEntry extends StoredPendingMessage {
  tab: string;
}

interface StoredRecord {
  v: 1;
  tabs: Record<string, number>;
  outbox: StoredEntry[];
  drafts: Record<string, string>;
  /** Where the user's cursor stands in each conversation, as the tabs saw it (for the others). */
  reads: Record<string, ReadMark>;
}

function isReadMark(value: unknown): value is ReadMark {
  const mark = value as Partial<ReadMark> | null;
  return (
    !!mark &&
    typeof mark === 'object' &&
    typeof mark.messageId === 'string' &&
    typeof mark.createdMs === 'number' &&
    Number.isFinite(mark.createdMs)
  );
}

function defaultStorage(name: 'localStorage' | 'sessionStorage'): KeyValueStorage | null {
  try {
    const storage = (globalThis as Record<string, unknown>)[name] as KeyValueStorage | undefined;
    return storage && typeof storage.getItem === 'function' ? storage : null;
  } catch {
    // Access throws in some privacy modes.
    return null;
  }
}

function defaultTabId(): string {
  const session = defaultStorage('sessionStorage');
  const key = 'unet-chat-redux:tab';
  try {
    const known = session?.getItem(key);
    if (known) return known;
    const id = randomUuid();
    session?.setItem(key, id);
    return id;
  } catch {
    return randomUuid();
  }
}

function isEntry(value: unknown): value is StoredEntry {
  const entry = value as Partial<StoredEntry> | null;
  return (
    !!entry &&
    typeof entry === 'object' &&
    typeof entry.clientId === 'string' &&
    typeof entry.conversationId === 'string' &&
    typeof entry.senderId === 'number' &&
    typeof entry.text === 'string' &&
    (entry.replyTo === null || typeof entry.replyTo === 'string') &&
    typeof entry.createdAt === 'string' &&
    (entry.status === 'pending' || entry.status === 'failed') &&
    typeof entry.tab === 'string'
  );
}

/** Reads a stored record defensively: anything corrupt reads as empty, never as an exception. */
function parseRecord(raw: string | null): StoredRecord {
  const empty: StoredRecord = { v: 1, tabs: {}, outbox: [], drafts: {}, reads: {} };
  if (!raw) return empty;
  try {
    const data = JSON.parse(raw) as Partial<StoredRecord>;
    if (!data || data.v !== 1) return empty;
    const tabs: Record<string, number> = {};
    for (const [tab, seen] of Object.entries(data.tabs ?? {}))
      if (typeof seen === 'number') tabs[tab] = seen;
    const drafts: Record<string, string> = {};
    for (const [id, text] of Object.entries(data.drafts ?? {}))
      if (typeof text === 'string') drafts[id] = text;
    const reads: Record<string, ReadMark> = {};
    for (const [id, mark] of Object.entries(data.reads ?? {}))
      if (isReadMark(mark)) reads[id] = { messageId: mark.messageId, createdMs: mark.createdMs };
    return {
      v: 1,
      tabs,
      outbox: Array.isArray(data.outbox) ? data.outbox.filter(isEntry) : [],
      drafts,
      reads,
    };
  } catch {
    return empty;
  }
}

function toStored(message: ChatMessage, tab: string): StoredEntry {
  return {
    clientId: message.id,
    conversationId: message.conversation_id,
    senderId: message.sender_id,
    text: message.text ?? '',
    replyTo: message.reply_to,
    createdAt: message.created_at,
    status: message.status === 'failed' ? 'failed' : 'pending',
    error: message.error ?? null,
    errorCode: message.errorCode ?? null,
    attempts: message.attempts ?? 0,
    sentAfterMs: message.sent_after_ms ?? null,
    tab,
  };
}

function unsentMessages(chat: ChatState): ChatMessage[] {
  const unsent: ChatMessage[] = [];
  for (const timeline of Object.values(chat.messages.conversations)) {
    for (const id of timeline.pending.ids) {
      const message = timeline.pending.entities[id];
      if (message) unsent.push(message);
    }
  }
  return unsent;
}

/** The window's `storage` event, which a browser fires in every other tab of the origin. */
function storageEvents(storage: KeyValueStorage) {
  return (listener: (key: string | null) => void): (() => void) => {
    const target = (globalThis as { window?: Partial<EventTarget> }).window;
    if (
      !target ||
      typeof target.addEventListener !== 'function' ||
      typeof target.removeEventListener !== 'function'
    )
      return () => undefined;
    const handler = (event: Event) => {
      const { key, storageArea } = event as Event & { key?: string | null; storageArea?: unknown };
      if (storageArea === storage) listener(key ?? null);
    };
    target.addEventListener('storage', handler);
    return () => target.removeEventListener?.('storage', handler);
  };
}

const sameItems = <Item>(a: readonly Item[], b: readonly Item[]) =>
  a.length === b.length && a.every((item, i) => item === b[i]);

/**
 * The durable outbox: the current user's unsent messages and drafts, kept
 * in storage under a key of their own and written whenever they change, so
 * a reload loses nothing. Several tabs of one user share the key: each
 * owns its entries, renews a lease while it has any, and adopts the entries
 * of a tab whose lease ran out (a closed tab's messages still go out).
 */
export function createPersistence(
  context: SocketBase,
  options: ChatPersistenceOptions | false | undefined,
) {
  const { environment } = context.runtime;
  const storage = options === false ? null : (options?.storage ?? defaultStorage('localStorage'));
  const namespace = (options !== false && options?.namespace) || 'unet-chat-redux';
  const tab = (options !== false && options?.tabId) || defaultTabId();
  let userId: number | null = null;
  let lastUnsent: ChatMessage[] = [];
  let lastDrafts: Record<string, string> = {};
  const touchedDrafts = new Set<string>();
  let lastReads: ReadsState = {};
  /** Conversations seen here whose mark is not written yet. */
  const touchedReads = new Set<string>();
  let draftTimer: unknown;
  let leaseTimer: unknown;
  /** Set while another tab's drafts are applied: they are not this tab's edits to write back. */
  let applyingOtherTab = false;
  let stopWatching: (() => void) | null = null;
  const subscribeChanges =
    options === false || !storage
      ? null
      : options?.subscribeChanges === undefined
        ? storageEvents(storage)
        : options.subscribeChanges;

  const keyFor = (user: number) =>
    `${namespace}:${context.runtime.options.baseUrl || 'same-origin'}:${user}`;

  function read(user: number): StoredRecord {
    try {
      return parseRecord(storage?.getItem(keyFor(user)) ?? null);
    } catch {
      return parseRecord(null);
    }
  }

  function write(user: number, record: StoredRecord): void {
    try {
      if (
        record.outbox.length === 0 &&
        Object.keys(record.drafts).length === 0 &&
        Object.keys(record.reads).length === 0
      )
        storage?.removeItem(keyFor(user));
      else storage?.setItem(keyFor(user), JSON.stringify(record));
    } catch {
      // A full or forbidden storage must not break sending; the state still has everything.
    }
  }

  /** Writes this tab's share: its entries replace its old ones; others' stay. */
  function save(): void {
    const store = context.store;
    if (!storage || !store || userId === null) return;
    const chat = store.getState().chat;
    const record = read(userId);
    const mine = unsentMessages(chat)
      .filter((message) => message.sender_id === userId)
      .map((message) => toStored(message, tab));
    const mineIds = new Set(mine.map((entry) => entry.clientId));
    record.outbox = [
      ...record.outbox.filter((entry) => entry.tab !== tab && !mineIds.has(entry.clientId)),
      ...mine,
    ];
    const drafts = new Map(Object.entries(record.drafts));
    for (const conversationId of touchedDrafts) {
      const text = chat.drafts[conversationId];
      if (text) drafts.set(conversationId, text);
      else drafts.delete(conversationId);
    }
    record.drafts = Object.fromEntries(drafts);
    record.reads = withReadMarks(record.reads, chat.reads);
    const tabs = new Map(Object.entries(record.tabs));
    if (mine.length > 0) tabs.set(tab, environment.now());
    else tabs.delete(tab);
    record.tabs = Object.fromEntries(tabs);
    write(userId, record);
    // Written: from now on another tab's newer text for these is not overwritten by a stale copy.
    touchedDrafts.clear();
    touchedReads.clear();
    // While anything is unsent — ours, or another tab's that may be closed — check back.
    renewLeaseWhileNeeded(record.outbox.length > 0);
  }

  /** The stored marks with this tab's newer ones in, the newest {@link MAX_READ_MARKS} kept. */
  function withReadMarks(
    stored: Record<string, ReadMark>,
    reads: ReadsState,
  ): Record<string, ReadMark> {
    const marks = new Map(Object.entries(stored));
    for (const conversationId of touchedReads) {
      const { mine, mineMs } = reads[conversationId] ?? {};
      const known = marks.get(conversationId);
      if (!mine || typeof mineMs !== 'number' || (known && known.createdMs >= mineMs)) continue;
      marks.set(conversationId, { messageId: mine, createdMs: mineMs });
    }
    const newest = [...marks].sort(([, a], [, b]) => b.createdMs - a.createdMs);
    return Object.fromEntries(newest.slice(0, MAX_READ_MARKS));
  }

  /** What another tab has seen, newer than what this one has: unread drops here too. */
  function showOtherTabsReads(record: StoredRecord): void {
    const store = context.store;
    if (!store || userId === null) return;
    const reads = store.getState().chat.reads;
    const marks: Record<string, ReadMark> = {};
    for (const [conversationId, mark] of Object.entries(record.reads)) {
      const known = reads[conversationId]?.mineMs;
      if (typeof known !== 'number' || mark.createdMs > known) marks[conversationId] = mark;
    }
    if (Object.keys(marks).length === 0) return;
    applyingOtherTab = true;
    try {
      store.dispatch(readMarksSynced({ marks }));
    } finally {
      applyingOtherTab = false;
    }
  }

  function renewLeaseWhileNeeded(needed: boolean): void {
    if (!needed) {
      if (leaseTimer !== undefined) environment.clearTimeout(leaseTimer);
      leaseTimer = undefined;
      return;
    }
    if (leaseTimer !== undefined) return;
    leaseTimer = environment.setTimeout(() => {
      leaseTimer = undefined;
      adoptOrphans();
      save();
      if (userId !== null) showOtherTabsOutbox(read(userId));
    }, LEASE_RENEW_MS);
  }

  /** Takes over the entries of tabs whose lease ran out, and hands them to the outbox. */
  function adoptOrphans(): void {
    const store = context.store;
    if (!storage || !store || userId === null) return;
    const record = read(userId);
    const now = environment.now();
    const dead = (owner: string) =>
      owner !== tab &&
      (record.tabs[owner] === undefined || now - record.tabs[owner] > TAB_LEASE_MS);
    const adopted = record.outbox.filter(
      (entry) => (entry.tab === tab || dead(entry.tab)) && entry.senderId === userId,
    );
    if (adopted.length === 0) return;
    store.dispatch(outboxRestored({ messages: adopted.map(({ tab: _owner, ...entry }) => entry) }));
  }

  /** The session of `user` began: restore what this tab (or a closed one) left unsent. */
  function restore(user: number): void {
    userId = user;
    lastUnsent = [];
    lastDrafts = {};
    touchedDrafts.clear();
    lastReads = {};
    touchedReads.clear();
    const store = context.store;
    if (!storage || !store) return;
    const record = read(user);
    if (Object.keys(record.drafts).length > 0)
      store.dispatch(draftsRestored({ drafts: record.drafts }));
    adoptOrphans();
    save();
    const saved = read(user);
    showOtherTabsOutbox(saved);
    showOtherTabsReads(saved);
    watchOtherTabs();
  }

  /**
   * The unsent messages of the user's other tabs (live ones: a dead tab's were
   * adopted just before) show here, as sending, until their tab sends or
   * discards them; while there are any, the lease check runs, so a tab that
   * closes with messages unsent has them adopted and sent from here.
   */
  function showOtherTabsOutbox(record: StoredRecord): void {
    const store = context.store;
    if (!store || userId === null) return;
    const messages: OtherTabMessage[] = record.outbox.filter(
      (entry) => entry.tab !== tab && entry.senderId === userId,
    );
    const known = Object.values(store.getState().chat.otherTabs.pending).flat();
    if (messages.length > 0) renewLeaseWhileNeeded(true);
    if (JSON.stringify(known) === JSON.stringify(messages)) return;
    store.dispatch(otherTabsOutboxSynced({ messages }));
  }

  function watchOtherTabs(): void {
    stopWatching?.();
    stopWatching = null;
    if (!subscribeChanges) return;
    try {
      stopWatching = subscribeChanges((key) => {
        if (userId !== null && (key === null || key === keyFor(userId))) {
          showOtherTabsDrafts();
          const record = read(userId);
          showOtherTabsOutbox(record);
          showOtherTabsReads(record);
        }
      });
    } catch {
      // Without the signal, other tabs' drafts show after a reload.
    }
  }

  /**
   * Another tab wrote the user's record: its drafts show here too. A draft
   * this tab changed and has not written yet is left alone (its write comes
   * next, and wins); what was applied is not written back as this tab's own.
   */
  function showOtherTabsDrafts(): void {
    const store = context.store;
    if (!store || userId === null) return;
    const chat = store.getState().chat;
    if (chat.session.userId !== userId) return;
    const stored = read(userId).drafts;
    const unwritten = draftTimer !== undefined ? touchedDrafts : new Set<string>();
    const drafts: Record<string, string> = {};
    const removed: string[] = [];
    for (const [conversationId, text] of Object.entries(stored))
      if (chat.drafts[conversationId] !== text && !unwritten.has(conversationId))
        drafts[conversationId] = text;
    for (const conversationId of Object.keys(chat.drafts))
      if (!(conversationId in stored) && !unwritten.has(conversationId))
        removed.push(conversationId);
    if (Object.keys(drafts).length === 0 && removed.length === 0) return;
    applyingOtherTab = true;
    try {
      store.dispatch(draftsSynced({ drafts, removed }));
    } finally {
      applyingOtherTab = false;
    }
  }

  /** After every action: writes when the unsent messages or the drafts changed. */
  function afterAction(): void {
    const store = context.store;
    if (!storage || !store || userId === null) return;
    const chat = store.getState().chat;
    if (chat.session.userId !== userId) return;
    const unsent = unsentMessages(chat);
    const outboxChanged = !sameItems(unsent, lastUnsent);
    const draftsChanged = chat.drafts !== lastDrafts && !applyingOtherTab;
    if (draftsChanged) {
      for (const id of new Set([...Object.keys(chat.drafts), ...Object.keys(lastDrafts)]))
        if (chat.drafts[id] !== lastDrafts[id]) touchedDrafts.add(id);
    }
    // Our cursor moved because it was seen here (not a server's word, not another tab's mark).
    let readsChanged = false;
    if (chat.reads !== lastReads && !applyingOtherTab) {
      for (const [conversationId, reads] of Object.entries(chat.reads)) {
        const before = lastReads[conversationId];
        if (
          reads.mineAhead &&
          reads.mine !== null &&
          reads.mineMs !== null &&
          (before?.mine !== reads.mine || before.mineMs !== reads.mineMs)
        ) {
          touchedReads.add(conversationId);
          readsChanged = true;
        }
      }
    }
    lastUnsent = unsent;
    lastDrafts = chat.drafts;
    lastReads = chat.reads;
    if (outboxChanged) {
      // An unsent message must survive a reload that comes right after it.
      if (draftTimer !== undefined) environment.clearTimeout(draftTimer);
      draftTimer = undefined;
      save();
    } else if ((draftsChanged || readsChanged) && draftTimer === undefined) {
      draftTimer = environment.setTimeout(() => {
        draftTimer = undefined;
        save();
      }, DRAFT_WRITE_DELAY_MS);
    }
  }

  /** The page is going away (hidden, or unloading): a draft waiting for its write is written now. */
  function flushPending(): void {
    if (draftTimer === undefined) return;
    environment.clearTimeout(draftTimer);
    draftTimer = undefined;
    save();
  }

  const stopVisibility = environment.subscribeVisibility((visible) => {
    if (!visible) flushPending();
  });
  const pageTarget = (globalThis as { addEventListener?: unknown }).addEventListener;
  const onPageHide = () => flushPending();
  if (storage && typeof pageTarget === 'function')
    globalThis.addEventListener('pagehide', onPageHide);

  /** Stops listening for the page going away (the instance's teardown). */
  function dispose(): void {
    stopVisibility();
    if (typeof pageTarget === 'function') globalThis.removeEventListener('pagehide', onPageHide);
  }

  function stopTimers(): void {
    if (draftTimer !== undefined) environment.clearTimeout(draftTimer);
    if (leaseTimer !== undefined) environment.clearTimeout(leaseTimer);
    draftTimer = undefined;
    leaseTimer = undefined;
  }

  /**
   * The session ended. A logout or a change of user removes every trace of
   * the user from storage; the instance's teardown keeps them for the next
   * page load.
   */
  function end(erase: boolean): void {
    if (userId !== null && !erase && draftTimer !== undefined) save();
    stopTimers();
    stopWatching?.();
    stopWatching = null;
    if (erase && userId !== null) {
      try {
        storage?.removeItem(keyFor(userId));
      } catch {
        // Nothing more can be done about a storage that refuses.
      }
    }
    userId = null;
    lastUnsent = [];
    lastDrafts = {};
    touchedDrafts.clear();
    lastReads = {};
    touchedReads.clear();
  }

  return { restore, afterAction, end, dispose, enabled: storage !== null };
}

export type Persistence = ReturnType<typeof createPersistence>;
