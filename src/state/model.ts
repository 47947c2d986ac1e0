import type { Message } from '../api/types';

/**
 * Delivery status of a message in the store:
 * - `pending`: composed here, not yet confirmed by the server (waiting, or on its way);
 * - `failed`: the server refused it (see `errorCode` and `error`);
 * - `sent`: the server has it (every message learned from the server is `sent`).
 */
export type MessageStatus = 'pending' | 'failed' | 'sent';

/**
 * A message as the store keeps it: the server's fields plus local bookkeeping.
 * For a message composed here and not yet confirmed, `id` equals `client_id`.
 */
export interface ChatMessage extends Message {
  client_id: string | null;
  status: MessageStatus;
  /**
   * Human-readable reason when `status` is `failed` (the server's own words; for a
   * tooltip or the console). Confirmed messages do not carry it.
   */
  error?: string | null;
  /**
   * Machine-readable reason when `status` is `failed`, for the UI to word in its
   * language: the server's `code` when it sent one (e.g. `validation_error`,
   * `rate_limited`, `not_found`), else `http_<status>`.
   */
  errorCode?: string | null;
  /** `created_at` as epoch milliseconds, used for ordering without re-parsing. */
  created_ms: number;
  /**
   * Pending messages only: how many times it was handed to the socket or to
   * REST. A message sent at least once may already be on the server, so a
   * server copy without `client_id` may confirm it (and it is not sent again
   * blindly to a server that cannot deduplicate).
   */
  attempts?: number;
  /**
   * Pending messages only, once sent: the `created_ms` of the newest message
   * known when it was first sent. Its server copy can only be newer (by the
   * server's clock, whatever the client's says).
   */
  sent_after_ms?: number;
  /**
   * An unsent message (pending or failed) that another tab of the same person
   * holds: it is sent, retried or discarded there, not in this tab. Absent on
   * every other message.
   */
  elsewhere?: true;
}

/**
 * The lifecycle of one conversation's WebSocket:
 * `idle` (never subscribed) → `connecting` → `open`;
 * on a fault `reconnecting` (with `attempt` and `nextDelayMs`) → `connecting` …;
 * `failed` after the fast reconnect phase or on a terminal close code (a slow
 * timer keeps retrying a retryable one); `closed` after the last unsubscribe.
 */
export type ConnectionStatus =
  'idle' | 'connecting' | 'open' | 'reconnecting' | 'failed' | 'closed';

/**
 * Where a conversation's sync stands — what the store knows about the
 * server's list of messages, and what the middleware is doing about it:
 * - `idle`: nobody is subscribed; what is stored may be behind;
 * - `loading`: the newest page has never been loaded; it is on its way;
 * - `catchingUp`: the socket is open and the messages newer than the
 *   watermark are being fetched; live messages already show, after a gap;
 * - `live`: everything up to the server's newest message is here, and the
 *   socket is open: each live frame extends it;
 * - `disconnected`: the socket is not open: what is shown may be behind; a
 *   catch-up starts when it opens;
 * - `retrying`: a load failed (network, 5xx, timeout); retried after
 *   `nextRetryInMs`, or at once when the network or the page comes back;
 * - `failed`: a load was refused (4xx): the reason is shown; Retry, the
 *   network or the page coming back tries again.
 */
export type SyncPhase =
  'idle' | 'loading' | 'catchingUp' | 'live' | 'disconnected' | 'retrying' | 'failed';

/** Why the last load of a conversation failed, and what happens next. */
export interface SyncFailure {
  /** Failed loads in a row. */
  attempt: number;
  error: string;
  /** Machine-readable reason (see {@link ChatMessage.errorCode}). */
  code: string | null;
  /** A refusal (4xx): retried only on request, or when the network or the page comes back. */
  terminal: boolean;
  /** Delay before the automatic retry; null for a terminal failure. */
  nextRetryInMs: number | null;
}

/**
 * The facts a conversation's {@link SyncPhase} is derived from. Changed only
 * by events in the messages reducer; the middleware reads it to decide what
 * to fetch.
 */
export interface SyncState {
  phase: SyncPhase;
  /** Components subscribed to this conversation (as in `chat.connections`). */
  subscribers: number;
  /** The newest page has been loaded at least once (the watermark exists, or the conversation was empty). */
  historyLoaded: boolean;
  /** Whether the conversation's socket is open now. */
  socketOpen: boolean;
  /** How many times the socket has opened: a new epoch may have missed messages. */
  epoch: number;
  /** The epoch in which a page reached the server's newest message with the socket open (-1: none). */
  syncedEpoch: number;
  failure: SyncFailure | null;
  /** Failed loads in a row (the backoff's exponent); reset by a successful page. */
  failedAttempts: number;
  /** [ext] Where the next "changes since" request starts; null before the first or without the extension. */
  changesCursor: string | null;
  /** [ext] Edits and deletions may have been missed (a reconnect): ask for the changes since the cursor. */
  changesDue: boolean;
}
