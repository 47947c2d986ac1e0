import { selectMessagesOfConversation } from '../src/index';
import { chatReducer, messagesReceived } from '../src/index';
import type { ChatState, Message } from '../src/index';
import { PAGE, conversationId, emptyChatState, latestPage, messageRange } from './fixtures';
import { collectGarbage, keep, median } from './harness';

/**
 * Benchmark 4: memory. The heap the store's `chat` state holds for n
 * messages of one conversation, loaded the way the UI loads them (the newest
 * page, then older pages), against the size of the same messages as JSON
 * on the wire and as the objects `JSON.parse` makes of it.
 */

export interface MemoryResults {
  messages: number;
  /** Whether `global.gc` was available (without it the deltas are not meaningful). */
  exact: boolean;
  runs: number;
  jsonBytes: number;
  parsedHeapBytes: number;
  storeHeapBytes: number;
}

function heapUsed(): number {
  // Twice: the first pass may leave objects that only a second one frees.
  collectGarbage?.();
  collectGarbage?.();
  return process.memoryUsage().heapUsed;
}

/** The chat state after loading every message of `json` page by page, newest first. */
function loadPaged(json: string): ChatState {
  const all = JSON.parse(json) as Message[];
  const id = conversationId(0);
  let state = emptyChatState();
  let end = all.length;
  while (end > 0) {
    const start = Math.max(0, end - PAGE);
    const oldestKnown = all[end]?.id;
    state = chatReducer(
      state,
      messagesReceived(id, all.slice(start, end), {
        source: 'history',
        page: oldestKnown ? { direction: 'older', cursor: oldestKnown, limit: PAGE } : latestPage,
      }),
    );
    end = start;
  }
  return state;
}

/** Heap still used by what `make` returns, after collections, while it is reachable. */
function retainedBy<Value>(make: () => Value, check: (value: Value) => void = () => {}): number {
  const before = heapUsed();
  const value = make();
  const retained = heapUsed() - before;
  // Used after the measurement, so the value is reachable while it is measured.
  check(value);
  keep(value);
  keep(null);
  return retained;
}

export function runMemoryBenchmark(
  messages = 10_000,
  runs = 3,
  log: (line: string) => void = () => {},
): MemoryResults {
  log(`memory: ${messages} messages`);
  const json = JSON.stringify(messageRange(0, 0, messages));
  const jsonBytes = Buffer.byteLength(json, 'utf8');
  const parsed: number[] = [];
  const stored: number[] = [];
  for (let run = 0; run < runs; run++) {
    parsed.push(retainedBy(() => JSON.parse(json) as unknown));
    stored.push(
      retainedBy(
        () => loadPaged(json),
        (state) => {
          const kept = selectMessagesOfConversation({ chat: state }, conversationId(0)).length;
          if (kept !== messages)
            throw new Error(`memory benchmark: the store kept ${kept} messages`);
        },
      ),
    );
  }
  return {
    messages,
    exact: collectGarbage !== undefined,
    runs,
    jsonBytes,
    parsedHeapBytes: median(parsed),
    storeHeapBytes: median(stored),
  };
}
