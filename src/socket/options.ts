import type { ChatRuntime } from '../api/runtime';
import type { FrameCodec } from './codec';
import type { SocketFactory } from './transport';

/**
 * An optional feature that changes where the chat's sockets come from: it
 * wraps the instance's socket factory once, when the first socket opens.
 * Made by `shareAcrossTabs()` of `unet-chat-redux/tabs`, so that a host
 * that does not share pays nothing for it.
 *
 * @example
 * ```ts
 * import { shareAcrossTabs } from 'unet-chat-redux/tabs';
 * const share: ChatSocketSharing = shareAcrossTabs();
 * createChat({ socket: { share } });
 * ```
 */
export interface ChatSocketSharing {
  /** What the feature is, for error messages and devtools. */
  readonly feature: string;
  /**
   * Returns the factory the instance's connections use, built around
   * `inner`; whatever it needs to stop goes to `addCleanup` (run by
   * `dispose()`). A factory with `releaseIdle()` is told when a session ends.
   */
  wrap(
    runtime: ChatRuntime,
    inner: SocketFactory,
    addCleanup: (cleanup: () => void) => void,
  ): SocketFactory;
}

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
  /** Reconnect attempts after a fault before reporting `failed` (the fast phase). Default 5 (the seed's). */
  maxAttempts?: number;
  /** Cap of the first backoff delay; doubles per attempt (equal jitter: half fixed, half random). Default 1000 ms. */
  baseDelayMs?: number;
  /** Upper bound of a backoff delay. Default 30000 ms. */
  maxDelayMs?: number;
  /**
   * After the fast phase, the connection keeps trying on its own this often
   * while anyone is subscribed (and at once when the page becomes visible,
   * focused or online). 0 turns the slow phase off. Default 30000 ms.
   */
  slowRetryMs?: number;
  /** An attempt that has not opened within this long counts as a fault. Default 10000 ms. */
  connectTimeoutMs?: number;
  /**
   * Where the socket carries the access token. `'query'` (the default) is
   * the seed's `?WWW-Authenticate=Bearer%20…`, which the production server
   * expects. [ext] `'protocol'` offers it as the subprotocol
   * `bearer.<token>` (next to `unet-chat`), so it stays out of URLs and
   * their logs — for servers that read it there, like the reference server.
   */
  tokenIn?: 'query' | 'protocol';
  /**
   * [ext] One stream per user (`/ws/`) instead of one socket per open
   * conversation. `'auto'` (the default) tries it and keeps conversation
   * sockets against a server without it; `'never'` does not try.
   */
  stream?: 'auto' | 'never';
  /** `ping`/`pong` to detect half-open connections. Default off. */
  heartbeat?: false | { intervalMs: number; timeoutMs: number };
  /**
   * History loads after the socket opens (so nothing falls between the two)
   * or after this long, whichever is first. Default 1500 ms.
   */
  historyDelayMs?: number;
  /**
   * One socket per browser instead of one per tab: pass `shareAcrossTabs()`
   * from `unet-chat-redux/tabs` (the tabs of one user elect a leader that
   * holds the sockets for all of them, see docs/tabs.md). Wraps `factory`,
   * whatever it is. Default: none, every tab opens its own sockets.
   */
  share?: ChatSocketSharing;
  /**
   * @deprecated Moved to `share: shareAcrossTabs(…)` from
   * `unet-chat-redux/tabs` (0.2.0); only `false` is still accepted here, and
   * anything else makes `createChat` throw an error naming the new import.
   */
  shareAcrossTabs?: false;
}
