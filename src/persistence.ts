import type { SocketBase } from './socket/context';
import { createPersistence } from './socket/listeners/persistence';
import type { ChatPersistenceOptions, Persistence } from './socket/listeners/persistence';

/**
 * The durable outbox as an option of `createChat({ persistence })`, made by
 * {@link persistToStorage}. Passed in rather than built in, so a host that
 * keeps nothing across reloads does not bundle it.
 *
 * @example
 * ```ts
 * const persistence: ChatPersistence = persistToStorage();
 * createChat({ persistence });
 * ```
 */
export interface ChatPersistence {
  /** What the feature is, for error messages and devtools. */
  readonly feature: string;
  /** Builds the durable outbox of one chat instance (called once, by `createChat`). */
  create(context: SocketBase): Persistence;
}

/**
 * Keeps the current user's unsent messages and drafts in storage, so that a
 * reload loses nothing: they are restored (and the messages sent, once, in
 * order) when the same user's next session starts, and erased on logout.
 * Tabs of one user share the storage key with leases (docs/realtime.md).
 * Default storage `localStorage` in a browser; none in Node or during SSR.
 *
 * @example
 * ```ts
 * import { createChat, persistToStorage } from 'unet-chat-redux';
 *
 * const chat = createChat({ persistence: persistToStorage() });
 * const inSession = createChat({ persistence: persistToStorage({ storage: sessionStorage }) });
 * ```
 */
export function persistToStorage(options: ChatPersistenceOptions = {}): ChatPersistence {
  return {
    feature: 'persistToStorage',
    create: (context) => createPersistence(context, options),
  };
}
