import { createReducer, current, isDraft, original } from '@reduxjs/toolkit';
import type { UnknownAction } from '@reduxjs/toolkit';
import { chatApi } from '../api/chatApi';
import type { Message } from '../api/types';
import {
  changesReceived,
  connectionStatusChanged,
  conversationRemoved,
  conversationSubscribed,
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
  olderMessagesRequested,
  outboxRestored,
  syncFailed,
  syncRetryDue,
  syncRetryRequested,
} from './events';
import type { MessagesReceivedPayload } from './events';
import type { ChatMessage } from './model';
import { sortableTimestamp } from './time';
import { mergeSorted } from './timeline';
import type { KeyOf } from './timeline';
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

function toChatMessage(message: Message, previous?: ChatMessage): ChatMessage {
  const stored: ChatMessage = {
    ...previous,
    ...message,
    client_id: message.client_id ?? previous?.client_id ?? null,
    status: 'sent',
    error: null,
    created_ms: sortableTimestamp(message.created_at),
  };
  // Bookkeeping of the pending copy does not follow the confirmed message.
  delete stored.errorCode;
  delete stored.attempts;
  delete stored.sent_after_ms;
  return stored;
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

/** Reads keys from the untouched base state, so binary searches create no Immer drafts. */
function keyReader(timeline: Timeline, extra: Map<string, number>): KeyOf {
  const entities = timeline.messages.entities;
  const base = (isDraft(entities) ? original(entities) : entities) ?? {};
  return (id) => extra.get(id) ?? base[id]?.created_ms ?? entities[id]?.created_ms ?? 0;
}

/** The plain array behind an Immer draft: searching a draft goes through a Proxy per element. */
function plain(list: string[]): readonly string[] {
  return isDraft(list) ? current(list) : list;
}

function insertIds(timeline: Timeline, batch: string[], keyOf: KeyOf): void {
  if (batch.length > 0) timeline.ids = mergeSorted(plain(timeline.ids), batch, keyOf);
}

function without(list: string[], id: string): string[] {
  const items = plain(list);
  const at = items.lastIndexOf(id);
  return at < 0 ? list : [...items.slice(0, at), ...items.slice(at + 1)];
}

function forgetClientId(timeline: Timeline, message: ChatMessage | undefined): void {
  const clientId = message?.client_id;
  if (clientId && timeline.byClientId[clientId] === message.id)
    delete timeline.byClientId[clientId];
}

/**
 * Removes confirmed messages from the timeline. A removed watermark hands
 * over to the message before it, which is covered by definition.
 */
function removeConfirmed(timeline: Timeline, ids: ReadonlySet<string>): void {
  if (ids.size === 0) return;
  const list = plain(timeline.ids);
  if (timeline.watermark !== null && ids.has(timeline.watermark)) {
    let at = list.indexOf(timeline.watermark) - 1;
    while (at >= 0 && ids.has(list[at] as string)) at -= 1;
    timeline.watermark = at >= 0 ? (list[at] as string) : null;
  }
  timeline.ids = list.filter((id) => !ids.has(id));
  for (const id of ids) forgetClientId(timeline, timeline.messages.entities[id]);
  messagesAdapter.removeMany(timeline.messages, [...ids]);
}

/** Removes a message from wherever its conversation keeps it, stashes included. */
function removeMessage(timeline: Timeline, id: string): void {
  delete timeline.editing[id];
  const stashed = timeline.deleting[id];
  if (stashed) {
    forgetClientId(timeline, stashed);
    delete timeline.deleting[id];
  }
  const message = timeline.messages.entities[id];
  if (!message) return;
  if (message.status === 'sent') {
    removeConfirmed(timeline, new Set([id]));
  } else {
    timeline.pendingIds = without(timeline.pendingIds, id);
    forgetClientId(timeline, message);
    messagesAdapter.removeOne(timeline.messages, id);
  }
}

/** The pending copy an incoming server message confirms, if any. */
function findPendingCopy(
  timeline: Timeline,
  message: Message,
  payload: MessagesReceivedPayload,
): string | undefined {
  const { entities } = timeline.messages;
  const byKey = payload.confirms ?? message.client_id ?? undefined;
  if (byKey) {
    const id = timeline.byClientId[byKey];
    return id && entities[id]?.status === 'pending' ? id : undefined;
  }
  // A server that echoes no client_id: the oldest pending message from the
  // same sender with the same text and reply target that has been sent at
  // least once (a message never sent cannot be on the server), and that is
  // newer than what was known when it was sent (times of the server's clock).
  const createdMs = sortableTimestamp(message.created_at);
  return timeline.pendingIds.find((id) => {
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
 */
function pruneInside(
  timeline: Timeline,
  page: ReadonlySet<string>,
  fromKey: number,
  toKey: number,
  keyOf: KeyOf,
): void {
  const gone = new Set<string>();
  for (const id of plain(timeline.ids)) {
    const key = keyOf(id);
    if (key > fromKey && key < toKey && !page.has(id)) gone.add(id);
  }
  removeConfirmed(timeline, gone);
}

/** The id of the newest of `ids` by key (the last one among equals). */
function newestOf(ids: readonly string[], keyOf: KeyOf): string | null {
  let newest: string | null = null;
  for (const id of ids) if (newest === null || keyOf(id) >= keyOf(newest)) newest = id;
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
  timeline.watermark = timeline.ids.at(-1) ?? timeline.watermark;
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
  fresh: string[],
  keyOf: KeyOf,
): void {
  const limit = payload.page?.limit ?? Infinity;
  const pageIds = new Set(payload.ids.filter((id) => timeline.messages.entities[id]));
  const everything = payload.ids.length !== limit;
  const firstKey = payload.ids.reduce((min, id) => Math.min(min, keyOf(id)), Infinity);
  const newest = newestOf([...pageIds], keyOf);
  const lastKey = newest === null ? -Infinity : keyOf(newest);
  const watermark = timeline.watermark;
  const freshIds = new Set(fresh);
  const touches =
    watermark === null ||
    everything ||
    firstKey <= keyOf(watermark) ||
    [...pageIds].some((id) => !freshIds.has(id) && keyOf(id) <= keyOf(watermark));

  if (!touches) {
    // Everything up to the old watermark is stale: the page does not reach it.
    const stale = new Set(plain(timeline.ids).filter((id) => keyOf(id) <= keyOf(watermark)));
    removeConfirmed(timeline, stale);
    timeline.watermark = null;
    timeline.hasMoreOlder = true;
  } else if (!timeline.sync.historyLoaded || everything) {
    timeline.hasMoreOlder = !everything;
  }
  insertIds(timeline, fresh, keyOf);
  pruneInside(timeline, pageIds, everything ? -Infinity : firstKey, lastKey, keyOf);
  advanceWatermark(timeline, newest, keyOf);
  timeline.sync.historyLoaded = true;
  reachedNewest(timeline, payload.page?.epoch);
}

/** A catch-up page: contiguous with the watermark (its cursor). */
function applyCatchUpPage(
  timeline: Timeline,
  payload: MessagesReceivedPayload,
  fresh: string[],
  keyOf: KeyOf,
): void {
  const page = payload.page;
  if (!page) return;
  const pageIds = new Set(payload.ids.filter((id) => timeline.messages.entities[id]));
  insertIds(timeline, fresh, keyOf);
  // Only a page asked for from the current watermark is contiguous with it
  // (an answer to an older request still brings real messages, nothing more).
  if (page.cursor === null || page.cursor !== timeline.watermark) return;
  const newest = newestOf([...pageIds], keyOf);
  if (newest !== null) pruneInside(timeline, pageIds, keyOf(page.cursor), keyOf(newest), keyOf);
  advanceWatermark(timeline, newest, keyOf);
  if (payload.ids.length < page.limit) reachedNewest(timeline, page.epoch);
}

function receive(state: MessagesState, payload: MessagesReceivedPayload): void {
  const timeline = timelineOf(state, payload.conversationId);
  const { entities } = timeline.messages;
  const extraKeys = new Map<string, number>();
  const fresh: string[] = [];
  const delivered: string[] = [];

  for (const id of payload.ids) {
    const message = payload.entities[id];
    if (!message || message.conversation_id !== payload.conversationId) continue;
    const deleting = timeline.deleting[id];
    if (deleting) {
      // Our delete is on its way: keep it hidden, but remember the server's copy.
      timeline.deleting[id] = toChatMessage(message, deleting);
      continue;
    }
    const known = entities[id];
    if (known && known.status === 'sent') {
      // Known already (say, a history page brought it first): the pending copy it confirms goes.
      const confirmedKey = payload.confirms ?? message.client_id ?? undefined;
      const pendingId = confirmedKey ? timeline.byClientId[confirmedKey] : undefined;
      if (pendingId && pendingId !== id && entities[pendingId]?.status === 'pending') {
        timeline.pendingIds = without(timeline.pendingIds, pendingId);
        messagesAdapter.removeOne(timeline.messages, pendingId);
        timeline.byClientId[confirmedKey as string] = id;
        if (!known.client_id) entities[id] = { ...known, client_id: confirmedKey as string };
      }
      const editing = timeline.editing[id];
      if (editing && payload.source !== 'edit') {
        // Our edit is on its way: it stays shown; the server's copy is what a failure restores.
        timeline.editing[id] = toChatMessage(message, editing);
      } else {
        delete timeline.editing[id];
        // An unchanged copy keeps its reference, so selectors and rows do not re-render.
        if (!sameContent(known, message)) entities[id] = toChatMessage(message, known);
      }
      delivered.push(id);
      continue;
    }
    // An edit of a message we never loaded must not be inserted out of context.
    if (payload.updatesOnly) continue;
    const pendingId = findPendingCopy(timeline, message, payload);
    const pending = pendingId ? entities[pendingId] : undefined;
    if (pendingId && pending) {
      timeline.pendingIds = without(timeline.pendingIds, pendingId);
      messagesAdapter.removeOne(timeline.messages, pendingId);
    }
    const stored = toChatMessage(message);
    stored.client_id = message.client_id ?? pending?.client_id ?? null;
    if (stored.client_id) timeline.byClientId[stored.client_id] = id;
    messagesAdapter.addOne(timeline.messages, stored);
    extraKeys.set(id, stored.created_ms);
    fresh.push(id);
    delivered.push(id);
  }

  const keyOf = keyReader(timeline, extraKeys);
  const page = payload.page;
  if (!page) {
    // Live frames, our own send and edit answers: always shown, in time order.
    // Only live frames while live are known to be contiguous with the watermark.
    insertIds(timeline, fresh, keyOf);
    if (payload.source === 'socket' && !payload.updatesOnly && timeline.sync.phase === 'live') {
      advanceWatermark(timeline, newestOf(delivered, keyOf), keyOf);
    }
    return;
  }
  if (page.direction === 'older') {
    insertIds(timeline, fresh, keyOf);
    timeline.hasMoreOlder = !cursorIgnored(payload, keyOf) && payload.ids.length >= page.limit;
    timeline.loadingOlder = false;
    timeline.error = null;
    return;
  }
  if (page.direction === 'latest' || cursorIgnored(payload, keyOf)) {
    applyNewestPage(timeline, payload, fresh, keyOf);
  } else {
    applyCatchUpPage(timeline, payload, fresh, keyOf);
  }
  timeline.sync.failedAttempts = 0;
}

function pendingOf(timeline: Timeline | undefined, clientId: string): ChatMessage | undefined {
  const message = timeline?.messages.entities[clientId];
  return message && message.status !== 'sent' ? message : undefined;
}

function addPending(timeline: Timeline, message: ChatMessage): void {
  if (timeline.byClientId[message.id] !== undefined) return;
  messagesAdapter.addOne(timeline.messages, message);
  timeline.pendingIds.push(message.id);
  timeline.byClientId[message.id] = message.id;
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
      updateSync(state, payload.conversationId, () => receive(state, payload)),
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
      receive(state, {
        conversationId: payload.conversationId,
        ids: payload.ids,
        entities: payload.entities,
        source: 'changes',
        updatesOnly: true,
      });
      for (const id of payload.deletedIds) removeMessage(timeline, id);
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
        addPending(timelineOf(state, stored.conversationId), {
          id: stored.clientId,
          client_id: stored.clientId,
          conversation_id: stored.conversationId,
          sender_id: stored.senderId,
          text: stored.text,
          reply_to: stored.replyTo,
          is_edited: false,
          created_at: stored.createdAt,
          created_ms: sortableTimestamp(stored.createdAt),
          status: stored.status,
          error: stored.error,
          errorCode: stored.errorCode,
          attempts: stored.attempts,
          ...(stored.sentAfterMs != null ? { sent_after_ms: stored.sentAfterMs } : {}),
        });
      }
    })
    .addCase(messageSendAttempted, (state, { payload }) => {
      const timeline = state.conversations[payload.conversationId];
      const message = pendingOf(timeline, payload.clientId);
      if (!timeline || !message) return;
      if (!message.attempts) {
        const newest = timeline.ids.at(-1);
        const newestMs = newest ? timeline.messages.entities[newest]?.created_ms : undefined;
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
        removeMessage(timeline, payload.clientId);
    })
    .addCase(messageEditStarted, (state, { payload }) => {
      for (const timeline of Object.values(state.conversations)) {
        const message = timeline.messages.entities[payload.id];
        if (!message || message.status !== 'sent') continue;
        timeline.editing[payload.id] ??= isDraft(message) ? current(message) : message;
        message.text = payload.text;
        message.is_edited = true;
      }
    })
    .addCase(messageEditFailed, (state, { payload }) => {
      const timeline = state.conversations[payload.previous.conversation_id];
      const confirmed = timeline?.editing[payload.previous.id];
      // Restores what the server last confirmed, never an older copy.
      if (!timeline || !confirmed) return;
      if (timeline.messages.entities[confirmed.id])
        timeline.messages.entities[confirmed.id] = confirmed;
      delete timeline.editing[confirmed.id];
    })
    .addCase(messageDeleteStarted, (state, { payload }) => {
      for (const timeline of Object.values(state.conversations)) {
        const message = timeline.messages.entities[payload.id];
        if (!message || message.status !== 'sent') continue;
        const confirmed = timeline.editing[payload.id] ?? message;
        timeline.deleting[payload.id] = isDraft(confirmed) ? current(confirmed) : confirmed;
        delete timeline.editing[payload.id];
        removeConfirmed(timeline, new Set([payload.id]));
        // The client_id still names this message while the delete may fail.
        if (confirmed.client_id) timeline.byClientId[confirmed.client_id] = payload.id;
      }
    })
    .addCase(messageDeleteFailed, (state, { payload: { message } }) => {
      const timeline = state.conversations[message.conversation_id];
      const confirmed = timeline?.deleting[message.id];
      // Nothing to restore once the server confirmed the deletion by socket.
      if (!timeline || !confirmed) return;
      delete timeline.deleting[message.id];
      messagesAdapter.addOne(timeline.messages, confirmed);
      if (confirmed.client_id) timeline.byClientId[confirmed.client_id] = confirmed.id;
      insertIds(
        timeline,
        [confirmed.id],
        keyReader(timeline, new Map([[confirmed.id, confirmed.created_ms]])),
      );
    })
    .addCase(messagesRemoved, (state, { payload }) => {
      const timeline = state.conversations[payload.conversationId];
      if (timeline) for (const id of payload.ids) removeMessage(timeline, id);
    })
    .addCase(conversationRemoved, (state, { payload }) => {
      delete state.conversations[payload.id];
    })
    .addMatcher(chatApi.endpoints.getConversations.matchFulfilled, (state, { payload }) => {
      // Conversations we no longer take part in take their messages with them —
      // unless someone still shows one or it holds unsent messages: a list that
      // was asked for before a conversation was created must not wipe it.
      const listed = new Set(payload.map((conversation) => conversation.id));
      for (const [id, timeline] of Object.entries(state.conversations)) {
        if (listed.has(id) || timeline.sync.subscribers > 0 || timeline.pendingIds.length > 0)
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

/**
 * The `chat.messages` reducer: every conversation's messages and sync model.
 * A conversation's timeline is created before the event is applied, so that
 * inside the event it is an Immer draft like any other (the entity adapter
 * then changes it in place).
 */
export function messagesReducer(
  state: MessagesState | undefined,
  action: UnknownAction,
): MessagesState {
  let current = state ?? initialState;
  const missing = conversationsNeeded(action).filter((id) => !current.conversations[id]);
  if (missing.length > 0) {
    const conversations = { ...current.conversations };
    for (const id of missing) conversations[id] = emptyTimeline();
    current = { ...current, conversations };
  }
  return applyEvent(current, action);
}
