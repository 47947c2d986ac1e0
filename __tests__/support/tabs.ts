/**
 * In-memory stand-ins for what tabs of one browser share: BroadcastChannel
 * (every other channel of the same name gets a structured clone, in a later
 * task) and the Web Locks API (exclusive locks, a queue per name, `signal`
 * aborts a waiting request). A tab can crash: its channels go silent, its
 * locks are released and its waiting requests forgotten, its timers stop —
 * no goodbye of any kind, as when a renderer process dies.
 *
 * @example
 * const browser = createFakeBrowser();
 * const tab = browser.tab('A');
 * createSharedSocketFactory(inner, { scope, channel: tab.channels, locks: tab.locks, subscribePageExit: null });
 * tab.crash();
 */
import type { SharedTimers, TabChannel, TabLockManager } from 'unet-chat-redux';

type Listener = (event: { data: unknown }) => void;

interface FakeChannel extends TabChannel {
  readonly name: string;
  readonly tab: string;
  closed: boolean;
}

interface LockRequest {
  tab: string;
  name: string;
  callback: (lock: unknown) => Promise<unknown> | unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface HeldLock {
  request: LockRequest;
  /** Set when the holder crashed: its callback's promise no longer matters. */
  released: boolean;
}

/** A message as the network saw it: who posted it on which channel. */
export interface PostedMessage {
  tab: string;
  name: string;
  data: unknown;
}

export interface FakeTab {
  readonly name: string;
  channels(name: string): TabChannel;
  readonly locks: TabLockManager;
  /** Timers that stop when the tab crashes (wrapping the timers given to `tab()`). */
  readonly timers: SharedTimers;
  readonly crashed: boolean;
  /** The tab dies without a word. */
  crash(): void;
  /**
   * As a background tab's timers are throttled: while on, its timers that
   * fall due wait (messages still arrive); turning it off runs them.
   */
  throttle(on: boolean): void;
}

export interface FakeBrowser {
  tab(name: string, timers?: SharedTimers): FakeTab;
  /** Every message posted, in order. */
  readonly posted: PostedMessage[];
  /** Drops the messages for which it returns false (a partition); null delivers all. */
  setFilter(filter: ((message: PostedMessage, toTab: string) => boolean) | null): void;
  /** Channels open now (not closed, not of a crashed tab). */
  openChannels(): string[];
  /** Locks held now, as `tab: name`. */
  heldLocks(): string[];
  /** Lock requests waiting now, as `tab: name`. */
  waitingLocks(): string[];
}

const immediate = (run: () => void) => setImmediate(run);

function abortError(): Error {
  const error = new Error('The request was aborted.');
  error.name = 'AbortError';
  return error;
}

export function createFakeBrowser(): FakeBrowser {
  const channels = new Set<FakeChannel>();
  const posted: PostedMessage[] = [];
  const held = new Map<string, HeldLock>();
  const waiting = new Map<string, LockRequest[]>();
  const crashedTabs = new Set<string>();
  let filter: ((message: PostedMessage, toTab: string) => boolean) | null = null;

  function grant(request: LockRequest): void {
    const lock: HeldLock = { request, released: false };
    held.set(request.name, lock);
    immediate(() => {
      if (lock.released) return;
      let result: unknown;
      try {
        result = request.callback({ name: request.name, mode: 'exclusive' });
      } catch (error) {
        release(lock);
        request.reject(error);
        return;
      }
      void Promise.resolve(result).then(
        (value) => {
          release(lock);
          request.resolve(value);
        },
        (error: unknown) => {
          release(lock);
          request.reject(error);
        },
      );
    });
  }

  function release(lock: HeldLock): void {
    if (lock.released) return;
    lock.released = true;
    const name = lock.request.name;
    if (held.get(name) === lock) held.delete(name);
    const queue = waiting.get(name) ?? [];
    const next = queue.shift();
    if (queue.length === 0) waiting.delete(name);
    if (next) {
      if (next.signal && next.onAbort) next.signal.removeEventListener('abort', next.onAbort);
      grant(next);
    }
  }

  function lockManager(tab: string): TabLockManager {
    return {
      request(name, options, callback) {
        return new Promise((resolve, reject) => {
          if (crashedTabs.has(tab)) return; // A dead tab's calls never return.
          if (options.signal?.aborted) {
            reject(abortError());
            return;
          }
          const request: LockRequest = { tab, name, callback, resolve, reject };
          if (!held.has(name)) {
            grant(request);
            return;
          }
          const queue = waiting.get(name) ?? [];
          queue.push(request);
          waiting.set(name, queue);
          if (options.signal) {
            request.signal = options.signal;
            request.onAbort = () => {
              const current = waiting.get(name) ?? [];
              const index = current.indexOf(request);
              if (index === -1) return;
              current.splice(index, 1);
              if (current.length === 0) waiting.delete(name);
              reject(abortError());
            };
            options.signal.addEventListener('abort', request.onAbort, { once: true });
          }
        });
      },
    };
  }

  function channelFactory(tab: string) {
    return (name: string): TabChannel => {
      const listeners = new Set<Listener>();
      const channel: FakeChannel = {
        name,
        tab,
        closed: false,
        postMessage(message) {
          if (channel.closed) throw new Error('InvalidStateError: the channel is closed');
          if (crashedTabs.has(tab)) return;
          const data = structuredClone(message);
          const record = { tab, name, data };
          posted.push(record);
          for (const other of channels) {
            if (other === channel || other.name !== name) continue;
            if (filter && !filter(record, other.tab)) continue;
            immediate(() => {
              if (other.closed || crashedTabs.has(other.tab)) return;
              for (const listener of [
                ...(other as unknown as { listeners: Set<Listener> }).listeners,
              ])
                listener({ data: structuredClone(data) });
            });
          }
        },
        addEventListener(_type, listener) {
          listeners.add(listener);
        },
        removeEventListener(_type, listener) {
          listeners.delete(listener);
        },
        close() {
          channel.closed = true;
          channels.delete(channel);
        },
      };
      Object.assign(channel, { listeners });
      channels.add(channel);
      return channel;
    };
  }

  return {
    posted,
    tab(name, timers) {
      const live = new Set<unknown>();
      let throttled = false;
      const delayed: Array<() => void> = [];
      const base: SharedTimers = timers ?? {
        setTimeout: (fn, ms) => setTimeout(fn, ms),
        clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      };
      const tabTimers: SharedTimers = {
        setTimeout(fn, ms) {
          if (crashedTabs.has(name)) return undefined;
          const handle: unknown = base.setTimeout(() => {
            live.delete(handle);
            if (crashedTabs.has(name)) return;
            if (throttled) delayed.push(fn);
            else fn();
          }, ms);
          live.add(handle);
          return handle;
        },
        clearTimeout(handle) {
          live.delete(handle);
          base.clearTimeout(handle);
        },
      };
      const channelsOf = channelFactory(name);
      return {
        name,
        channels: channelsOf,
        locks: lockManager(name),
        timers: tabTimers,
        get crashed() {
          return crashedTabs.has(name);
        },
        throttle(on) {
          throttled = on;
          if (!on) for (const fn of delayed.splice(0)) if (!crashedTabs.has(name)) fn();
        },
        crash() {
          crashedTabs.add(name);
          delayed.length = 0;
          for (const handle of live) base.clearTimeout(handle);
          live.clear();
          for (const channel of [...channels]) if (channel.tab === name) channels.delete(channel);
          for (const [lockName, queue] of [...waiting]) {
            const rest = queue.filter((request) => request.tab !== name);
            if (rest.length > 0) waiting.set(lockName, rest);
            else waiting.delete(lockName);
          }
          for (const lock of [...held.values()]) if (lock.request.tab === name) release(lock);
        },
      };
    },
    setFilter(next) {
      filter = next;
    },
    openChannels: () => [...channels].filter((c) => !c.closed).map((c) => `${c.tab}: ${c.name}`),
    heldLocks: () => [...held.values()].map((lock) => `${lock.request.tab}: ${lock.request.name}`),
    waitingLocks: () =>
      [...waiting.values()].flat().map((request) => `${request.tab}: ${request.name}`),
  };
}

/** Lets every pending delivery, lock grant and promise callback run (a few macrotask turns). */
export async function settleTabs(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}
