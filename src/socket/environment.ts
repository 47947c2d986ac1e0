/**
 * Everything the connection needs from its surroundings — clock, timers,
 * randomness, network and page visibility — behind one injectable object, as
 * TanStack Query's `onlineManager` and `focusManager` do. Tests pass a
 * {@link createManualEnvironment} and need no fake timers or patched globals.
 */

/**
 * Whatever `setTimeout` returns in the environment (a number, a Node
 * `Timeout`, …); only ever handed back to `clearTimeout`.
 *
 * @example
 * ```ts
 * const handle: TimerHandle = environment.setTimeout(retry, 500);
 * environment.clearTimeout(handle);
 * ```
 */
export type TimerHandle = unknown;

/**
 * The signals and timers the real-time layer reads. Each `subscribe…`
 * returns its own unsubscribe function.
 *
 * @example
 * ```ts
 * const environment: ChatEnvironment = createDefaultEnvironment();
 * const stop = environment.subscribeOnline((online) => console.log('online:', online));
 * stop();
 * ```
 */
export interface ChatEnvironment {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** A number in [0, 1), for backoff jitter. */
  random(): number;
  isOnline(): boolean;
  subscribeOnline(listener: (online: boolean) => void): () => void;
  isVisible(): boolean;
  subscribeVisibility(listener: (visible: boolean) => void): () => void;
}

const noop = (): void => {};

type ListenerTarget = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

/** `window` or `document` when the global exists and can take listeners (not in Node, SSR or most workers). */
function globalTarget(name: 'window' | 'document'): ListenerTarget | null {
  const target = (globalThis as Record<string, unknown>)[name] as
    Partial<ListenerTarget> | undefined;
  return target &&
    typeof target.addEventListener === 'function' &&
    typeof target.removeEventListener === 'function'
    ? (target as ListenerTarget)
    : null;
}

function browserOnline(): boolean {
  const onLine = (globalThis as { navigator?: { onLine?: unknown } }).navigator?.onLine;
  // Only a definite `false` means offline: Node 21+ has a `navigator` without `onLine`.
  return onLine !== false;
}

function browserVisible(): boolean {
  const state = (globalThis as { document?: { visibilityState?: unknown } }).document
    ?.visibilityState;
  return state !== 'hidden';
}

function listen(target: ListenerTarget | null, events: Record<string, () => void>): () => void {
  if (!target) return noop;
  const entries = Object.entries(events);
  for (const [type, handler] of entries) target.addEventListener(type, handler);
  return () => {
    for (const [type, handler] of entries) target.removeEventListener(type, handler);
  };
}

/** A zero-delay timer that is Node's `setImmediate` (see {@link zeroDelayAware}). */
interface Immediate {
  immediate: unknown;
}

const isImmediate = (handle: TimerHandle): handle is Immediate =>
  typeof handle === 'object' && handle !== null && 'immediate' in handle;

/**
 * Global timers, except that a zero-delay one is `setImmediate` where there
 * is one (Node): a timer of 0 ms waits at least 1 ms there, and the socket
 * layer hands each batch of frames on with one — a millisecond of latency
 * per batch, and per turn a burst is coalesced over. An immediate runs after
 * the I/O already due, as the timer did, only sooner. Browsers have no
 * `setImmediate` and keep `setTimeout`.
 */
const zeroDelayAware: Pick<ChatEnvironment, 'setTimeout' | 'clearTimeout'> = {
  setTimeout(fn, ms) {
    const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
    if (ms <= 0 && typeof immediate === 'function') return { immediate: immediate(fn) };
    return globalThis.setTimeout(fn, ms);
  },
  clearTimeout(handle) {
    if (isImmediate(handle)) {
      const clear = (globalThis as { clearImmediate?: (handle: unknown) => void }).clearImmediate;
      clear?.(handle.immediate);
    } else globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

/**
 * The real environment: global timers (a zero-delay one is `setImmediate`
 * where there is one), `Math.random`, `navigator.onLine`
 * with the `online`/`offline` events, and `document.visibilityState` with
 * `visibilitychange`. Without `window` or `document` (Node, SSR) it reports
 * always online and visible and its subscriptions do nothing; it never
 * throws. Pass `overrides` to replace single signals, e.g. a React Native
 * app's network state.
 *
 * @example
 * ```ts
 * const environment = createDefaultEnvironment({
 *   isOnline: () => netInfo.isConnected,
 *   subscribeOnline: (listener) => NetInfo.addEventListener((state) => listener(!!state.isConnected)),
 * });
 * ```
 */
export function createDefaultEnvironment(
  overrides: Partial<ChatEnvironment> = {},
): ChatEnvironment {
  return {
    now: () => Date.now(),
    setTimeout: zeroDelayAware.setTimeout,
    clearTimeout: zeroDelayAware.clearTimeout,
    random: () => Math.random(),
    isOnline: browserOnline,
    subscribeOnline: (listener) =>
      listen(globalTarget('window'), {
        online: () => listener(true),
        offline: () => listener(false),
      }),
    isVisible: browserVisible,
    subscribeVisibility: (listener) => {
      const stopVisibility = listen(globalTarget('document'), {
        visibilitychange: () => listener(browserVisible()),
      });
      // A focused window is being looked at, even if no visibility change preceded it.
      const stopFocus = listen(globalTarget('window'), { focus: () => listener(browserVisible()) });
      return () => {
        stopVisibility();
        stopFocus();
      };
    },
    ...overrides,
  };
}

/**
 * A deterministic environment for tests: time moves only when the test
 * calls {@link ManualEnvironment.advance}, and network and visibility change
 * only when it says so.
 *
 * @example
 * ```ts
 * const environment = createManualEnvironment({ random: () => 0.5 });
 * environment.setTimeout(() => console.log('later'), 1000);
 * environment.advance(1000); // logs 'later'
 * environment.pendingTimers(); // 0
 * ```
 */
export interface ManualEnvironment extends ChatEnvironment {
  /**
   * Moves the clock forward by `ms`, running every timer that falls due on
   * the way in due-time order (ties in the order they were set), including
   * timers those timers set.
   */
  advance(ms: number): void;
  /** Runs timers until none is left, moving the clock to each; throws after 10,000 to stop endless loops. */
  runAll(): void;
  /** How many timers are set and not yet run or cleared. */
  pendingTimers(): number;
  /** Changes the network state and notifies subscribers when it differs. */
  setOnline(online: boolean): void;
  /** Changes the page visibility and notifies subscribers when it differs. */
  setVisible(visible: boolean): void;
  setRandom(fn: () => number): void;
}

/**
 * Options of {@link createManualEnvironment}.
 *
 * @example
 * ```ts
 * createManualEnvironment({ now: Date.parse('2024-01-01T00:00:00Z'), random: () => 0 });
 * ```
 */
export interface ManualEnvironmentOptions {
  /** The clock's start, in epoch ms. Default 0. */
  now?: number;
  /** Default `() => 0.5`, so backoff delays are half their cap. */
  random?: () => number;
}

interface ManualTimer {
  id: number;
  due: number;
  fn: () => void;
}

const RUN_ALL_LIMIT = 10_000;

/**
 * Creates a {@link ManualEnvironment}: online, visible, at `options.now`.
 *
 * @example
 * ```ts
 * const environment = createManualEnvironment();
 * environment.setOnline(false);
 * environment.isOnline(); // false
 * ```
 */
export function createManualEnvironment(options: ManualEnvironmentOptions = {}): ManualEnvironment {
  let now = options.now ?? 0;
  let random = options.random ?? (() => 0.5);
  let online = true;
  let visible = true;
  let nextId = 1;
  let timers: ManualTimer[] = [];
  const onlineListeners = new Set<(online: boolean) => void>();
  const visibilityListeners = new Set<(visible: boolean) => void>();

  /** The timer to run next: the earliest due, and of those the first set (ids grow). */
  function nextTimer(until: number): ManualTimer | undefined {
    let next: ManualTimer | undefined;
    for (const timer of timers) {
      if (timer.due <= until && (!next || timer.due < next.due)) next = timer;
    }
    return next;
  }

  function run(timer: ManualTimer): void {
    timers = timers.filter((other) => other !== timer);
    now = Math.max(now, timer.due);
    timer.fn();
  }

  function subscribe<Value>(
    listeners: Set<(value: Value) => void>,
    listener: (value: Value) => void,
  ) {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }

  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.push({ id, due: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(handle) {
      timers = timers.filter((timer) => timer.id !== handle);
    },
    random: () => random(),
    isOnline: () => online,
    subscribeOnline: (listener) => subscribe(onlineListeners, listener),
    isVisible: () => visible,
    subscribeVisibility: (listener) => subscribe(visibilityListeners, listener),
    advance(ms) {
      const until = now + ms;
      for (let timer = nextTimer(until); timer; timer = nextTimer(until)) run(timer);
      now = until;
    },
    runAll() {
      for (let count = 0; timers.length > 0; count++) {
        if (count >= RUN_ALL_LIMIT) {
          throw new Error(
            `ManualEnvironment.runAll: still ${timers.length} timers after ${RUN_ALL_LIMIT} runs`,
          );
        }
        const timer = nextTimer(Infinity);
        if (timer) run(timer);
      }
    },
    pendingTimers: () => timers.length,
    setOnline(value) {
      if (value === online) return;
      online = value;
      // A copy, so a listener that unsubscribes while notified does not skip another.
      for (const listener of [...onlineListeners]) listener(value);
    },
    setVisible(value) {
      if (value === visible) return;
      visible = value;
      for (const listener of [...visibilityListeners]) listener(value);
    },
    setRandom(fn) {
      random = fn;
    },
  };
}
