import { timelineMessages } from '../src/index';
import { createSelector } from '@reduxjs/toolkit';
import {
  chatReducer,
  makeSelectMessages,
  messagesReceived,
  selectMessagesOfConversation,
} from '../src/index';
import type { ChatMessage, ChatRootState, ChatState } from '../src/index';
import { chatStateWith, conversationId, emptyChatState, makeMessage } from './fixtures';
import { median } from './harness';

/**
 * Benchmark 2: selector stability under load. Live messages keep arriving in
 * other conversations; a screen showing conversation A must not get a new
 * array (and so a re-render) for them. The package's selectors, read the
 * ways an app reads them, against two naive selectors.
 */

type MessagesSelector = (state: ChatRootState, conversationId: string) => ChatMessage[];

const noMessages: ChatMessage[] = [];

/** What most apps write first: a new array on every call. */
const naiveMap: MessagesSelector = (state, id) => {
  const timeline = state.chat.messages.conversations[id];
  return timeline ? [...timelineMessages(timeline)] : noMessages;
};

/** Memoized on its input, but one memo shared by every screen that reads a conversation. */
const naiveMemoized: MessagesSelector = createSelector(
  [(state: ChatRootState, id: string) => state.chat.messages.conversations[id]],
  (timeline) => (timeline ? [...timelineMessages(timeline)] : noMessages),
);

/**
 * Who reads which conversation with what (`selectB` null: only the screen of
 * A uses this selector). Rows never share a memo, so they cannot disturb each
 * other: the exported selector keeps one memo per conversation, and the row
 * that shares one `makeSelectMessages()` instance between two screens uses its own.
 */
interface Reader {
  name: string;
  selectA: MessagesSelector;
  selectB: MessagesSelector | null;
}

const sharedByTwoScreens = makeSelectMessages();

const readers: Reader[] = [
  {
    name: '`selectMessagesOfConversation` (one memo per conversation), read for A and for B',
    selectA: selectMessagesOfConversation,
    selectB: selectMessagesOfConversation,
  },
  {
    name: 'one `makeSelectMessages()` instance read for A and for B (two screens sharing it)',
    selectA: sharedByTwoScreens,
    selectB: sharedByTwoScreens,
  },
  {
    name: '`makeSelectMessages()`, one instance per screen',
    selectA: makeSelectMessages(),
    selectB: makeSelectMessages(),
  },
  { name: '`ids.map(id => entities[id])`', selectA: naiveMap, selectB: naiveMap },
  {
    name: '`createSelector` over timeline + entities',
    selectA: naiveMemoized,
    selectB: naiveMemoized,
  },
];

export interface SelectorRow {
  name: string;
  /** New references returned for the untouched conversation A. */
  newReferences: number;
  /** New references returned for B, which did receive messages (null when not read for B). */
  touchedNewReferences: number | null;
  /** Whether this row reads B too. */
  readsB: boolean;
  /** Median time of the call right after a dispatch (ms). */
  perCallAfterDispatch: number;
  /** Median time of a repeated call with the same state (ms). */
  perRepeatedCall: number;
}

export interface SelectorResults {
  conversations: number;
  messagesPerConversation: number;
  dispatches: number;
  /** How many of the dispatches went to the touched conversation. */
  touchedDispatches: number;
  rows: SelectorRow[];
}

export interface SelectorOptions {
  conversations: number;
  messagesPerConversation: number;
  dispatches: number;
}

export const defaultSelectorOptions: SelectorOptions = {
  conversations: 20,
  messagesPerConversation: 500,
  dispatches: 1_000,
};

const timed = <Result>(run: () => Result): [Result, number] => {
  const start = performance.now();
  const result = run();
  return [result, performance.now() - start];
};

export function runSelectorBenchmark(
  options: SelectorOptions = defaultSelectorOptions,
  log: (line: string) => void = () => {},
): SelectorResults {
  const { conversations, messagesPerConversation: size, dispatches } = options;
  log(`selectors: ${conversations} conversations × ${size} messages, ${dispatches} dispatches`);
  let chat: ChatState = emptyChatState();
  for (let c = 0; c < conversations; c++) chat = chatStateWith(size, c, chat);

  const watched = conversationId(0);
  const touched = conversationId(1);
  const stats = readers.map(() => ({
    last: null as ChatMessage[] | null,
    lastTouched: null as ChatMessage[] | null,
    newReferences: 0,
    touchedNewReferences: 0,
    afterDispatch: [] as number[],
    repeated: [] as number[],
  }));

  let round = 0;
  const observe = (state: ChatRootState, counting: boolean) => {
    round += 1;
    // A different reader goes first each time: the first to touch a fresh state pays for cold caches.
    for (let i = 0; i < readers.length; i++) {
      const k = (round + i) % readers.length;
      const reader = readers[k];
      const stat = stats[k];
      if (!reader || !stat) continue;
      const { selectA, selectB } = reader;
      const [messages, elapsed] = timed(() => selectA(state, watched));
      const [, repeatedElapsed] = timed(() => selectA(state, watched));
      const touchedMessages = selectB ? selectB(state, touched) : null;
      if (counting) {
        if (messages !== stat.last) stat.newReferences += 1;
        if (touchedMessages !== stat.lastTouched) stat.touchedNewReferences += 1;
        stat.afterDispatch.push(elapsed);
        stat.repeated.push(repeatedElapsed);
      }
      stat.last = messages;
      stat.lastTouched = touchedMessages;
    }
  };

  observe({ chat }, false);
  let touchedDispatches = 0;
  for (let i = 0; i < dispatches; i++) {
    // Round-robin over every conversation but the watched one.
    const target = 1 + (i % (conversations - 1));
    if (target === 1) touchedDispatches += 1;
    const slot = size + Math.floor(i / (conversations - 1));
    const message = makeMessage(target, slot, slot);
    chat = chatReducer(
      chat,
      messagesReceived(conversationId(target), [message], { source: 'socket' }),
    );
    observe({ chat }, true);
  }

  return {
    conversations,
    messagesPerConversation: size,
    dispatches,
    touchedDispatches,
    rows: readers.map(({ name, selectB }, k) => {
      const stat = stats[k];
      return {
        name,
        readsB: selectB !== null,
        newReferences: stat?.newReferences ?? 0,
        touchedNewReferences: selectB ? (stat?.touchedNewReferences ?? 0) : null,
        perCallAfterDispatch: median(stat?.afterDispatch ?? []),
        perRepeatedCall: median(stat?.repeated ?? []),
      };
    }),
  };
}
