import { createEntityAdapter, createReducer, current, isDraft, original } from '@reduxjs/toolkit';
import type { EntityState } from '@reduxjs/toolkit';
import { chatApi } from '../api/chatApi';
import type { Message } from '../api/types';
import {
  catchUpFailed,
  catchUpStarted,
  connectionStatusChanged,
  conversationRemoved,
  historyLoadFailed,
  messageComposed,
  messageDeleteFailed,
  messageDeleteStarted,
  messageDiscarded,
  messageEditFailed,
  messageEditStarted,
  messageRetried,
  messageSendFailed,
  messagesReceived,
  messagesRemoved,
  olderMessagesRequested,
} from './events';
import type { MessagesReceivedPayload } from './events';
import type { ChatMessage } from './model';
import { sortableTimestamp } from './time';
import { mergeSorted } from './timeline';
import type { KeyOf } from './timeline';

/**
 * One conversation's view of its messages.
 * - `ids`: confirmed messages, ordered by `created_at` (ties: first learned first);
 * - `pendingIds`: messages composed here and not yet confirmed (pending or failed), in compose order;
 * - `heldIds`: live messages that arrived while the newest part of `ids` may have a gap
 *   (Zulip's `caughtUp` rule: nothing is appended across a gap); merged once caught up.
 */
export interface Timeline {
  ids: string[];
  pendingIds: string[];
  heldIds: string[];
  /** Older messages may exist on the server ("load older" makes sense). */
  hasMoreOlder: boolean;
  loadingOlder: boolean;
  /** The newest page has been loaded at least once. */
  historyLoaded: boolean;
  /** The newest known messages are known to be contiguous with the server's newest. */
  caughtUp: boolean;
  catchingUp: boolean;
  /** The last history error, cleared by the next successful page. */
  error: string | null;
}

/** The `chat.messages` state: one entity table for every conversation, plus timelines. */
export interface MessagesState extends EntityState<ChatMessage, string> {
  timelines: Record<string, Timeline>;
  /** `client_id` → id of the message carrying it: how echoes find their pending copy. */
  byClientId: Record<string, string>;
}

export const messagesAdapter = createEntityAdapter<ChatMessage>();

const initialState: MessagesState = messagesAdapter.getInitialState({
  timelines: {},
  byClientId: {},
});

/** A pending copy may be matched by text to an echo without `client_id` only this close in time. */
const ECHO_MATCH_WINDOW_MS = 5 * 60_000;

export function emptyTimeline(): Timeline {
  return {
    ids: [],
    pendingIds: [],
    heldIds: [],
    hasMoreOlder: true,
    loadingOlder: false,
    historyLoaded: false,
    caughtUp: false,
    catchingUp: false,
    error: null,
  };
}

function timelineOf(state: MessagesState, conversationId: string): Timeline {
  return (state.timelines[conversationId] ??= emptyTimeline());
}

function toChatMessage(message: Message, previous?: ChatMessage): ChatMessage {
  return {
    ...previous,
    ...message,
    client_id: message.client_id ?? previous?.client_id ?? null,
    status: 'sent',
    error: null,
    created_ms: sortableTimestamp(message.created_at),
  };
}

/** Reads keys from the untouched base state, so binary searches create no Immer drafts. */
function keyReader(state: MessagesState, extra: Map<string, number>): KeyOf {
  const base = (isDraft(state.entities) ? original(state.entities) : state.entities) ?? {};
  return (id) => extra.get(id) ?? base[id]?.created_ms ?? 0;
}

function forget(state: MessagesState, ids: readonly string[]): void {
  for (const id of ids) {
    const clientId = state.entities[id]?.client_id;
    if (clientId && state.byClientId[clientId] === id) delete state.byClientId[clientId];
  }
  messagesAdapter.removeMany(state, ids);
}

/** The plain array behind an Immer draft: searching a draft goes through a Proxy per element. */
function plain(list: string[]): readonly string[] {
  return isDraft(list) ? current(list) : list;
}

/** Merges ids into a timeline's ordered `ids`. */
function insertIds(timeline: Timeline, batch: string[], keyOf: KeyOf): void {
  if (batch.length > 0) timeline.ids = mergeSorted(plain(timeline.ids), plain(batch), keyOf);
}

function without(draftList: string[], id: string): string[] {
  const list = plain(draftList);
  const at = list.indexOf(id);
  return at < 0 ? draftList : [...list.slice(0, at), ...list.slice(at + 1)];
}

/** Removes a message from wherever its conversation keeps it. */
function removeMessage(state: MessagesState, id: string): void {
  const message = state.entities[id];
  if (!message) return;
  const timeline = state.timelines[message.conversation_id];
  if (timeline) {
    timeline.ids = without(timeline.ids, id);
    timeline.heldIds = without(timeline.heldIds, id);
    timeline.pendingIds = without(timeline.pendingIds, id);
  }
  forget(state, [id]);
}

/** The pending copy an incoming server message confirms, if any. */
function findPendingCopy(
  state: MessagesState,
  timeline: Timeline,
  message: Message,
  payload: MessagesReceivedPayload,
): string | undefined {
  const byKey = payload.confirms ?? message.client_id ?? undefined;
  if (byKey) {
    const id = state.byClientId[byKey];
    return id && state.entities[id]?.status !== 'sent' ? id : undefined;
  }
  // A server that echoes no client_id: the first pending message from the same
  // sender with the same text and reply target is this one.
  if (payload.source !== 'socket' && payload.source !== 'catchUp') return undefined;
  const createdMs = sortableTimestamp(message.created_at);
  return timeline.pendingIds.find((id) => {
    const pending = state.entities[id];
    return (
      pending !== undefined &&
      pending.status === 'pending' &&
      pending.sender_id === message.sender_id &&
      pending.text === message.text &&
      pending.reply_to === message.reply_to &&
      createdMs >= pending.created_ms - ECHO_MATCH_WINDOW_MS
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

function releaseHeld(timeline: Timeline, keyOf: KeyOf): void {
  if (timeline.heldIds.length === 0) return;
  insertIds(timeline, timeline.heldIds, keyOf);
  timeline.heldIds = [];
}

/**
 * Applies a page that ends at the server's newest message: the newest page,
 * or a catch-up answer from a server that ignored `after`. If it does not
 * touch what we had, there is a gap: the view restarts from this page.
 */
function applyNewestPage(
  state: MessagesState,
  timeline: Timeline,
  payload: MessagesReceivedPayload,
  fresh: string[],
  keyOf: KeyOf,
): void {
  const limit = payload.page?.limit ?? Infinity;
  const everything = payload.ids.length < limit || payload.ids.length > limit;
  const oldestOfPage = payload.ids.reduce((min, id) => Math.min(min, keyOf(id)), Infinity);
  const newestKnown = timeline.ids.length
    ? keyOf(timeline.ids[timeline.ids.length - 1] as string)
    : -Infinity;
  const freshIds = new Set(fresh);
  const held = new Set(timeline.heldIds);
  const overlaps = payload.ids.some((id) => !freshIds.has(id) && !held.has(id));
  const touches =
    timeline.ids.length === 0 || everything || overlaps || oldestOfPage <= newestKnown;

  if (touches) {
    insertIds(timeline, fresh, keyOf);
    if (!timeline.historyLoaded || everything) timeline.hasMoreOlder = !everything;
  } else {
    // Drop the stale range; scroll-back reloads it from the server.
    const stale = timeline.ids;
    timeline.ids = mergeSorted([], payload.ids, keyOf);
    forget(state, stale);
    timeline.hasMoreOlder = true;
  }
  timeline.historyLoaded = true;
  timeline.caughtUp = true;
  timeline.catchingUp = false;
  releaseHeld(timeline, keyOf);
}

function receive(state: MessagesState, payload: MessagesReceivedPayload): void {
  const timeline = timelineOf(state, payload.conversationId);
  const extraKeys = new Map<string, number>();
  const fresh: string[] = [];

  for (const id of payload.ids) {
    const message = payload.entities[id];
    if (!message || message.conversation_id !== payload.conversationId) continue;
    const known = state.entities[id];
    if (known && known.status === 'sent') {
      state.entities[id] = toChatMessage(message, known);
      continue;
    }
    // An edit of a message we never loaded must not be inserted out of context.
    if (payload.updatesOnly) continue;
    const pendingId = findPendingCopy(state, timeline, message, payload);
    const pending = pendingId ? state.entities[pendingId] : undefined;
    if (pendingId && pending) {
      timeline.pendingIds = without(timeline.pendingIds, pendingId);
      messagesAdapter.removeOne(state, pendingId);
    }
    const stored = toChatMessage(message);
    stored.client_id = message.client_id ?? pending?.client_id ?? null;
    if (stored.client_id) state.byClientId[stored.client_id] = id;
    messagesAdapter.addOne(state, stored);
    extraKeys.set(id, stored.created_ms);
    fresh.push(id);
  }

  const keyOf = keyReader(state, extraKeys);
  const page = payload.page;

  if (payload.source === 'socket') {
    if (timeline.caughtUp) insertIds(timeline, fresh, keyOf);
    else timeline.heldIds.push(...fresh);
    return;
  }
  if (!page) {
    // Our own send or edit: always shown, in time order.
    insertIds(timeline, fresh, keyOf);
    return;
  }

  timeline.error = null;
  const ignored = cursorIgnored(payload, keyOf);
  if (page.direction === 'latest' || (page.direction === 'newer' && ignored)) {
    applyNewestPage(state, timeline, payload, fresh, keyOf);
  } else if (page.direction === 'older') {
    insertIds(timeline, fresh, keyOf);
    timeline.hasMoreOlder = !ignored && payload.ids.length >= page.limit;
    timeline.loadingOlder = false;
  } else {
    insertIds(timeline, fresh, keyOf);
    if (payload.ids.length < page.limit) {
      timeline.caughtUp = true;
      timeline.catchingUp = false;
      releaseHeld(timeline, keyOf);
    }
  }
}

function pendingOf(state: MessagesState, clientId: string): ChatMessage | undefined {
  const message = state.entities[clientId];
  return message && message.status !== 'sent' ? message : undefined;
}

/** The `chat.messages` reducer. */
export const messagesReducer = createReducer(initialState, (builder) => {
  builder
    .addCase(messagesReceived, (state, { payload }) => receive(state, payload))
    .addCase(olderMessagesRequested, (state, { payload }) => {
      timelineOf(state, payload.conversationId).loadingOlder = true;
    })
    .addCase(historyLoadFailed, (state, { payload }) => {
      const timeline = timelineOf(state, payload.conversationId);
      timeline.loadingOlder = false;
      timeline.error = payload.error;
    })
    .addCase(catchUpStarted, (state, { payload }) => {
      timelineOf(state, payload.conversationId).catchingUp = true;
    })
    .addCase(catchUpFailed, (state, { payload }) => {
      const timeline = timelineOf(state, payload.conversationId);
      timeline.catchingUp = false;
      timeline.error = payload.error;
    })
    .addCase(connectionStatusChanged, (state, { payload }) => {
      // Whatever happens while the socket is not open may be missed: mark the gap.
      const timeline = state.timelines[payload.conversationId];
      if (timeline && payload.status !== 'open') timeline.caughtUp = false;
    })
    .addCase(messageComposed, (state, { payload }) => {
      const timeline = timelineOf(state, payload.conversationId);
      messagesAdapter.addOne(state, {
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
      });
      timeline.pendingIds.push(payload.clientId);
      state.byClientId[payload.clientId] = payload.clientId;
    })
    .addCase(messageSendFailed, (state, { payload }) => {
      const message = pendingOf(state, payload.clientId);
      if (message) {
        message.status = 'failed';
        message.error = payload.error;
        message.errorCode = payload.code ?? null;
      }
    })
    .addCase(messageRetried, (state, { payload }) => {
      const message = pendingOf(state, payload.clientId);
      if (message) {
        message.status = 'pending';
        message.error = null;
        message.errorCode = null;
      }
    })
    .addCase(messageDiscarded, (state, { payload }) => {
      if (pendingOf(state, payload.clientId)) removeMessage(state, payload.clientId);
    })
    .addCase(messageEditStarted, (state, { payload }) => {
      const message = state.entities[payload.id];
      if (message) {
        message.text = payload.text;
        message.is_edited = true;
      }
    })
    .addCase(messageEditFailed, (state, { payload }) => {
      if (state.entities[payload.previous.id])
        state.entities[payload.previous.id] = payload.previous;
    })
    .addCase(messageDeleteStarted, (state, { payload }) => removeMessage(state, payload.id))
    .addCase(messageDeleteFailed, (state, { payload: { message } }) => {
      if (state.entities[message.id]) return;
      const timeline = timelineOf(state, message.conversation_id);
      messagesAdapter.addOne(state, message);
      if (message.client_id) state.byClientId[message.client_id] = message.id;
      const keyOf = keyReader(state, new Map([[message.id, message.created_ms]]));
      insertIds(timeline, [message.id], keyOf);
    })
    .addCase(messagesRemoved, (state, { payload }) => {
      for (const id of payload.ids) removeMessage(state, id);
    })
    .addCase(conversationRemoved, (state, { payload }) => {
      const timeline = state.timelines[payload.id];
      if (!timeline) return;
      forget(state, [...timeline.ids, ...timeline.heldIds, ...timeline.pendingIds]);
      delete state.timelines[payload.id];
    })
    .addMatcher(chatApi.endpoints.getConversations.matchFulfilled, (state, { payload }) => {
      // Conversations we no longer take part in take their messages with them.
      const listed = new Set(payload.map((conversation) => conversation.id));
      for (const [id, timeline] of Object.entries(state.timelines)) {
        if (listed.has(id)) continue;
        forget(state, [...timeline.ids, ...timeline.heldIds, ...timeline.pendingIds]);
        delete state.timelines[id];
      }
    });
});
