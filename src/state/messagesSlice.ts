import { createReducer, current, isDraft, original } from '@reduxjs/toolkit';
import type { UnknownAction } from '@reduxjs/toolkit';
import { chatApi } from '../api/chatApi';
import type { Message } from '../api/types';
import {
  changesReceived,
  connectionStatusChanged,
  conversationRemoved,
  conversationSubscribed,
  conversationsEvicted,
  conversationUnsubscribed,
  historyLoadFailed,
  messageComposed,
  messageDeleteFailed,
  messageDeleteStarted,
  messageDiscarded,
  messageEditFailed,
  messageEditStarted,
  messageRetried,
  messageSendAttempted,
  messageSendFailed,
  messagesReceived,
  messagesRemoved,
  messagesTrimmed,
  olderMessagesRequested,
  outboxRestored,
  syncFailed,
  syncRetryDue,
  syncRetryRequested,
} from './events';
import type { MessagesReceivedPayload } from './events';
import type { ChatMessage } from './model';
import {
  chunksOf,
  indexOf,
  insertMessages,
  lastIdIn,
  messageIn,
  readPlain,
  removeMessages,
  replaceMessage,
  replaceMessages,
  storedKey,
  trimOldest,
} from './chunks';
import type { KeyOf, MessageChunk, StoredMessages } from './chunks';
import { sortableTimestamp } from './time';
import { messageOfStored } from './storedMessage';
import { emptyTimeline, messagesAdapter, phaseOf } from './timelineModel';
import type { MessagesState, Timeline } from './timelineModel';

export { emptyTimeline, messagesAdapter } from './timelineModel';
export type { MessagesState, Timeline } from './timelineModel';

const initialState: MessagesState = { conversations: {} };

function timelineOf(state: MessagesState, conversationId: string): Timeline {
  const timeline = state.conversations[conversationId];
  // messagesReducer creates it beforehand (see CREATES_TIMELINE).
  if (!timeline) throw new Error(`unet-chat-redux: no timeline for ${conversationId}`);
  return timeline;
}

function toChatMessage(
  message: Message,
  conversationId: string,
  previous?: ChatMessage,
  createdMs = sortableTimestamp(message.created_at),
): ChatMessage {
  if (previous === undefined && hasContractFieldsOnly(message))
    return storedCopy(message, conversationId, createdMs);
  return {
    ...(previous ? withoutBookkeeping(previous) : undefined),
    ...message,
    // One string per conversation, not one per message (JSON.parse makes a new one each time).
    conversation_id: conversationId,
    client_id: message.client_id ?? previous?.client_id ?? null,
    status: 'sent',
    created_ms: createdMs,
  };
}

/**
 * A new message as the store keeps it, for a message with the contract's
 * fields only (nearly all): built field by field, so that every stored
 * message has one shape with its fields inside the object. The spread in
 * {@link toChatMessage} gives the same value, but V8 then keeps the added
 * fields in a separate array: 16 B more per message in the memory bench, and
 * about twice the time to build it.
 */
function storedCopy(message: Message, conversationId: string, createdMs: number): ChatMessage {
  const { id, sender_id, text, reply_to, is_edited, created_at, updated_at } = message;
  const client_id = message.client_id ?? null;
  return updated_at === undefined
    ? // prettier-ignore
      { id, conversation_id: conversationId, sender_id, text, reply_to, is_edited, created_at, client_id, status: 'sent', created_ms: createdMs }
    : // prettier-ignore
      { id, conversation_id: conversationId, sender_id, text, reply_to, is_edited, created_at, updated_at, client_id, status: 'sent', created_ms: createdMs };
}

/** Whether `message` has no fields beyond the contract's (a server may add some: they are kept). */
function hasContractFieldsOnly(message: Message): boolean {
  for (const key in message) {
    switch (key) {
      case 'id':
      case 'conversation_id':
      case 'sender_id':
      case 'text':
      case 'reply_to':
      case 'is_edited':
      case 'created_at':
      case 'client_id':
      case 'updated_at':
        continue;
      default:
        return false;
    }
  }
  return true;
}

/** A pending copy's bookkeeping does not follow the confirmed message (fields a server added do). */
function withoutBookkeeping(message: ChatMessage): Partial<ChatMessage> {
  const {
    error: _error,
    errorCode: _code,
    attempts: _attempts,
    sent_after_ms: _sentAfter,
    ...kept
  } = message;
  return kept;
}

function sameContent(known: ChatMessage, message: Message): boolean {
  return (
    known.text === message.text &&
    known.is_edited === message.is_edited &&
    known.reply_to === message.reply_to &&
    known.created_at === message.created_at &&
    (known.updated_at ?? null) === (message.updated_at ?? null) &&
    (message.client_id == null || known.client_id === message.client_id)
  );
}

/** The plain value behind an Immer draft (reading through a draft creates a Proxy per value). */
function plain<Value>(value: Value): Value {
  if (!isDraft(value)) return value;
  return (original(value as never) ?? current(value as never)) as Value;
}

/**
 * A confirmed message as the reduction has it so far (a plain value, not a
 * draft): O(1) for an unknown id, O(log n) for a known one, through the index.
 */
function confirmedOf(timeline: Timeline, id: string): ChatMessage | undefined {
  return messageIn(timeline, id);
}

/** `created_ms` of a message of a (plain) chunk. */
function keyInChunk(chunk: MessageChunk, id: string): number {
  return chunk.entities[id]?.created_ms ?? 0;
}

/** Keys (`created_ms`) of confirmed ids: the messages of this batch first, then the index. */
function keyReader(timeline: Timeline, batch: Map<string, number>): KeyOf {
  return (id) => batch.get(id) ?? storedKey(timeline, id) ?? 0;
}

/**
 * Removes confirmed messages. A removed watermark hands over to the newest
 * remaining message older than it, which is covered by definition.
 */
function removeConfirmed(
  timeline: Timeline,
  ids: ReadonlySet<string>,
  keyOf: KeyOf,
): ChatMessage[] {
  if (ids.size === 0) return [];
  const watermark = timeline.watermark;
  const watermarkKey = watermark !== null ? keyOf(watermark) : null;
  const removed = removeMessages(timeline, ids);
  if (watermark !== null && watermarkKey !== null && ids.has(watermark)) {
    timeline.watermark = newestAtMost(timeline, watermarkKey);
  }
  return removed;
}

/** The newest confirmed id whose key is at most `key` (null when none). */
function newestAtMost(timeline: Timeline, key: number): string | null {
  const chunks = chunksOf(timeline);
  for (let c = chunks.length - 1; c >= 0; c--) {
    const chunk = chunks[c] as MessageChunk;
    const ids = chunk.ids;
    for (let i = ids.length - 1; i >= 0; i--) {
      const id = ids[i] as string;
      if (keyInChunk(chunk, id) <= key) return id;
    }
  }
  return null;
}

/**
 * Removes messages from wherever their conversation keeps them, stashes
 * included; the confirmed ones in one go (each chunk they are in copied once).
 */
function removeFromTimeline(timeline: Timeline, ids: Iterable<string>): void {
  const confirmed = new Set<string>();
  for (const id of ids) {
    delete timeline.editing[id];
    delete timeline.deleting[id];
    if (timeline.pending.entities[id]) messagesAdapter.removeOne(timeline.pending, id);
    else confirmed.add(id);
  }
  removeConfirmed(timeline, confirmed, keyReader(timeline, new Map()));
}

/** The pending copy an incoming server message confirms, if any. */
function findPendingCopy(
  timeline: Timeline,
  message: Message,
  payload: MessagesReceivedPayload,
): string | undefined {
  const { entities, ids } = timeline.pending;
  if (ids.length === 0) return undefined;
  const byKey = payload.confirms ?? message.client_id ?? undefined;
  // A pending message's id is its client_id.
  if (byKey) return entities[byKey]?.status === 'pending' ? byKey : undefined;
  // A server that echoes no client_id: the oldest pending message from the
  // same sender with the same text and reply target that has been sent at
  // least once (a message never sent cannot be on the server), and that is
  // newer than what was known when it was sent (times of the server's clock).
  const createdMs = sortableTimestamp(message.created_at);
  return ids.find((id) => {
    const pending = entities[id];
    return (
      pending !== undefined &&
      pending.status === 'pending' &&
      (pending.attempts ?? 0) > 0 &&
      pending.sender_id === message.sender_id &&
      pending.text === message.text &&
      pending.reply_to === message.reply_to &&
      createdMs >= (pending.sent_after_ms ?? -Infinity)
    );
  });
}

/** Did the server ignore the `before`/`after` cursor (a server without paging)? */
function cursorIgnored(payload: MessagesReceivedPayload, keyOf: KeyOf): boolean {
  const page = payload.page;
  if (!page?.cursor) return false;
  if (payload.ids.length > page.limit || payload.ids.includes(page.cursor)) return true;
  const cursorKey = keyOf(page.cursor);
  return page.direction === 'older'
    ? payload.ids.some((id) => keyOf(id) > cursorKey)
    : payload.ids.some((id) => keyOf(id) < cursorKey);
}

/**
 * A page is the server's truth for the span it covers: a known confirmed
 * message strictly inside `(fromKey, toKey)` that the page lacks was deleted
 * meanwhile. (Equal keys are left alone: ties may lie either side of the span.)
 * Only the chunks that reach into the span are read.
 */
function pruneInside(
  timeline: Timeline,
  page: ReadonlySet<string>,
  fromKey: number,
  toKey: number,
): void {
  const gone = new Set<string>();
  const chunks = chunksOf(timeline);
  for (let c = chunks.length - 1; c >= 0; c--) {
    const chunk = chunks[c] as MessageChunk;
    const ids = chunk.ids;
    for (let i = ids.length - 1; i >= 0; i--) {
      const id = ids[i] as string;
      const key = keyInChunk(chunk, id);
      if (key > fromKey && key < toKey && !page.has(id)) gone.add(id);
    }
    const first = ids[0];
    if (first !== undefined && keyInChunk(chunk, first) <= fromKey) break;
  }
  removeConfirmed(timeline, gone, keyReader(timeline, new Map()));
}

/** The id of the newest of `ids` by key (the last one among equals). */
function newestOf(ids: Iterable<string>, keyOf: KeyOf): string | null {
  let newest: string | null = null;
  let newestKey = -Infinity;
  for (const id of ids) {
    const key = keyOf(id);
    if (newest === null || key >= newestKey) {
      newest = id;
      newestKey = key;
    }
  }
  return newest;
}

function advanceWatermark(timeline: Timeline, candidate: string | null, keyOf: KeyOf): void {
  if (candidate === null) return;
  if (timeline.watermark === null || keyOf(candidate) >= keyOf(timeline.watermark)) {
    timeline.watermark = candidate;
  }
}

/**
 * A page reached the server's newest message. If the socket has been open
 * since before it was asked for (same epoch), every later message came as a
 * live frame: everything known is now contiguous, and the conversation is live.
 */
function reachedNewest(timeline: Timeline, epoch: number | undefined): void {
  const { sync } = timeline;
  sync.failure = null;
  if (epoch === undefined || !sync.socketOpen || epoch !== sync.epoch) return;
  sync.syncedEpoch = epoch;
  timeline.watermark = lastIdIn(chunksOf(timeline)) ?? timeline.watermark;
}

/**
 * The newest page (or a catch-up answer from a server that ignored `after`).
 * If it does not touch the contiguous range, there is a gap behind it: the
 * range is dropped and the view restarts from this page (scroll-back reloads
 * the rest).
 */
function applyNewestPage(
  timeline: Timeline,
  payload: MessagesReceivedPayload,
  pageIds: ReadonlySet<string>,
  fresh: readonly ChatMessage[],
  keyOf: KeyOf,
): void {
  const limit = payload.page?.limit ?? Infinity;
  const everything = payload.ids.length !== limit;
  let firstKey = Infinity;
  for (const id of payload.ids) firstKey = Math.min(firstKey, keyOf(id));
  const newest = newestOf(pageIds, keyOf);
  const lastKey = newest === null ? -Infinity : keyOf(newest);
  const watermark = timeline.watermark;
  const freshIds = new Set(fresh.map((message) => message.id));
  const touches =
    watermark === null ||
    everything ||
    firstKey <= keyOf(watermark) ||
    [...pageIds].some((id) => !freshIds.has(id) && keyOf(id) <= keyOf(watermark));

  if (!touches) {
    // Everything up to the old watermark is stale: the page does not reach it.
    const watermarkKey = keyOf(watermark);
    const stale = new Set<string>();
    for (const chunk of chunksOf(timeline))
      for (const id of chunk.ids)
        if ((chunk.entities[id]?.created_ms ?? 0) <= watermarkKey) stale.add(id);
    removeConfirmed(timeline, stale, keyOf);
    timeline.watermark = null;
    timeline.hasMoreOlder = true;
  } else if (!timeline.sync.historyLoaded || everything) {
    timeline.hasMoreOlder = !everything;
  }
  insertMessages(timeline, fresh, { allNew: true });
  pruneInside(timeline, pageIds, everything ? -Infinity : firstKey, lastKey);
  advanceWatermark(timeline, newest, keyOf);
  timeline.sync.historyLoaded = true;
  reachedNewest(timeline, payload.page?.epoch);
}

/** A catch-up page: contiguous with the watermark (its cursor). */
function applyCatchUpPage(
  timeline: Timeline,
  payload: MessagesReceivedPayload,
  pageIds: ReadonlySet<string>,
  fresh: readonly ChatMessage[],
  keyOf: KeyOf,
): void {
  const page = payload.page;
  if (!page) return;
  insertMessages(timeline, fresh, { allNew: true });
  // Only a page asked for from the current watermark is contiguous with it
  // (an answer to an older request still brings real messages, nothing more).
  if (page.cursor === null || page.cursor !== timeline.watermark) return;
  const newest = newestOf(pageIds, keyOf);
  if (newest !== null) pruneInside(timeline, pageIds, keyOf(page.cursor), keyOf(newest));
  advanceWatermark(timeline, newest, keyOf);
  if (payload.ids.length < page.limit) reachedNewest(timeline, page.epoch);
}

function receive(timeline: Timeline, payload: MessagesReceivedPayload): void {
  const conversationId = payload.conversationId;
  const fresh: ChatMessage[] = [];
  const delivered: string[] = [];
  const freshIds = new Set<string>();
  // Keys of this batch's messages, for a page's checks (live frames need only the newest).
  const batchKeys = new Map<string, number>();
  const keepKeys = payload.page !== undefined;
  const newest = { id: null as string | null, key: -Infinity };
  const deliver = (id: string, key: number) => {
    if (keepKeys) batchKeys.set(id, key);
    // The last one among equal keys, as newestOf does.
    if (newest.id === null || key >= newest.key) {
      newest.id = id;
      newest.key = key;
    }
    delivered.push(id);
  };
  // Replacements of known messages, applied together after the loop (one copy per chunk).
  const replaced = new Map<string, ChatMessage>();
  const replace = (message: ChatMessage) => void replaced.set(message.id, message);
  // Read once, as plain values: in a burst most ids are new, and asking the
  // draft (a Proxy) for each of them cost more than the rest of the loop. The
  // loop changes neither the chunks nor the index (replacements are applied
  // after it), and in `deleting` only the id it is at.
  const confirmedNow: StoredMessages = {
    chunks: chunksOf(timeline) as MessageChunk[],
    index: indexOf(timeline),
  };
  const deletingNow = readPlain<Timeline['deleting']>(timeline, 'deleting');
  // Usually none: then no id is looked up in it (a table lookup by a fresh string costs).
  const anyDeleting = Object.keys(deletingNow).length > 0;
  const pendingAtStart = readPlain<Timeline['pending']>(timeline, 'pending').ids.length > 0;

  for (const id of payload.ids) {
    const message = payload.entities[id];
    if (!message || message.conversation_id !== conversationId) continue;
    if (freshIds.has(id)) continue;
    const deleting =
      anyDeleting && deletingNow[id] !== undefined ? timeline.deleting[id] : undefined;
    if (deleting) {
      // Our delete is on its way: keep it hidden, but remember the server's copy.
      timeline.deleting[id] = toChatMessage(message, conversationId, deleting);
      continue;
    }
    // Through the index: O(1) when unknown, O(log n) when known, whatever its `created_at` says now.
    const known = replaced.get(id) ?? messageIn(confirmedNow, id);
    if (known) {
      // Known already (say, a history page brought it first): the pending copy it confirms goes.
      const confirmedKey = payload.confirms ?? message.client_id ?? undefined;
      if (confirmedKey && confirmedKey !== id && timeline.pending.entities[confirmedKey]) {
        messagesAdapter.removeOne(timeline.pending, confirmedKey);
        if (!known.client_id) replace({ ...known, client_id: confirmedKey });
      }
      const editing = timeline.editing[id];
      if (editing && payload.source !== 'edit') {
        // Our edit is on its way: it stays shown; the server's copy is what a failure restores.
        timeline.editing[id] = toChatMessage(message, conversationId, editing);
      } else {
        delete timeline.editing[id];
        // An unchanged copy keeps its reference, so selectors and rows do not re-render.
        if (!sameContent(known, message)) replace(toChatMessage(message, conversationId, known));
      }
      deliver(id, known.created_ms);
      continue;
    }
    // An edit of a message we never loaded must not be inserted out of context.
    if (payload.updatesOnly) continue;
    // Pending copies only go in this loop, never come: none at the start means none at all.
    const pendingId = pendingAtStart ? findPendingCopy(timeline, message, payload) : undefined;
    const pending = pendingId ? timeline.pending.entities[pendingId] : undefined;
    if (pendingId && pending) messagesAdapter.removeOne(timeline.pending, pendingId);
    const stored = toChatMessage(message, conversationId);
    stored.client_id = message.client_id ?? pending?.client_id ?? null;
    deliver(id, stored.created_ms);
    fresh.push(stored);
    freshIds.add(id);
  }
  if (replaced.size > 0) replaceMessages(timeline, [...replaced.values()]);

  const keyOf = keyReader(timeline, batchKeys);
  const page = payload.page;
  if (!page) {
    // Live frames, our own send and edit answers: always shown, in time order.
    // Only live frames while live are known to be contiguous with the watermark.
    insertMessages(timeline, fresh, { allNew: true });
    if (payload.source === 'socket' && !payload.updatesOnly && timeline.sync.phase === 'live') {
      // Every delivered message is stored by now, so keyOf finds the watermark's key too.
      advanceWatermark(timeline, newest.id, keyOf);
    }
    return;
  }
  if (page.direction === 'older') {
    insertMessages(timeline, fresh, { allNew: true });
    timeline.hasMoreOlder = !cursorIgnored(payload, keyOf) && payload.ids.length >= page.limit;
    timeline.loadingOlder = false;
    timeline.error = null;
    return;
  }
  const pageIds = new Set(delivered);
  if (page.direction === 'latest' || cursorIgnored(payload, keyOf)) {
    applyNewestPage(timeline, payload, pageIds, fresh, keyOf);
  } else {
    applyCatchUpPage(timeline, payload, pageIds, fresh, keyOf);
  }
  timeline.sync.failedAttempts = 0;
}

function pendingOf(timeline: Timeline | undefined, clientId: string): ChatMessage | undefined {
  return timeline?.pending.entities[clientId];
}

function addPending(timeline: Timeline, message: ChatMessage, restored = false): void {
  if (timeline.pending.entities[message.id]) return;
  // A restored message may have been confirmed meanwhile (its echo came before the reload).
  if (restored) {
    for (const chunk of chunksOf(timeline))
      for (const id of chunk.ids) if (chunk.entities[id]?.client_id === message.id) return;
  }
  messagesAdapter.addOne(timeline.pending, message);
}

/** Events that change the sync facts; the phase is recomputed after each. */
function updateSync(state: MessagesState, conversationId: string, change: (t: Timeline) => void) {
  const timeline = timelineOf(state, conversationId);
  change(timeline);
  timeline.sync.phase = phaseOf(timeline.sync);
}

const applyEvent = createReducer(initialState, (builder) => {
  builder
    .addCase(messagesReceived, (state, { payload }) =>
      updateSync(state, payload.conversationId, (timeline) => receive(timeline, payload)),
    )
    .addCase(conversationSubscribed, (state, { payload }) =>
      updateSync(state, payload.conversationId, ({ sync }) => {
        // A fresh subscription starts over: an old failure is retried at once.
        if (sync.subscribers === 0) sync.failure = null;
        sync.subscribers += 1;
      }),
    )
    .addCase(conversationUnsubscribed, (state, { payload }) => {
      if (!state.conversations[payload.conversationId]) return;
      updateSync(state, payload.conversationId, ({ sync }) => {
        sync.subscribers = Math.max(0, sync.subscribers - 1);
      });
    })
    .addCase(connectionStatusChanged, (state, { payload }) => {
      if (!state.conversations[payload.conversationId]) return;
      updateSync(state, payload.conversationId, ({ sync }) => {
        const open = payload.status === 'open';
        if (open && !sync.socketOpen) {
          sync.epoch += 1;
          // Edits and deletions made while we were away are not in any catch-up page.
          if (sync.historyLoaded) sync.changesDue = true;
        }
        sync.socketOpen = open;
      });
    })
    .addCase(syncFailed, (state, { payload }) =>
      updateSync(state, payload.conversationId, ({ sync }) => {
        sync.failedAttempts += 1;
        sync.failure = {
          attempt: sync.failedAttempts,
          error: payload.error,
          code: payload.code,
          terminal: payload.terminal,
          nextRetryInMs: payload.nextRetryInMs,
        };
      }),
    )
    .addCase(syncRetryDue, (state, { payload }) => {
      if (!state.conversations[payload.conversationId]) return;
      updateSync(state, payload.conversationId, ({ sync }) => {
        sync.failure = null;
      });
    })
    .addCase(syncRetryRequested, (state, { payload }) =>
      updateSync(state, payload.conversationId, ({ sync }) => {
        sync.failure = null;
        sync.failedAttempts = 0;
      }),
    )
    .addCase(changesReceived, (state, { payload }) => {
      const timeline = state.conversations[payload.conversationId];
      if (!timeline) return;
      receive(timeline, {
        conversationId: payload.conversationId,
        ids: payload.ids,
        entities: payload.entities,
        source: 'changes',
        updatesOnly: true,
      });
      removeFromTimeline(timeline, payload.deletedIds);
      timeline.sync.changesCursor = payload.cursor;
      if (payload.complete) timeline.sync.changesDue = false;
    })
    .addCase(olderMessagesRequested, (state, { payload }) => {
      timelineOf(state, payload.conversationId).loadingOlder = true;
    })
    .addCase(historyLoadFailed, (state, { payload }) => {
      const timeline = timelineOf(state, payload.conversationId);
      timeline.loadingOlder = false;
      timeline.error = payload.error;
    })
    .addCase(messageComposed, (state, { payload }) => {
      addPending(timelineOf(state, payload.conversationId), {
        id: payload.clientId,
        client_id: payload.clientId,
        conversation_id: payload.conversationId,
        sender_id: payload.senderId,
        text: payload.text,
        reply_to: payload.replyTo,
        is_edited: false,
        created_at: payload.createdAt,
        created_ms: sortableTimestamp(payload.createdAt),
        status: 'pending',
        error: null,
        attempts: 0,
      });
    })
    .addCase(outboxRestored, (state, { payload }) => {
      for (const stored of payload.messages) {
        addPending(
          timelineOf(state, stored.conversationId),
          {
            ...messageOfStored(stored),
            attempts: stored.attempts,
            ...(stored.sentAfterMs != null ? { sent_after_ms: stored.sentAfterMs } : {}),
          },
          true,
        );
      }
    })
    .addCase(messageSendAttempted, (state, { payload }) => {
      const timeline = state.conversations[payload.conversationId];
      const message = pendingOf(timeline, payload.clientId);
      if (!timeline || !message) return;
      if (!message.attempts) {
        const newest = lastIdIn(chunksOf(timeline));
        const newestMs = newest ? storedKey(timeline, newest) : undefined;
        if (newestMs !== undefined) message.sent_after_ms = newestMs;
      }
      message.attempts = (message.attempts ?? 0) + 1;
    })
    .addCase(messageSendFailed, (state, { payload }) => {
      const message = pendingOf(state.conversations[payload.conversationId], payload.clientId);
      if (message) {
        message.status = 'failed';
        message.error = payload.error;
        message.errorCode = payload.code ?? null;
      }
    })
    .addCase(messageRetried, (state, { payload }) => {
      const message = pendingOf(state.conversations[payload.conversationId], payload.clientId);
      if (message) {
        message.status = 'pending';
        message.error = null;
        message.errorCode = null;
      }
    })
    .addCase(messageDiscarded, (state, { payload }) => {
      const timeline = state.conversations[payload.conversationId];
      if (timeline && pendingOf(timeline, payload.clientId))
        removeFromTimeline(timeline, [payload.clientId]);
    })
    .addCase(messageEditStarted, (state, { payload }) => {
      for (const timeline of Object.values(state.conversations)) {
        const message = confirmedOf(timeline, payload.id);
        if (!message) continue;
        timeline.editing[payload.id] ??= message;
        replaceMessage(timeline, { ...message, text: payload.text, is_edited: true });
      }
    })
    .addCase(messageEditFailed, (state, { payload }) => {
      const timeline = state.conversations[payload.previous.conversation_id];
      const confirmed = timeline?.editing[payload.previous.id];
      // Restores what the server last confirmed, never an older copy.
      if (!timeline || !confirmed) return;
      replaceMessage(timeline, plain(confirmed));
      delete timeline.editing[confirmed.id];
    })
    .addCase(messageDeleteStarted, (state, { payload }) => {
      for (const timeline of Object.values(state.conversations)) {
        const message = confirmedOf(timeline, payload.id);
        if (!message) continue;
        timeline.deleting[payload.id] = plain(timeline.editing[payload.id]) ?? message;
        delete timeline.editing[payload.id];
        removeConfirmed(timeline, new Set([payload.id]), keyReader(timeline, new Map()));
      }
    })
    .addCase(messageDeleteFailed, (state, { payload: { message } }) => {
      const timeline = state.conversations[message.conversation_id];
      const confirmed = timeline?.deleting[message.id];
      // Nothing to restore once the server confirmed the deletion by socket.
      if (!timeline || !confirmed) return;
      delete timeline.deleting[message.id];
      insertMessages(timeline, [plain(confirmed)]);
    })
    .addCase(messagesRemoved, (state, { payload }) => {
      const timeline = state.conversations[payload.conversationId];
      if (timeline) removeFromTimeline(timeline, payload.ids);
    })
    .addCase(conversationRemoved, (state, { payload }) => {
      delete state.conversations[payload.id];
    })
    .addCase(conversationsEvicted, (state, { payload }) => {
      for (const id of payload.conversationIds) {
        const timeline = state.conversations[id];
        // Never what someone shows, or what still has to be sent.
        if (timeline && timeline.sync.subscribers === 0 && timeline.pending.ids.length === 0)
          delete state.conversations[id];
      }
    })
    .addCase(messagesTrimmed, (state, { payload }) => {
      const timeline = state.conversations[payload.conversationId];
      if (!timeline) return;
      const dropped = trimOldest(timeline, Math.max(0, payload.keep));
      if (dropped.length === 0) return;
      timeline.hasMoreOlder = true;
      // The stashes are few and the dropped thousands: each stash is looked up, not each dropped
      // id deleted (every `delete` on a draft is a trap of Immer's, even for a key it lacks).
      const gone = new Set(dropped);
      for (const stash of [timeline.editing, timeline.deleting])
        for (const id of Object.keys(stash)) if (gone.has(id)) delete stash[id];
      // Only when live is everything left contiguous; else the next catch-up starts afresh.
      if (timeline.watermark !== null && dropped.includes(timeline.watermark))
        timeline.watermark =
          timeline.sync.phase === 'live' ? (lastIdIn(chunksOf(timeline)) ?? null) : null;
    })
    .addMatcher(chatApi.endpoints.getConversations.matchFulfilled, (state, { payload }) => {
      // Conversations we no longer take part in take their messages with them —
      // unless someone still shows one or it holds unsent messages: a list that
      // was asked for before a conversation was created must not wipe it.
      const listed = new Set(payload.map((conversation) => conversation.id));
      for (const [id, timeline] of Object.entries(state.conversations)) {
        if (listed.has(id) || timeline.sync.subscribers > 0 || timeline.pending.ids.length > 0)
          continue;
        delete state.conversations[id];
      }
    });
});

/** Events that may concern a conversation the state does not hold yet. */
const CREATES_TIMELINE = new Set<string>([
  messagesReceived.type,
  conversationSubscribed.type,
  messageComposed.type,
  olderMessagesRequested.type,
  historyLoadFailed.type,
  syncFailed.type,
  syncRetryRequested.type,
]);

/** The conversations an action will need a timeline for. */
function conversationsNeeded(action: UnknownAction): string[] {
  if (outboxRestored.match(action))
    return action.payload.messages.map((message) => message.conversationId);
  if (!CREATES_TIMELINE.has(action.type)) return [];
  const id = (action.payload as { conversationId?: unknown } | undefined)?.conversationId;
  return typeof id === 'string' ? [id] : [];
}

function hasKeys(record: Record<string, unknown>): boolean {
  for (const key in record) if (Object.hasOwn(record, key)) return true;
  return false;
}

function sameFields<Value extends object>(a: Value, b: Value): boolean {
  const keys = Object.keys(a) as Array<keyof Value>;
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => a[key] === b[key]);
}

/**
 * Messages that are not a page, into a conversation with nothing of ours
 * pending or being deleted (every live frame of other people's messages),
 * skip Immer: `receive` runs on a shallow copy of the timeline. On that path
 * it replaces the chunks, the index and the watermark, never changes them in
 * place, and writes nothing else but `editing` (copied when it holds
 * anything) and nothing of the sync facts (a write there would throw: they
 * are frozen). Drafting and finalizing were a third of the reducer's time
 * for one live message. Returns null where the draft path is needed, and the
 * state itself when nothing changed, as Immer does.
 */
function receivedWithoutDraft(state: MessagesState, action: UnknownAction): MessagesState | null {
  if (!messagesReceived.match(action) || action.payload.page !== undefined) return null;
  const { payload } = action;
  const before = state.conversations[payload.conversationId];
  if (!before || before.pending.ids.length > 0 || hasKeys(before.deleting)) return null;
  const editing = hasKeys(before.editing) ? { ...before.editing } : before.editing;
  const timeline: Timeline = { ...before, editing };
  receive(timeline, payload);
  if (sameFields(timeline.editing, before.editing)) timeline.editing = before.editing;
  if (sameFields(timeline, before)) {
    Object.freeze(state.conversations);
    return Object.freeze(state);
  }
  Object.freeze(timeline.editing);
  const conversations = {
    ...state.conversations,
    [payload.conversationId]: Object.freeze(timeline),
  };
  return Object.freeze({ ...state, conversations: Object.freeze(conversations) });
}

/**
 * A conversation's timeline is created before the event is applied, so that
 * inside the event it is an Immer draft like any other (the entity adapter
 * then changes it in place).
 */
function withTimelinesFor(state: MessagesState | undefined, action: UnknownAction): MessagesState {
  const current = state ?? initialState;
  const missing = conversationsNeeded(action).filter((id) => !current.conversations[id]);
  if (missing.length === 0) return current;
  const conversations = { ...current.conversations };
  for (const id of missing) conversations[id] = frozenEmptyTimeline();
  return { ...current, conversations };
}

/** Frozen as Immer freezes what it returns, so the draft-free path hands out frozen state too. */
function frozenEmptyTimeline(): Timeline {
  const timeline = emptyTimeline();
  const { chunks, pending, editing, deleting, sync } = timeline;
  for (const part of [chunks, pending.ids, pending.entities, pending, editing, deleting, sync])
    Object.freeze(part);
  return Object.freeze(timeline);
}

/** The `chat.messages` reducer: every conversation's messages and sync model. */
export function messagesReducer(
  state: MessagesState | undefined,
  action: UnknownAction,
): MessagesState {
  const current = withTimelinesFor(state, action);
  return receivedWithoutDraft(current, action) ?? applyEvent(current, action);
}

/**
 * The same reducer with every event on the Immer path: what the draft-free
 * path must agree with, field by field and reference by reference (a
 * property test compares them). Not public API.
 */
export function messagesReducerWithDrafts(
  state: MessagesState | undefined,
  action: UnknownAction,
): MessagesState {
  return applyEvent(withTimelinesFor(state, action), action);
}
