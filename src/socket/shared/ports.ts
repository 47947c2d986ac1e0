/**
 * What the shared socket factory needs from the browser to talk between
 * tabs — a broadcast channel, a lock manager, timers and the page's exit
 * signals — each injectable, so tests pass in-memory fakes and never patch
 * globals (as TanStack Query's `onlineManager` does).
 */

/**
 * The part of a `BroadcastChannel` the shared factory uses. The browser's
 * `BroadcastChannel` fits it as it is.
 *
 * @example
 * ```ts
 * const channel: TabChannel = new BroadcastChannel('unet-chat-redux:sockets:v1:42');
 * ```
 */
export interface TabChannel {
  /** Delivered (a structured clone) to every other channel of the same name in this origin; not to itself. */
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

/**
 * Opens a {@link TabChannel} by name.
 *
 * @example
 * ```ts
 * const channels: TabChannelFactory = (name) => new BroadcastChannel(name);
 * ```
 */
export type TabChannelFactory = (name: string) => TabChannel;

/**
 * The part of the Web Locks API (`navigator.locks`) the shared factory uses:
 * a lock is held while the promise its callback returns is pending, and the
 * browser releases it when the tab goes away, however it goes.
 *
 * @example
 * ```ts
 * const locks: TabLockManager = navigator.locks;
 * ```
 */
export interface TabLockManager {
  request(
    name: string,
    options: { signal?: AbortSignal },
    callback: (lock: unknown) => Promise<unknown> | unknown,
  ): Promise<unknown>;
}

/**
 * Timers of the fallback election (a `ChatEnvironment` fits).
 *
 * @example
 * ```ts
 * const timers: SharedTimers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as number) };
 * ```
 */
export interface SharedTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * `new BroadcastChannel(name)` in a browser page. Node has a global
 * `BroadcastChannel` too (between worker threads), but a server process is
 * not a browser with tabs: there the default is none, and the factory passes
 * sockets through unchanged.
 */
export function defaultTabChannelFactory(): TabChannelFactory | null {
  const scope = globalThis as { BroadcastChannel?: unknown; document?: unknown };
  const Channel = scope.BroadcastChannel;
  if (typeof Channel !== 'function' || typeof scope.document !== 'object' || !scope.document)
    return null;
  return (name) => new (Channel as new (name: string) => TabChannel)(name);
}

/** `navigator.locks` when present (secure contexts of current browsers). */
export function defaultTabLockManager(): TabLockManager | null {
  const locks = (globalThis as { navigator?: { locks?: Partial<TabLockManager> } }).navigator
    ?.locks;
  return locks && typeof locks.request === 'function' ? (locks as TabLockManager) : null;
}

export const globalTimers: SharedTimers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

type ListenerTarget = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

function target(name: 'window' | 'document'): ListenerTarget | null {
  const candidate = (globalThis as Record<string, unknown>)[name] as
    Partial<ListenerTarget> | undefined;
  return candidate &&
    typeof candidate.addEventListener === 'function' &&
    typeof candidate.removeEventListener === 'function'
    ? (candidate as ListenerTarget)
    : null;
}

/**
 * The page is going away or being frozen (`pagehide`, `freeze`): a leader
 * hands over now rather than leave the other tabs waiting for a lock the
 * browser may release late, or never while the page sits frozen.
 */
export function subscribeDefaultPageExit(leave: () => void): () => void {
  const windowTarget = target('window');
  const documentTarget = target('document');
  windowTarget?.addEventListener('pagehide', leave);
  documentTarget?.addEventListener('freeze', leave);
  return () => {
    windowTarget?.removeEventListener('pagehide', leave);
    documentTarget?.removeEventListener('freeze', leave);
  };
}
