import type { EntityState } from '@reduxjs/toolkit';
import { chunkAdapter, firstIdIn, indexOf, lastIdIn, messageIn } from './chunks';
import type { MessageChunk } from './chunks';
import { emptyIndex } from './idIndex';
import type { IdIndex } from './idIndex';
import type { ChatMessage, SyncPhase, SyncState } from './model';

/**
 * What the store knows about one conversation's messages: its own entity
 * table (a shard, so that a dispatch copies only the conversation it
 * touches), the display order, and the sync model.
 *
 * The sync model, drawn (the confirmed messages in display order):
 * ```
 *   confirmed:  [ m1 … m40 ] [ m57  m58 ]   pending: [ p1 ]
 *                └ contiguous ┘ └ known, but maybe not contiguous: shown after a gap
 *                         watermark = m40
 * ```
 * Everything from the oldest stored message up to the `watermark` is contiguous on the server:
 * no message of the server lies between two of them that the store lacks.
 * Messages newer than the watermark are known (our own sends answered by
 * REST, live frames that arrived while catching up) but there may be others
 * between them and the watermark. Catch-up always asks for what is newer
 * than the watermark — never for what is displayed last — and only pages
 * contiguous with it (and live frames while `live`) move it. While the phase
 * is `live`, the watermark is the newest message and every live frame
 * extends it.
 */
export interface Timeline {
  /** Confirmed messages in display order, in bounded chunks (see `chunks.ts`). */
  chunks: MessageChunk[];
  /** Each confirmed message's key by id, to find its chunk in O(log n) (see `idIndex.ts`). */
  index: IdIndex;
  /** Messages composed here and not yet confirmed (pending or failed), in compose order; ids are their `client_id`s. */
  pending: EntityState<ChatMessage, string>;
  /** The newest message up to which the store has every message (null: none yet). */
  watermark: string | null;
  /** Older messages may exist on the server ("load older" makes sense). */
  hasMoreOlder: boolean;
  loadingOlder: boolean;
  /** The last scroll-back error, cleared by the next successful page. */
  error: string | null;
  /** Our edits not yet confirmed: id → the server's latest copy, restored if the edit fails. */
  editing: Record<string, ChatMessage>;
  /** Our deletes not yet confirmed: id → the server's latest copy, hidden meanwhile. */
  deleting: Record<string, ChatMessage>;
  sync: SyncState;
}

/** The `chat.messages` state: one {@link Timeline} per conversation. */
export interface MessagesState {
  conversations: Record<string, Timeline>;
}

/** Manages every chunk's and the pending messages' entity tables. */
export const messagesAdapter = chunkAdapter;

export function initialSyncState(): SyncState {
  return {
    phase: 'idle',
    subscribers: 0,
    historyLoaded: false,
    socketOpen: false,
    epoch: 0,
    syncedEpoch: -1,
    failure: null,
    failedAttempts: 0,
    changesCursor: null,
    changesDue: false,
  };
}

export function emptyTimeline(): Timeline {
  return {
    chunks: [],
    index: emptyIndex(),
    pending: messagesAdapter.getInitialState(),
    watermark: null,
    hasMoreOlder: true,
    loadingOlder: false,
    error: null,
    editing: {},
    deleting: {},
    sync: initialSyncState(),
  };
}

/**
 * The phase follows from the facts, so no event can leave it inconsistent:
 * a failure wins while it lasts; otherwise it is what the history and the
 * socket say.
 */
export function phaseOf(sync: SyncState): SyncPhase {
  if (sync.subscribers === 0) return 'idle';
  if (sync.failure) return sync.failure.terminal ? 'failed' : 'retrying';
  if (!sync.historyLoaded) return 'loading';
  if (!sync.socketOpen) return 'disconnected';
  return sync.syncedEpoch === sync.epoch ? 'live' : 'catchingUp';
}

/** A confirmed or pending message of the timeline by id (a pending one by its client id). */
export function messageOfTimeline(timeline: Timeline, id: string): ChatMessage | undefined {
  return timeline.pending.entities[id] ?? messageIn(timeline, id);
}

/** The pending and failed messages, in compose order. */
export function pendingMessagesOf(timeline: Timeline): ChatMessage[] {
  const list: ChatMessage[] = [];
  for (const id of timeline.pending.ids) {
    const message = timeline.pending.entities[id];
    if (message) list.push(message);
  }
  return list;
}

/** The oldest confirmed message's id (the scroll-back cursor). */
export const oldestIdOf = (timeline: Timeline): string | undefined => firstIdIn(timeline.chunks);

/** The newest confirmed message's id. */
export const newestIdOf = (timeline: Timeline): string | undefined => lastIdIn(timeline.chunks);

/** The newest `count` confirmed messages (or all there are), newest first. */
export function newestConfirmedOf(timeline: Timeline, count: number): ChatMessage[] {
  const newest: ChatMessage[] = [];
  const { chunks } = timeline;
  for (let c = chunks.length - 1; c >= 0 && newest.length < count; c--) {
    const { ids, entities } = chunks[c] as (typeof chunks)[number];
    for (let i = ids.length - 1; i >= 0 && newest.length < count; i--) {
      const message = entities[ids[i] as string];
      if (message) newest.push(message);
    }
  }
  return newest;
}

/** How many confirmed messages the timeline holds. */
export const confirmedCountOf = (timeline: Timeline): number => indexOf(timeline).size;

/** Whether confirmed messages are known beyond the watermark (a gap may lie between). */
export function hasGap(timeline: Timeline): boolean {
  const newest = lastIdIn(timeline.chunks);
  return newest !== undefined && newest !== timeline.watermark;
}
