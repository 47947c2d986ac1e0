import type { ChatEnvironment } from '../socket/environment';
import type { ChatMemoryOptions } from '../socket/listeners/memory';
import type { ChatPersistence } from '../persistence';
import type { ChatSocketOptions } from '../socket/options';
import type { TokenStorage } from './tokens';

/**
 * Configuration of one chat instance ({@link createChat} or
 * {@link createChatClient}). Functions live here, never in Redux state.
 */
export interface ChatOptions {
  /**
   * Origin of the unet-chat server, e.g. `'https://uadmin.kstu.kg'`. The
   * default `''` means the page's own origin (the API behind the same host).
   */
  baseUrl?: string;
  /** Path of the REST API on that origin. Default `'/api/unet-chat'`. */
  apiPrefix?: string;
  /**
   * Returns the current access token. Default: `localStorage.auth_data.access`,
   * exactly as the seed app stores it.
   */
  getAccessToken?: () => string | null;
  /**
   * Refreshes the access token (the seed's `refreshUser()`); afterwards
   * `getAccessToken()` must return the new one. Fails by rejecting or
   * resolving `false`/`null`. Without it a 401 ends in `authExpired`.
   */
  refreshAccessToken?: () => Promise<unknown>;
  /** Returns the current user's id. Default: the token's `user_id` claim, else `auth_data.user.id`. */
  getCurrentUserId?: () => number | null;
  /** Where the default getters read `auth_data` from. Default `globalThis.localStorage`. */
  storage?: TokenStorage | null;
  /** The `fetch` to use. Default the global one. */
  fetchFn?: typeof fetch;
  /** Messages per history page. Default 50. */
  pageSize?: number;
  /** Retries of reads (and of idempotent sends) after a network error or a 5xx. Default 3. */
  maxRetries?: number;
  /** Delay before retry number `attempt` (1-based), in ms. Default: exponential from ~0.5 s with jitter (RTK's). */
  retryDelay?: (attempt: number) => number;
  /** Request timeout. Default 15000 ms. */
  timeoutMs?: number;
  /** Real-time options. */
  socket?: ChatSocketOptions;
  /** Clock, timers, online and visibility signals. Default: the browser's (safe in Node). */
  environment?: ChatEnvironment;
  /**
   * Where the current user's unsent messages and drafts survive a reload:
   * `persistToStorage()` (default storage `localStorage` in a browser,
   * nothing in Node or SSR) or `persistToStorage({ storage, … })`. Default
   * (and `false`): nothing is kept across reloads.
   */
  persistence?: ChatPersistence | false;
  /** Bounds on what the store keeps: idle conversations, messages per conversation. */
  memory?: ChatMemoryOptions;
}
