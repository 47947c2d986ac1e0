import { useCallback, useRef, useSyncExternalStore } from 'react';
import { useChatStore } from './store';
import type { ChatRootState } from 'unet-chat-redux';

/**
 * How often, at most, the message list and the conversation list re-render
 * while the store changes faster than that (a burst, a busy conversation). A
 * change after a quiet moment renders at once; the changes that follow within
 * the interval render together at its end, and while they keep coming, at
 * most every second interval. 100 ms is below what a person perceives as a
 * delay; a burst of 1,000 messages, which a browser receives in several reads
 * over 30–300 ms, renders in at most three commits.
 */
export const RENDER_INTERVAL_MS = 100;

/** The clock a {@link RenderPacer} runs on (tests pass their own). */
export interface PaceClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Store notifications, throttled: a change after a quiet moment notifies at
 * once; the changes within the next `intervalMs` notify together at its end,
 * and while changes keep coming, every `2 × intervalMs`. A run of changes
 * ends when a whole spacing passes without one. No change waits longer than
 * `2 × intervalMs`, and none is left without a notification.
 */
export interface RenderPacer {
  /** Like `store.subscribe`, paced. The store is subscribed while anyone listens. */
  subscribe(listener: () => void): () => void;
  /** Notifies now of a change that is waiting for the interval (a person's own action). */
  flush(): void;
}

interface Subscribable {
  subscribe(listener: () => void): () => void;
}

const systemClock: PaceClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * A {@link RenderPacer} over `store`.
 *
 * @example
 * ```ts
 * const pacer = createRenderPacer(store, 100);
 * const stop = pacer.subscribe(() => render(store.getState()));
 * ```
 */
export function createRenderPacer(
  store: Subscribable,
  intervalMs: number,
  clock: PaceClock = systemClock,
): RenderPacer {
  const listeners = new Set<() => void>();
  let unsubscribeStore: (() => void) | null = null;
  let lastNotifiedAt = Number.NEGATIVE_INFINITY;
  let timer: { handle: unknown } | null = null;
  // Notifications from the timer since the last one at once: a run of changes (a burst) backs off.
  let trailing = 0;

  const notify = () => {
    lastNotifiedAt = clock.now();
    for (const listener of [...listeners]) listener();
  };
  const stopTimer = () => {
    if (timer) clock.clearTimeout(timer.handle);
    timer = null;
  };
  const changed = () => {
    // A notification is already due: it will show this change too.
    if (timer) return;
    const spacing = trailing === 0 ? intervalMs : 2 * intervalMs;
    const wait = lastNotifiedAt + spacing - clock.now();
    if (wait <= 0) {
      trailing = 0;
      notify();
      return;
    }
    timer = {
      handle: clock.setTimeout(() => {
        timer = null;
        trailing += 1;
        notify();
      }, wait),
    };
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      unsubscribeStore ??= store.subscribe(changed);
      return () => {
        listeners.delete(listener);
        if (listeners.size > 0 || !unsubscribeStore) return;
        unsubscribeStore();
        unsubscribeStore = null;
        stopTimer();
        // The next listener (a list mounted again) starts afresh: its first change shows at once.
        lastNotifiedAt = Number.NEGATIVE_INFINITY;
        trailing = 0;
      };
    },
    flush() {
      if (!timer) return;
      stopTimer();
      notify();
    },
  };
}

// One pacer per store and interval, so every paced reader of a store re-renders in the same commit.
const pacers = new WeakMap<object, Map<number, RenderPacer>>();

function pacerFor(store: Subscribable, intervalMs: number): RenderPacer {
  let byInterval = pacers.get(store);
  if (!byInterval) pacers.set(store, (byInterval = new Map()));
  let pacer = byInterval.get(intervalMs);
  if (!pacer) {
    pacer =
      intervalMs > 0
        ? createRenderPacer(store, intervalMs)
        : { subscribe: (listener) => store.subscribe(listener), flush() {} };
    byInterval.set(intervalMs, pacer);
  }
  return pacer;
}

/**
 * The store's {@link RenderPacer} for `intervalMs` (`0`: notifications are
 * not paced, and `flush` does nothing).
 */
export function useRenderPacer(intervalMs: number = RENDER_INTERVAL_MS): RenderPacer {
  return pacerFor(useChatStore(), intervalMs);
}

/**
 * `useChatSelector` whose re-renders are paced by {@link RenderPacer}: it
 * always reads the current state, but learns of changes at most once per
 * `intervalMs` while they come faster. A result `isEqual` to the previous one
 * (default `Object.is`) keeps the previous reference.
 *
 * @example
 * ```ts
 * const selectMessages = useMemo(() => makeSelectMessages(), []);
 * const messages = usePacedChatSelector((state) => selectMessages(state, id));
 * ```
 */
export function usePacedChatSelector<Selected>(
  selector: (state: ChatRootState) => Selected,
  intervalMs: number = RENDER_INTERVAL_MS,
  isEqual: (previous: Selected, next: Selected) => boolean = Object.is,
): Selected {
  const store = useChatStore();
  const pacer = pacerFor(store, intervalMs);
  // useSyncExternalStore needs the same reference for an unchanged result.
  const last = useRef<{ value: Selected } | null>(null);
  const read = useCallback(() => {
    const next = selector(store.getState());
    const previous = last.current;
    if (previous && isEqual(previous.value, next)) return previous.value;
    last.current = { value: next };
    return next;
  }, [selector, store, isEqual]);
  return useSyncExternalStore(pacer.subscribe, read, read);
}
