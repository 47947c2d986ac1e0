import { configureStore } from '@reduxjs/toolkit';
import { Profiler } from 'react';
import type { ProfilerOnRenderCallback } from 'react';
// Aliased to react-dom/profiling by the bench's build: production React with the Profiler on.
import { createRoot } from 'react-dom/client';
import { Provider } from 'react-redux';
import {
  createChat,
  loadOlderMessages,
  selectConversationMessage,
  selectMessagesOfConversation,
  selectPaging,
  subscribeToConversation,
} from 'unet-chat-redux';
import { ChatMessages } from 'unet-chat-redux/react';
import 'unet-chat-redux/styles.css';

/**
 * The render bench page: a host page as the README sets one up (createChat,
 * configureStore, Provider, `<ChatMessages>`), in a production build, with a
 * React `<Profiler>` around the chat. The bench drives it through
 * `window.bench` (playwright's `page.evaluate`).
 */

interface ProfilerCommit {
  phase: string;
  actualDuration: number;
}

interface FiberCommit {
  components: Record<string, number>;
  rows: Array<{ id: string; mounted: boolean }>;
}

interface FiberLog {
  recording: boolean;
  commits: FiberCommit[];
}

export interface Recording {
  profilerCommits: ProfilerCommit[];
  fiberCommits: FiberCommit[];
}

const profilerCommits: ProfilerCommit[] = [];
let recording = false;
let lastCommitAt = 0;

const onRender: ProfilerOnRenderCallback = (_id, phase, actualDuration) => {
  lastCommitAt = performance.now();
  if (recording) profilerCommits.push({ phase, actualDuration });
};

const fibers = (window as unknown as { __benchFibers: FiberLog }).__benchFibers;

const chat = createChat({
  baseUrl: window.location.origin,
  getAccessToken: () => 'bench-token',
  getCurrentUserId: () => 1,
  pageSize: 200,
  persistence: false,
});
const store = configureStore({
  reducer: { ...chat.reducers },
  middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(chat.middleware),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`render page: timed out waiting for ${what}`);
    await sleep(5);
  }
}

const bench = {
  /** Subscribes and scrolls back until the store holds `history` messages of the conversation. */
  async load(conversationId: string, history: number): Promise<number> {
    store.dispatch(subscribeToConversation(conversationId));
    await until(() => selectPaging(store.getState(), conversationId).caughtUp, 'live');
    for (;;) {
      const held = selectMessagesOfConversation(store.getState(), conversationId).length;
      if (held >= history || !selectPaging(store.getState(), conversationId).hasMoreOlder) break;
      await store.dispatch(loadOlderMessages(conversationId));
      // A windowed conversation stops growing.
      if (selectMessagesOfConversation(store.getState(), conversationId).length <= held) break;
    }
    return selectMessagesOfConversation(store.getState(), conversationId).length;
  },

  /** Renders the conversation; resolves after the first commit. */
  async mount(conversationId: string): Promise<number> {
    const started = performance.now();
    const root = createRoot(document.getElementById('root') as HTMLElement);
    root.render(
      <Provider store={store}>
        <Profiler id="chat" onRender={onRender}>
          <div className="bench-frame">
            <ChatMessages conversationId={conversationId} />
          </div>
        </Profiler>
      </Provider>,
    );
    await until(() => lastCommitAt > 0, 'the first commit');
    return lastCommitAt - started;
  },

  /** Resolves once no commit happened for `quietMs`. */
  async quiet(quietMs: number): Promise<void> {
    await until(() => performance.now() - lastCommitAt >= quietMs, 'a quiet moment', 30_000);
  },

  /** Message rows in the DOM. */
  rows(): number {
    return document.querySelectorAll('[data-message-id]').length;
  },

  startRecording(): void {
    profilerCommits.length = 0;
    fibers.commits.length = 0;
    recording = true;
    fibers.recording = true;
  },

  stopRecording(): Recording {
    recording = false;
    fibers.recording = false;
    return { profilerCommits: [...profilerCommits], fiberCommits: [...fibers.commits] };
  },

  /** Resolves once message `id` is in the store and its row in the DOM (when `shown`). */
  async waitFor(conversationId: string, id: string, shown: boolean): Promise<void> {
    await until(
      () =>
        selectConversationMessage(store.getState(), conversationId, id) !== undefined &&
        (!shown || document.querySelector(`[data-message-id="${id}"]`) !== null),
      `message ${id}`,
    );
  },

  count(conversationId: string): number {
    return selectMessagesOfConversation(store.getState(), conversationId).length;
  },
};

/** What the bench calls in the page. */
export type BenchPage = typeof bench;

(window as unknown as { bench: BenchPage }).bench = bench;
