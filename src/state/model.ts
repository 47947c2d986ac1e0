import type { Message } from '../api/types';

/**
 * Delivery status of a message in the store:
 * - `pending`: composed here, not yet confirmed by the server;
 * - `failed`: the server refused it or it could not be sent (see `error`);
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
  /** Human-readable reason when `status` is `failed` (the server's own words; for a tooltip or the console). */
  error: string | null;
  /**
   * Machine-readable reason when `status` is `failed`, for the UI to word in its
   * language: the server's `code` when it sent one (e.g. `validation_error`,
   * `rate_limited`, `not_found`), else `http_<status>`.
   */
  errorCode?: string | null;
  /** `created_at` as epoch milliseconds, used for ordering without re-parsing. */
  created_ms: number;
}

/**
 * The lifecycle of one conversation's WebSocket:
 * `idle` (never subscribed) → `connecting` → `open`;
 * on a fault `reconnecting` (with `attempt` and `nextDelayMs`) → `connecting` …;
 * `failed` after the last attempt or on a terminal close code; `closed` after the last unsubscribe.
 */
export type ConnectionStatus =
  'idle' | 'connecting' | 'open' | 'reconnecting' | 'failed' | 'closed';
