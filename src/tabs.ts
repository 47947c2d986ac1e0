/**
 * unet-chat-redux/tabs — one socket per browser instead of one per tab
 * (docs/tabs.md). A separate entry: a host that does not share sockets
 * across tabs does not bundle the election, the hub and the channel code.
 */
import type { ChatSocketSharing, SharedSocketOptions } from 'unet-chat-redux';
import { withTabSharing } from './socket/shared/chatSharing';

/**
 * Options of {@link shareAcrossTabs}: every field of
 * {@link SharedSocketOptions}, each optional. Without `scope` the tabs of
 * one user on one server share (the server is `baseUrl` resolved against
 * the page, plus `apiPrefix`; the user is `getCurrentUserId()`).
 *
 * @example
 * ```ts
 * const options: ShareAcrossTabsOptions = { scope: () => `${tenant}|${userId()}` };
 * ```
 */
export type ShareAcrossTabsOptions = Partial<SharedSocketOptions>;

/**
 * Tab sharing for `createChat({ socket: { share } })`: the tabs of one user
 * elect a leader that holds the real sockets for all of them and relays
 * what they bring; when it goes away another tab takes over and catches up.
 * Wraps `socket.factory`, whatever it is; without BroadcastChannel (Node,
 * SSR) every tab opens its own sockets as usual.
 *
 * @example
 * ```ts
 * import { createChat } from 'unet-chat-redux';
 * import { shareAcrossTabs } from 'unet-chat-redux/tabs';
 *
 * const chat = createChat({ socket: { share: shareAcrossTabs() } });
 * ```
 */
export function shareAcrossTabs(options: ShareAcrossTabsOptions = {}): ChatSocketSharing {
  return {
    feature: 'shareAcrossTabs',
    wrap: (runtime, inner, addCleanup) => withTabSharing(runtime, inner, options, addCleanup),
  };
}

export { createSharedSocketFactory } from './socket/shared';
// The types stay in the core entry (they cost no bytes); here for one import.
export type {
  SharedSocketFactory,
  SharedSocketOptions,
  SharedSocketScopeState,
  SharedTimers,
  TabChannel,
  TabChannelFactory,
  TabLockManager,
  ElectionTiming,
} from 'unet-chat-redux';
