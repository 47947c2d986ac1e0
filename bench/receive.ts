import { selectMessagesOfConversation } from '../src/index';
import type { UnknownAction } from '@reduxjs/toolkit';
import { chatReducer, messagesReceived } from '../src/index';
import type { ChatState, Message } from '../src/index';
// Internal on purpose: the ordering step measured alone, without the reducer around it.
import { mergeSorted } from '../src/state/timeline';
import {
  baselineReceived,
  fullSortReducer,
  sortedAdapterReducer,
  unsortedAdapterReducer,
} from './baselines';
import type { BaselineState } from './baselines';
import {
  PAGE,
  chatStateWith,
  conversationId,
  emptyChatState,
  makeMessage,
  messageRange,
} from './fixtures';
import { compare } from './harness';
import type { Repetitions } from './harness';

/**
 * Benchmark 1: receiving messages into a long conversation. The package's
 * reducer (`chatReducer` fed by `messagesReceived`, the path every message
 * takes) against two naive ways of keeping messages in time order, plus
 * the ordering step alone (`mergeSorted` against a full sort).
 */

const CONVERSATION = 0;

/** One way of storing messages, driven through its own pre-built actions. */
interface Contender<State> {
  name: string;
  /** Not a competitor: shown for scale only. */
  reference: boolean;
  build(n: number): State;
  reduce(state: State, action: UnknownAction): State;
  live(message: Message): UnknownAction;
  olderPage(page: Message[], oldestKnownId: string): UnknownAction;
  gapPage(page: Message[], cursorId: string): UnknownAction;
  orderedIds(state: State): readonly string[];
}

const packageContender: Contender<ChatState> = {
  name: 'unet-chat-redux (`chatReducer`)',
  reference: false,
  build: (n) => chatStateWith(n, CONVERSATION),
  reduce: chatReducer,
  live: (message) =>
    messagesReceived(conversationId(CONVERSATION), [message], { source: 'socket' }),
  olderPage: (page, oldestKnownId) =>
    messagesReceived(conversationId(CONVERSATION), page, {
      source: 'history',
      page: { direction: 'older', cursor: oldestKnownId, limit: PAGE },
    }),
  gapPage: (page, cursorId) =>
    messagesReceived(conversationId(CONVERSATION), page, {
      source: 'catchUp',
      page: { direction: 'newer', cursor: cursorId, limit: PAGE },
    }),
  orderedIds: (state) =>
    selectMessagesOfConversation({ chat: state }, conversationId(CONVERSATION)).map((m) => m.id),
};

function baselineContender(
  name: string,
  reducer: (state: BaselineState | undefined, action: UnknownAction) => BaselineState,
  reference = false,
): Contender<BaselineState> {
  return {
    name,
    reference,
    build: (n) => reducer(undefined, baselineReceived(messageRange(CONVERSATION, 0, n))),
    reduce: reducer,
    live: (message) => baselineReceived([message]),
    olderPage: (page) => baselineReceived(page),
    gapPage: (page) => baselineReceived(page),
    orderedIds: (state) => state.ids,
  };
}

/** Every contender, the package first. */
const contenders = [
  packageContender,
  baselineContender('RTK `createEntityAdapter({ sortComparer })`', sortedAdapterReducer),
  baselineContender('append, then sort the whole id array', fullSortReducer),
  baselineContender(
    'unsorted `createEntityAdapter` (keeps no order)',
    unsortedAdapterReducer,
    true,
  ),
] as unknown as Array<Contender<unknown>>;

type Bases = Map<Contender<unknown>, unknown>;

function basesAt(n: number): Bases {
  return new Map(contenders.map((contender) => [contender, contender.build(n)]));
}

export type ScenarioName = 'live' | 'older' | 'gap';

export interface ContenderResult {
  name: string;
  reference: boolean;
  /** Median time of the whole workload (ms). */
  median: number;
  /** Median time per message received (ms). */
  perMessage: number;
}

export interface ScenarioResult {
  scenario: ScenarioName;
  n: number;
  messages: number;
  dispatches: number;
  runs: number;
  results: ContenderResult[];
}

export interface ScalingRow {
  name: string;
  reference: boolean;
  /** Time per live message at each size (ms). */
  perMessage: number[];
}

export interface OrderingRow {
  name: string;
  /** Sort-key reads per live message at each size. */
  keyReads: number[];
  /** Time per live message at each size (ms). */
  perMessage: number[];
}

export interface ReceiveResults {
  scenarios: ScenarioResult[];
  sizes: number[];
  /** Live messages per sample at each size. */
  scalingLive: Record<number, number>;
  scaling: ScalingRow[];
  /** The package at a small conversation inside a store that holds many more messages. */
  sharedStore: {
    conversationSize: number;
    storeSize: number;
    perMessage: number;
    aloneAtConversationSize: number;
    aloneAtStoreSize: number;
  };
  ordering: OrderingRow[];
  /** Key reads of one page of 50 (older, gap) at n, by the ordering step alone. */
  orderingPages: Array<{ name: string; older: number; gap: number }>;
}

interface Workload {
  /** Pre-built actions, in dispatch order. */
  actions(contender: Contender<unknown>): UnknownAction[];
  messages: number;
}

function liveMessages(n: number, count: number): Message[] {
  return messageRange(CONVERSATION, n, n + count);
}

function liveWorkload(n: number, count: number): Workload {
  const incoming = liveMessages(n, count);
  return { messages: count, actions: (c) => incoming.map((message) => c.live(message)) };
}

function olderPage(): Message[] {
  return messageRange(CONVERSATION, -PAGE, 0);
}

function olderWorkload(): Workload {
  const page = olderPage();
  const oldestKnownId = makeMessage(CONVERSATION, 0, 0).id;
  return { messages: PAGE, actions: (c) => [c.olderPage(page, oldestKnownId)] };
}

/** A page of 50 whose messages fall between the newest 100 existing ones (a gap being filled). */
function gapPage(n: number): Message[] {
  const page: Message[] = [];
  const firstSlot = n - 2 * PAGE;
  for (let j = 0; j < PAGE; j++) {
    page.push(makeMessage(CONVERSATION, n + 100_000 + j, firstSlot + 2 * j, 5_000));
  }
  return page;
}

function gapWorkload(n: number): Workload {
  const firstSlot = n - 2 * PAGE;
  const cursorId = makeMessage(CONVERSATION, firstSlot - 1, firstSlot - 1).id;
  const page = gapPage(n);
  return { messages: PAGE, actions: (c) => [c.gapPage(page, cursorId)] };
}

function apply(contender: Contender<unknown>, base: unknown, actions: readonly UnknownAction[]) {
  let state = base;
  for (const action of actions) state = contender.reduce(state, action);
  return state;
}

/** Every contender must end with the same order, or the timings compare different work. */
function checkSameOrder(workload: Workload, bases: Bases, scenario: string): void {
  let expected: readonly string[] | null = null;
  for (const contender of contenders) {
    const state = apply(contender, bases.get(contender), workload.actions(contender));
    const ids = contender.orderedIds(state);
    if (contender.reference) continue;
    if (expected === null) expected = ids;
    else if (ids.length !== expected.length || ids.some((id, i) => id !== expected?.[i])) {
      throw new Error(`${contender.name} ordered the ${scenario} scenario differently`);
    }
  }
}

function timeWorkload(
  workload: Workload,
  bases: Bases,
  repetitions: Repetitions,
  selected: ReadonlyArray<Contender<unknown>> = contenders,
): ContenderResult[] {
  const tasks = selected.map((contender) => {
    const actions = workload.actions(contender);
    const base = bases.get(contender);
    return { prepare: () => base, run: (state: unknown) => apply(contender, state, actions) };
  });
  return compare(tasks, repetitions).map(({ median }, i) => ({
    name: selected[i]?.name ?? '',
    reference: Boolean(selected[i]?.reference),
    median,
    perMessage: median / workload.messages,
  }));
}

/** Sort keys of a sorted timeline of n messages and of the messages about to join it. */
function keyTable(n: number, incoming: readonly Message[]) {
  const keys = new Map<string, number>();
  const ids: string[] = [];
  for (const message of messageRange(CONVERSATION, 0, n)) {
    keys.set(message.id, Date.parse(message.created_at));
    ids.push(message.id);
  }
  for (const message of incoming) keys.set(message.id, Date.parse(message.created_at));
  let reads = 0;
  const keyOf = (id: string) => {
    reads += 1;
    return keys.get(id) ?? 0;
  };
  return {
    ids,
    keyOf,
    takeReads: () => {
      const taken = reads;
      reads = 0;
      return taken;
    },
  };
}

type Orderer = (
  ids: readonly string[],
  batch: readonly string[],
  keyOf: (id: string) => number,
) => readonly string[];

const orderers: Array<{ name: string; order: Orderer }> = [
  { name: 'unet-chat-redux `mergeSorted`', order: mergeSorted },
  {
    name: 'append, then sort the whole id array',
    order: (ids, batch, keyOf) => [...ids, ...batch].sort((a, b) => keyOf(a) - keyOf(b)),
  },
];

/** The ordering step alone: key reads (exact) and time per live message. */
function measureOrdering(sizes: readonly number[], repetitions: Repetitions) {
  const perSize = sizes.map((n) => {
    const batches = liveMessages(n, 1).map((message) => [message.id]);
    const table = keyTable(n, liveMessages(n, 1));
    const reads = orderers.map(({ order }) => {
      table.takeReads();
      order(table.ids, batches[0] ?? [], table.keyOf);
      return table.takeReads();
    });
    // Enough inserts per sample that the clock's resolution does not matter.
    const rounds = Math.max(10, Math.round(500_000 / n));
    const samples = compare(
      orderers.map(({ order }) => ({
        prepare: () => table.ids,
        run: (ids: unknown) => {
          let out: readonly string[] = [];
          for (let i = 0; i < rounds; i++)
            out = order(ids as string[], batches[0] ?? [], table.keyOf);
          return out;
        },
      })),
      repetitions,
    );
    return { reads, perMessage: samples.map(({ median }) => median / rounds) };
  });
  const rows: OrderingRow[] = orderers.map(({ name }, k) => ({
    name,
    keyReads: perSize.map((size) => size.reads[k] ?? 0),
    perMessage: perSize.map((size) => size.perMessage[k] ?? 0),
  }));
  return rows;
}

function measureOrderingPages(n: number) {
  const older = olderPage();
  const gap = gapPage(n);
  const table = keyTable(n, [...older, ...gap]);
  return orderers.map(({ name, order }) => {
    table.takeReads();
    order(
      table.ids,
      older.map((m) => m.id),
      table.keyOf,
    );
    const olderReads = table.takeReads();
    order(
      table.ids,
      gap.map((m) => m.id),
      table.keyOf,
    );
    return { name, older: olderReads, gap: table.takeReads() };
  });
}

/** The package's state: a conversation of `size` inside a store of `conversations` such conversations. */
function sharedStore(size: number, conversations: number): ChatState {
  let state = emptyChatState();
  for (let c = conversations - 1; c >= 0; c--) state = chatStateWith(size, c, state);
  return state;
}

export interface ReceiveOptions {
  n: number;
  live: number;
  sizes: number[];
  /** Live messages per sample at each size (fewer at large sizes keeps the run short). */
  liveAt(n: number): number;
  pageRepetitions: Repetitions;
  /**
   * Samples of live messages at each size. The smallest size runs first and
   * warms the same code paths, so the large sizes (seconds per sample) can
   * skip their own warm-up.
   */
  liveRepetitions(n: number): Repetitions;
  orderingRepetitions: Repetitions;
}

export const defaultReceiveOptions: ReceiveOptions = {
  n: 10_000,
  live: 100,
  sizes: [1_000, 10_000, 50_000],
  liveAt: (n) => (n >= 50_000 ? 5 : 100),
  pageRepetitions: { warmup: 2, runs: 9 },
  liveRepetitions: (n) => (n <= 1_000 ? { warmup: 1, runs: 5 } : { warmup: 0, runs: 5 }),
  orderingRepetitions: { warmup: 1, runs: 5 },
};

export function runReceiveBenchmark(
  options: ReceiveOptions = defaultReceiveOptions,
  log: (line: string) => void = () => {},
): ReceiveResults {
  const { n, sizes } = options;
  const scaling: ScalingRow[] = contenders.map((contender) => ({
    name: contender.name,
    reference: contender.reference,
    perMessage: [],
  }));
  const scenarios: ScenarioResult[] = [];

  for (const size of sizes) {
    const bases = basesAt(size);
    if (size === n) {
      const workloads: Array<[ScenarioName, Workload, Repetitions, number]> = [
        ['older', olderWorkload(), options.pageRepetitions, 1],
        ['gap', gapWorkload(n), options.pageRepetitions, 1],
        ['live', liveWorkload(n, options.live), options.liveRepetitions(n), options.live],
      ];
      for (const [scenario, workload, repetitions, dispatches] of workloads) {
        log(`receive: ${scenario} at n=${n}`);
        checkSameOrder(workload, bases, scenario);
        const results = timeWorkload(workload, bases, repetitions);
        scenarios.push({
          scenario,
          n,
          messages: workload.messages,
          dispatches,
          runs: repetitions.runs,
          results,
        });
        if (scenario === 'live')
          results.forEach((r, i) => scaling[i]?.perMessage.push(r.perMessage));
      }
    } else {
      log(`receive: live messages at n=${size}`);
      const workload = liveWorkload(size, options.liveAt(size));
      checkSameOrder(workload, bases, `live (n=${size})`);
      const results = timeWorkload(workload, bases, options.liveRepetitions(size));
      results.forEach((r, i) => scaling[i]?.perMessage.push(r.perMessage));
    }
    bases.clear();
  }

  const smallest = sizes[0] ?? 1_000;
  const largest = sizes[sizes.length - 1] ?? 50_000;
  log(`receive: a ${smallest}-message conversation in a ${largest}-message store`);
  const shared = new Map<Contender<unknown>, unknown>([
    [contenders[0] as Contender<unknown>, sharedStore(smallest, largest / smallest)],
  ]);
  const [sharedResult] = timeWorkload(
    liveWorkload(smallest, options.liveAt(largest)),
    shared,
    options.liveRepetitions(largest),
    [contenders[0] as Contender<unknown>],
  );
  shared.clear();

  log('receive: ordering step alone');
  const ordering = measureOrdering(sizes, options.orderingRepetitions);
  const packageRow = scaling[0]?.perMessage ?? [];
  return {
    scenarios,
    sizes,
    scalingLive: Object.fromEntries(
      sizes.map((size) => [size, size === n ? options.live : options.liveAt(size)]),
    ),
    scaling,
    sharedStore: {
      conversationSize: smallest,
      storeSize: largest,
      perMessage: sharedResult?.perMessage ?? Number.NaN,
      aloneAtConversationSize: packageRow[0] ?? Number.NaN,
      aloneAtStoreSize: packageRow[packageRow.length - 1] ?? Number.NaN,
    },
    ordering,
    orderingPages: measureOrderingPages(n),
  };
}
