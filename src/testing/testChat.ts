import { createChat, createManualEnvironment, createMemoryTransport } from 'unet-chat-redux';
import type {
  Chat,
  ChatOptions,
  ManualEnvironment,
  MemorySocket,
  MemoryTransport,
} from 'unet-chat-redux';
import { createFakeChatServer } from './fakeServer';
import type { FakeChatServer, FakeChatServerSeed } from './fakeServer';

/**
 * Options of {@link createTestChat}: what the fake server starts with, plus
 * any `createChat` option to override.
 *
 * @example
 * ```ts
 * const options: TestChatOptions = { conversations: [fakeConversation(1)], currentUserId: 2, pageSize: 20 };
 * ```
 */
export interface TestChatOptions extends FakeChatServerSeed, Omit<ChatOptions, 'environment'> {
  /** Default a fresh {@link ManualEnvironment} at {@link FIXTURE_EPOCH}. */
  environment?: ManualEnvironment;
}

/**
 * A chat wired for tests: a fake server behind `fetch`, in-memory sockets
 * the test opens and speaks through, and a clock that moves only when told.
 *
 * @example
 * ```ts
 * const test = createTestChat({ conversations: [fakeConversation(1)] });
 * const store = makeStore(test.chat); // the host's own store factory
 * ```
 */
export interface TestChat {
  chat: Chat;
  server: FakeChatServer;
  transport: MemoryTransport;
  environment: ManualEnvironment;
  /** The newest socket of a conversation (`undefined` before one opens). */
  socketOf(conversationId: string): MemorySocket | undefined;
  /**
   * Lets the chat's pending work run: fake `fetch` answers, timers due now on
   * the manual clock (the socket's frame batch is one), and what they start.
   */
  flush(): Promise<void>;
  /** `chat.dispose()`: closes the sockets, clears timers and listeners. */
  dispose(): void;
}

const macrotask = () =>
  new Promise<void>((resolve) =>
    typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0),
  );

/**
 * Creates a {@link TestChat}. The chat talks to `http://chat.test` as user
 * `currentUserId` (default 1) with the token `'test-token'`, makes no
 * retries, and keeps sockets on: open one with `socketOf(id)!.open()`.
 *
 * @example
 * ```ts
 * const test = createTestChat({ conversations: [fakeConversation(1)], messages: fakeMessages(1, 3) });
 * const store = configureStore({
 *   reducer: { ...test.chat.reducers },
 *   middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(test.chat.middleware),
 * });
 * store.dispatch(subscribeToConversation(fakeConversationId(1)));
 * test.socketOf(fakeConversationId(1))!.open();
 * await test.flush();
 * ```
 */
export function createTestChat(options: TestChatOptions = {}): TestChat {
  const {
    conversations,
    messages,
    users,
    currentUserId = 1,
    apiPrefix,
    environment,
    ...rest
  } = options;
  const server = createFakeChatServer({ conversations, messages, users, currentUserId, apiPrefix });
  const transport = createMemoryTransport();
  const clock = environment ?? createManualEnvironment({ now: Date.parse('2026-01-02T12:00:00Z') });
  const chat = createChat({
    baseUrl: 'http://chat.test',
    apiPrefix,
    fetchFn: server.fetchFn,
    getAccessToken: () => 'test-token',
    getCurrentUserId: () => currentUserId,
    storage: null,
    maxRetries: 0,
    ...rest,
    environment: clock,
    // The fake server has no user stream: sockets open at once, as the seed's do.
    socket: { factory: transport.factory, stream: 'never', ...rest.socket },
  });
  const conversationPath = (id: string) => `/ws/conversations/${encodeURIComponent(id)}/`;
  return {
    chat,
    server,
    transport,
    environment: clock,
    socketOf: (id) =>
      transport.sockets.filter((socket) => socket.url.includes(conversationPath(id))).at(-1),
    async flush() {
      for (let round = 0; round < 10; round++) {
        clock.advance(0);
        await macrotask();
      }
    },
    dispose: () => chat.dispose(),
  };
}
