import { createEntityAdapter } from '@reduxjs/toolkit';
import type { EntityState } from '@reduxjs/toolkit';
import type { ChatMessage, SyncPhase, SyncState } from './model';

/**
 * What the store knows about one conversation's messages: its own entity
 * table (a shard, so that a dispatch copies only the conversation it
 * touches), the display order, and the sync model.
 *
 * The sync model, drawn:
 * ```
 *   ids:  [ m1 … m40 ] [ m57  m58 ]   pendingIds: [ p1 ]
 *          └ contiguous ┘ └ known, but maybe not contiguous: shown after a gap
 *                   watermark = m40
 * ```
 * Everything from `ids[0]` up to the `watermark` is contiguous on the server:
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
  /** Every message of the conversation the store holds, confirmed and pending, by id. */
  messages: EntityState<ChatMessage, string>;
  /** Confirmed messages, ordered by `created_at` (ties: first learned first). */
  ids: string[];
  /** Messages composed here and not yet confirmed (pending or failed), in compose order. */
  pendingIds: string[];
  /** The newest message up to which the store has every message (null: none yet). */
  watermark: string | null;
  /** Older messages may exist on the server ("load older" makes sense). */
  hasMoreOlder: boolean;
  loadingOlder: boolean;
  /** The last scroll-back error, cleared by the next successful page. */
  error: string | null;
  /** `client_id` → id of the message carrying it: how echoes find their pending copy. */
  byClientId: Record<string, string>;
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

/** Manages each conversation's entity table. */
export const messagesAdapter = createEntityAdapter<ChatMessage>();

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
    messages: messagesAdapter.getInitialState(),
    ids: [],
    pendingIds: [],
    watermark: null,
    hasMoreOlder: true,
    loadingOlder: false,
    error: null,
    byClientId: {},
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
