import type { FrameCodec } from './codec';
import type { SocketFactory } from './transport';

/**
 * Options of the real-time layer (the `socket` field of {@link ChatOptions}).
 * Every field has a default; pass only what differs.
 */
export interface ChatSocketOptions {
  /** `false` turns real time off: subscriptions then only load history. Default `true`. */
  enabled?: boolean;
  /**
   * Opens sockets. Default: the global `WebSocket` (browsers, Node 22+). In
   * Node 20 pass `createWebSocketFactory(WebSocket)` with `ws`'s constructor.
   */
  factory?: SocketFactory;
  /** Decodes server frames and encodes client frames. Default {@link defaultFrameCodec}. */
  codec?: FrameCodec;
  /** Reconnect attempts after a fault before giving up. Default 5 (the seed's). */
  maxAttempts?: number;
  /** First backoff delay; doubles per attempt, with full jitter. Default 1000 ms. */
  baseDelayMs?: number;
  /** Upper bound of a backoff delay. Default 30000 ms. */
  maxDelayMs?: number;
  /** `ping`/`pong` to detect half-open connections. Default off. */
  heartbeat?: false | { intervalMs: number; timeoutMs: number };
  /**
   * History loads after the socket opens (so nothing falls between the two)
   * or after this long, whichever is first. Default 1500 ms.
   */
  historyDelayMs?: number;
}
