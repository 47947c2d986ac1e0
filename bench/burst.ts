import { configureStore } from '@reduxjs/toolkit';
import type { Middleware } from '@reduxjs/toolkit';
import { createElement, useLayoutEffect } from 'react';
import {
  createChat,
  createDefaultEnvironment,
  createMemoryTransport,
  defaultFrameCodec,
  messagesReceived,
  selectMessagesOfConversation,
  selectPaging,
  subscribeToConversation,
} from '../src/index';
import type { ChatMessage, ChatRootState, MemorySocket } from '../src/index';
import { conversationId, messageRange } from './fixtures';
import { median } from './harness';

/**
 * Benchmark 3: a burst of socket frames. The real `createChat` store, fed
 * through the in-memory transport, against the same store fed one action per
 * frame (what a `socket.onmessage = (e) => dispatch(...)` handler does). A
 * React 19 root (react-dom in jsdom) shows the conversation through
 * `useSelector(selectMessagesOfConversation)`, so renders are counted too.
 */

const CONVERSATION = conversationId(0);

/** How the frames reach the store. */
export type Delivery = 'package' | 'perFrame';
/** When the frames arrive: all in one tick, or one per macrotask (as a browser delivers them). */
export type Arrival = 'oneTick' | 'perMacrotask';

export interface BurstCounts {
  /** Actions that reached the reducers during the burst. */
  dispatches: number;
  /** `store.subscribe` callbacks during the burst. */
  notifications: number;
  /** Calls of the component's selector (react-redux runs it on each notification and render). */
  selectorCalls: number;
  /** Times that selector returned a new array. */
  newArrays: number;
  /** Renders of the component (null without a DOM). */
  renders: number | null;
  /** From the first frame until every message is in the store and (with a DOM) on screen, ms. */
  elapsedMs: number;
}

export interface BurstRow {
  delivery: Delivery;
  arrival: Arrival;
  runs: number;
  /** Medians over the runs. */
  counts: BurstCounts;
}

export interface BurstResults {
  frames: number;
  /** Whether react-dom could render (jsdom found). */
  rendered: boolean;
  rows: BurstRow[];
}

const stubFetch: typeof fetch = async () =>
  new Response('[]', { status: 200, headers: { 'Content-Type': 'application/json' } });

const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline)
      throw new Error(`burst benchmark: timed out waiting for ${what}`);
    await sleep(1);
  }
}

interface Counters {
  dispatches: number;
  notifications: number;
  selectorCalls: number;
  newArrays: number;
  renders: number;
  lastCommitAt: number;
  committedLength: number;
  last: ChatMessage[] | null;
}

function createCounters(): Counters {
  return {
    dispatches: 0,
    notifications: 0,
    selectorCalls: 0,
    newArrays: 0,
    renders: 0,
    lastCommitAt: 0,
    committedLength: 0,
    last: null,
  };
}

/** The package wired as the README says, with an in-memory socket and a stub REST API. */
function createHarness(counters: Counters) {
  const memory = createMemoryTransport();
  const chat = createChat({
    baseUrl: 'http://bench.invalid',
    getAccessToken: () => 't',
    getCurrentUserId: () => 1,
    fetchFn: stubFetch,
    environment: createDefaultEnvironment(),
    socket: { factory: memory.factory },
  });
  // Last in the chain: it sees exactly the actions that reach the reducers.
  const recorder: Middleware = () => (next) => (action) => {
    counters.dispatches += 1;
    return next(action);
  };
  const store = configureStore({
    reducer: { ...chat.reducers },
    middleware: (getDefaultMiddleware) =>
      getDefaultMiddleware().concat(chat.middleware).concat(recorder),
  });
  store.subscribe(() => {
    counters.notifications += 1;
  });
  return { memory, chat, store };
}

type Harness = ReturnType<typeof createHarness>;

/** react-dom, react-redux and a DOM: loaded only here, after jsdom provides `window`. */
interface View {
  mount(harness: Harness, counters: Counters): Promise<() => void>;
}

async function loadView(): Promise<{ view: View; teardown: () => void } | null> {
  // jsdom comes with jest-environment-jsdom; without it the burst is counted without renders.
  const jsdom = await import('jsdom').catch(() => null);
  if (!jsdom) return null;
  const dom = new jsdom.JSDOM('<!doctype html><html><body></body></html>');
  const globals = globalThis as Record<string, unknown>;
  const saved = { window: globals.window, document: globals.document };
  globals.window = dom.window;
  globals.document = dom.window.document;
  // Both decide at load time whether a DOM exists.
  const { createRoot } = await import('react-dom/client');
  const { Provider, useSelector } = await import('react-redux');

  function MessageList({ counters }: { counters: Counters }) {
    const messages = useSelector((state: ChatRootState) => {
      counters.selectorCalls += 1;
      const selected = selectMessagesOfConversation(state, CONVERSATION);
      if (selected !== counters.last) counters.newArrays += 1;
      counters.last = selected;
      return selected;
    });
    counters.renders += 1;
    useLayoutEffect(() => {
      counters.lastCommitAt = performance.now();
      counters.committedLength = messages.length;
    });
    return createElement(
      'p',
      null,
      `${messages.length} messages, last: ${messages.at(-1)?.text ?? '—'}`,
    );
  }

  const view: View = {
    async mount(harness, counters) {
      const container = dom.window.document.createElement('div');
      dom.window.document.body.append(container);
      const root = createRoot(container);
      root.render(
        createElement(Provider, {
          store: harness.store,
          children: createElement(MessageList, { counters }),
        }),
      );
      await until(() => counters.lastCommitAt > 0, 'the first render');
      return () => {
        root.unmount();
        container.remove();
      };
    },
  };
  return {
    view,
    teardown: () => {
      dom.window.close();
      globals.window = saved.window;
      globals.document = saved.document;
    },
  };
}

function frames(count: number): string[] {
  return messageRange(0, 0, count).map((message) =>
    JSON.stringify({ type: 'message:new', payload: message }),
  );
}

/** A naive socket handler: decode the frame, dispatch it. */
function perFrameHandler(harness: Harness) {
  return (frame: string) => {
    const decoded = defaultFrameCodec.decode(frame);
    if (decoded.ok && decoded.event.type === 'message:new') {
      harness.store.dispatch(
        messagesReceived(CONVERSATION, [decoded.event.payload], { source: 'socket' }),
      );
    }
  };
}

async function runOnce(
  delivery: Delivery,
  arrival: Arrival,
  burst: readonly string[],
  view: View | null,
): Promise<BurstCounts> {
  const counters = createCounters();
  const harness = createHarness(counters);
  const unsubscribe = harness.store.dispatch(subscribeToConversation(CONVERSATION));
  await until(() => harness.memory.last() !== undefined, 'the socket');
  const socket = harness.memory.last() as MemorySocket;
  socket.open();
  await until(
    () => selectPaging(harness.store.getState(), CONVERSATION).caughtUp,
    'the (empty) history page',
  );
  const unmount = view ? await view.mount(harness, counters) : () => {};
  await sleep(5);

  const before = { ...counters };
  const deliver =
    delivery === 'package' ? (frame: string) => socket.receive(frame) : perFrameHandler(harness);
  const start = performance.now();
  for (const frame of burst) {
    deliver(frame);
    if (arrival === 'perMacrotask') await nextMacrotask();
  }
  const inStore = () =>
    selectMessagesOfConversation(harness.store.getState(), CONVERSATION).length === burst.length;
  const done = view ? () => inStore() && counters.committedLength === burst.length : inStore;
  await until(done, 'the burst to land');
  const end = view ? counters.lastCommitAt : performance.now();
  // Whatever the burst still had scheduled is counted too.
  await sleep(20);
  const counts: BurstCounts = {
    dispatches: counters.dispatches - before.dispatches,
    notifications: counters.notifications - before.notifications,
    selectorCalls: counters.selectorCalls - before.selectorCalls,
    newArrays: counters.newArrays - before.newArrays,
    renders: view ? counters.renders - before.renders : null,
    elapsedMs: end - start,
  };

  unmount();
  unsubscribe();
  harness.chat.dispose();
  return counts;
}

function medianCounts(list: readonly BurstCounts[]): BurstCounts {
  const of = (pick: (counts: BurstCounts) => number) => median(list.map(pick));
  return {
    dispatches: of((c) => c.dispatches),
    notifications: of((c) => c.notifications),
    selectorCalls: of((c) => c.selectorCalls),
    newArrays: of((c) => c.newArrays),
    renders: list.every((c) => c.renders !== null) ? of((c) => c.renders ?? 0) : null,
    elapsedMs: of((c) => c.elapsedMs),
  };
}

export interface BurstOptions {
  frames: number;
  runs: number;
}

export const defaultBurstOptions: BurstOptions = { frames: 1_000, runs: 3 };

export async function runBurstBenchmark(
  options: BurstOptions = defaultBurstOptions,
  log: (line: string) => void = () => {},
): Promise<BurstResults> {
  const loaded = await loadView();
  const burst = frames(options.frames);
  const rows: BurstRow[] = [];
  try {
    for (const arrival of ['oneTick', 'perMacrotask'] as const) {
      const runs: Record<Delivery, BurstCounts[]> = { package: [], perFrame: [] };
      // Warm-up: one untimed round of each, then the rounds, alternating.
      for (let round = 0; round <= options.runs; round++) {
        for (const delivery of ['package', 'perFrame'] as const) {
          log(`burst: ${options.frames} frames, ${arrival}, ${delivery}, round ${round}`);
          const counts = await runOnce(delivery, arrival, burst, loaded?.view ?? null);
          if (round > 0) runs[delivery].push(counts);
        }
      }
      for (const delivery of ['package', 'perFrame'] as const) {
        rows.push({ delivery, arrival, runs: options.runs, counts: medianCounts(runs[delivery]) });
      }
    }
  } finally {
    loaded?.teardown();
  }
  return { frames: options.frames, rendered: loaded !== null, rows };
}
