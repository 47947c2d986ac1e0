import { randomUuid } from '../../state/uuid';
import type { SocketFactory } from '../transport';
import { defaultElectionTiming } from './election';
import type { ElectionTiming } from './election';
import { Membership } from './membership';
import type { SharedSocketScopeState } from './membership';
import {
  defaultTabChannelFactory,
  defaultTabLockManager,
  globalTimers,
  subscribeDefaultPageExit,
} from './ports';
import type { SharedTimers, TabChannelFactory, TabLockManager } from './ports';
import { PROTOCOL_VERSION } from './protocol';

export { LEADER_GONE } from './membership';
export type { SharedSocketScopeState } from './membership';
export type { ElectionTiming } from './election';
export type { SharedTimers, TabChannel, TabChannelFactory, TabLockManager } from './ports';

/**
 * Options of {@link createSharedSocketFactory}. Only `scope` is required;
 * the rest is the browser's by default and injectable for tests.
 *
 * @example
 * ```ts
 * const options: SharedSocketOptions = {
 *   scope: () => `${location.origin}|${currentUserId()}`,
 * };
 * ```
 */
export interface SharedSocketOptions {
  /**
   * Which tabs share: those whose scope is equal, at the time each socket
   * opens. Put the user in it — tabs of different users must never share —
   * and the server. `null` (say, nobody is logged in) opens this socket
   * with the inner factory, unshared.
   */
  scope(): string | null;
  /** Default `BroadcastChannel` in a browser page; `null` (or none): no sharing, the inner factory as it is. */
  channel?: TabChannelFactory | null;
  /** Default `navigator.locks`; `null` (or none): the BroadcastChannel election with probes and timeouts. */
  locks?: TabLockManager | null;
  /** Timers of the fallback election. Default the global ones. */
  timers?: SharedTimers;
  /** Timing of the fallback election (see {@link ElectionTiming}). */
  timing?: Partial<ElectionTiming>;
  /** Prefix of channel and lock names. Default `'unet-chat-redux:sockets'`. */
  namespace?: string;
  /**
   * Calls `leave` when the page goes away or is frozen, returning its
   * unsubscribe. Default: `pagehide` on `window` and `freeze` on `document`.
   * A leader that leaves hands over at once; the factory stays usable (a
   * page restored from the back/forward cache joins again).
   */
  subscribePageExit?: ((leave: () => void) => () => void) | null;
  /** Receives what a socket handler threw. Default `console.error`. */
  onCallbackError?(error: unknown, callback: string): void;
}

/**
 * A {@link SocketFactory} whose sockets are shared by the tabs of one scope,
 * plus what its owner needs to look at it and to stop it.
 *
 * @example
 * ```ts
 * const factory = createSharedSocketFactory(createWebSocketFactory(), { scope });
 * factory.inspect(); // [{ scope: '…|7', role: 'leader', realSockets: 2, … }]
 * factory.dispose();
 * ```
 */
export interface SharedSocketFactory extends SocketFactory {
  /** False when the environment has no channel: every socket is the inner factory's. */
  readonly sharing: boolean;
  /** This tab's part in each scope it has joined. */
  inspect(): SharedSocketScopeState[];
  /**
   * Leaves every scope in which this tab holds no socket (after a logout):
   * a leader hands its real sockets over, and nothing of the old user stays.
   */
  releaseIdle(): void;
  /** Leaves every scope and stops listening to the page: no channel, lock, timer or socket is left. */
  dispose(): void;
}

function reportToConsole(error: unknown, callback: string): void {
  console.error(`unet-chat-redux: shared socket ${callback} threw`, error);
}

/**
 * Wraps any {@link SocketFactory} so that the tabs of one browser share
 * one real socket per URL path instead of opening one each.
 *
 * The tabs of a scope elect a leader — with the Web Locks API (a lock held
 * for the tab's life) where it exists, else over the BroadcastChannel with
 * claims, probes and timeouts. The leader opens the real sockets with the
 * inner factory, reference-counted across every tab, and relays what they
 * report to every tab's virtual socket of that path; a follower's `send`
 * goes to the leader's real socket. When the leader goes away (its tab
 * closes or crashes, or it is disposed), every follower's virtual sockets
 * report a close with 1006 ({@link LEADER_GONE}), so each connection
 * reconnects with backoff and catches up from its watermark, and the next
 * leader opens the real sockets again. Without BroadcastChannel (Node, SSR,
 * old browsers) it opens every socket with the inner factory.
 *
 * @example
 * ```ts
 * import { createChat, createSharedSocketFactory, createWebSocketFactory } from 'unet-chat-redux';
 *
 * const factory = createSharedSocketFactory(createWebSocketFactory(), {
 *   scope: () => `${location.origin}|${getUserId()}`,
 * });
 * const chat = createChat({ socket: { factory } });
 * // …on teardown:
 * factory.dispose();
 * ```
 */
export function createSharedSocketFactory(
  inner: SocketFactory,
  options: SharedSocketOptions,
): SharedSocketFactory {
  const channels = options.channel === undefined ? defaultTabChannelFactory() : options.channel;
  let disposed = false;

  if (!channels) {
    const passthrough: SocketFactory = (url, handlers) => {
      if (disposed) throw new Error('unet-chat-redux: the shared socket factory was disposed');
      return inner(url, handlers);
    };
    return Object.assign(passthrough, {
      sharing: false,
      inspect: () => [],
      releaseIdle: () => undefined,
      dispose: () => {
        disposed = true;
      },
    });
  }

  const openChannel: TabChannelFactory = channels;
  const locks = options.locks === undefined ? defaultTabLockManager() : options.locks;
  const timers = options.timers ?? globalTimers;
  const timing: ElectionTiming = { ...defaultElectionTiming, ...options.timing };
  const namespace = options.namespace ?? 'unet-chat-redux:sockets';
  const onCallbackError = options.onCallbackError ?? reportToConsole;
  const memberships = new Map<string, Membership>();

  function readScope(): string | null {
    try {
      const scope = options.scope();
      return typeof scope === 'string' && scope !== '' ? scope : null;
    } catch {
      return null;
    }
  }

  function leave(scope: string): void {
    const membership = memberships.get(scope);
    memberships.delete(scope);
    membership?.stop();
  }

  function releaseIdle(except?: string): void {
    for (const [scope, membership] of [...memberships])
      if (scope !== except && membership.socketCount === 0) leave(scope);
  }

  function join(scope: string): Membership | null {
    const known = memberships.get(scope);
    if (known) return known;
    try {
      const membership = new Membership({
        scope,
        name: `${namespace}:v${PROTOCOL_VERSION}:${scope}`,
        self: randomUuid(),
        inner,
        channels: openChannel,
        locks,
        timers,
        timing,
        onCallbackError,
      });
      memberships.set(scope, membership);
      membership.start();
      return membership;
    } catch {
      // A channel the page may not open (a sandboxed frame, say): this tab goes without sharing.
      memberships.delete(scope);
      return null;
    }
  }

  const factory: SocketFactory = (url, handlers) => {
    if (disposed) throw new Error('unet-chat-redux: the shared socket factory was disposed');
    const scope = readScope();
    if (scope === null) return inner(url, handlers);
    // Another user now (a logout, then a login): the old user's scopes are left behind.
    releaseIdle(scope);
    const membership = join(scope);
    return membership ? membership.open(url, handlers) : inner(url, handlers);
  };

  const leaveAll = () => {
    for (const scope of [...memberships.keys()]) leave(scope);
  };
  let stopPageExit: () => void = () => undefined;
  const subscribePageExit =
    options.subscribePageExit === undefined ? subscribeDefaultPageExit : options.subscribePageExit;
  try {
    if (subscribePageExit) stopPageExit = subscribePageExit(leaveAll);
  } catch {
    // Without the signal a closing leader is noticed by its lock (or by probes).
  }

  return Object.assign(factory, {
    sharing: true,
    inspect: () => [...memberships.values()].map((membership) => membership.inspect()),
    releaseIdle: () => releaseIdle(),
    dispose: () => {
      if (disposed) return;
      disposed = true;
      leaveAll();
      stopPageExit();
    },
  });
}
