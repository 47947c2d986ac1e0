import type { ChatRuntime } from '../../api/runtime';
import type { SocketFactory } from '../transport';
import { createSharedSocketFactory } from './index';
import type { SharedSocketFactory, SharedSocketOptions } from './index';

/**
 * `createChat({ socket: { shareAcrossTabs } })`: `true` shares with the
 * default scope (the server and the current user), an object overrides the
 * scope or injects the channel and locks (tests).
 *
 * @example
 * ```ts
 * const share: ShareAcrossTabsOption = { scope: () => `${tenant}|${userId()}` };
 * createChat({ socket: { shareAcrossTabs: share } });
 * ```
 */
export type ShareAcrossTabsOption = boolean | Partial<SharedSocketOptions>;

/** Whether `factory` is a {@link SharedSocketFactory} (ours or one the host made). */
export function isSharedSocketFactory(
  factory: SocketFactory | undefined,
): factory is SharedSocketFactory {
  return (
    typeof factory === 'function' &&
    typeof (factory as Partial<SharedSocketFactory>).releaseIdle === 'function'
  );
}

function serverOf(runtime: ChatRuntime): string {
  const { baseUrl, apiPrefix } = runtime.options;
  try {
    const page = (globalThis as { location?: { href?: unknown } }).location?.href;
    const base = typeof page === 'string' ? new URL(baseUrl || '/', page) : new URL(baseUrl);
    return `${base.origin}${base.pathname.replace(/\/+$/, '')}${apiPrefix}`;
  } catch {
    return `${baseUrl}${apiPrefix}`;
  }
}

/**
 * The default scope: the server and the user, so that tabs of different
 * users (two people in two tabs of one browser) never share, and nobody
 * shares while nobody is logged in.
 */
export function defaultTabScope(runtime: ChatRuntime): () => string | null {
  return () => {
    const userId = runtime.getCurrentUserId();
    return userId === null ? null : `${serverOf(runtime)}|user:${userId}`;
  };
}

/**
 * The factory the connections of one chat instance use: `inner` itself, or
 * a shared factory around it that the chat created and therefore disposes
 * (`addCleanup`).
 */
export function withTabSharing(
  runtime: ChatRuntime,
  inner: SocketFactory,
  option: ShareAcrossTabsOption,
  addCleanup: (cleanup: () => void) => void,
): SocketFactory {
  if (option === false) return inner;
  const overrides = option === true ? {} : option;
  const shared = createSharedSocketFactory(inner, {
    timers: runtime.environment,
    ...overrides,
    scope: overrides.scope ?? defaultTabScope(runtime),
  });
  addCleanup(() => shared.dispose());
  return shared;
}
