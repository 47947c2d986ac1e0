import { configureStore } from '@reduxjs/toolkit';
import { act, cleanup, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { Provider } from 'react-redux';
import {
  chatApi,
  createChat,
  createManualEnvironment,
  createMemoryTransport,
} from 'unet-chat-redux';
import type {
  ChatUser,
  Conversation,
  CreateConversationBody,
  EditMessageBody,
  MemorySocket,
  Message,
  SendMessageBody,
} from 'unet-chat-redux';
import { conversation, CONVERSATION, OTHER_CONVERSATION } from '../../support/factories';
import { createFakeFetch } from '../../support/fakeFetch';
import type { FakeAnswer, RecordedRequest } from '../../support/fakeFetch';

/**
 * A host app in a test: a real store with the chat dropped in, a scripted
 * unet-chat server behind `fetch`, in-memory sockets the test opens and
 * speaks through, and a manual clock. Every harness is disposed (and every
 * rendered tree unmounted) after each test.
 */

// ---------------------------------------------------------------------------
// jsdom (jest-environment-jsdom 30 on Node 20) has `Headers` and
// `AbortController` but no `Request` or `Response`, which RTK Query's
// `fetchBaseQuery` and the scripted fetch build. These two classes do just
// what those two need: string bodies, `clone`, `text`, `json`.

class MinimalRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly signal: AbortSignal | null;
  private readonly body: string | null;

  constructor(input: string | URL | MinimalRequest, init: RequestInit = {}) {
    const source = input instanceof MinimalRequest ? input : null;
    this.url = source ? source.url : String(input);
    this.method = (init.method ?? source?.method ?? 'GET').toUpperCase();
    this.headers = new Headers(init.headers ?? source?.headers);
    this.signal = init.signal ?? source?.signal ?? null;
    const body = init.body ?? source?.body ?? null;
    if (body !== null && typeof body !== 'string') {
      throw new TypeError('MinimalRequest (test harness) only carries string bodies');
    }
    this.body = body;
  }

  clone(): MinimalRequest {
    return new MinimalRequest(this);
  }

  async text(): Promise<string> {
    return this.body ?? '';
  }
}

class MinimalResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: Headers;
  private readonly body: string | null;

  constructor(body: string | null = null, init: ResponseInit = {}) {
    this.status = init.status ?? 200;
    this.ok = this.status >= 200 && this.status < 300;
    this.headers = new Headers(init.headers);
    this.body = body;
  }

  clone(): MinimalResponse {
    return new MinimalResponse(this.body, { status: this.status, headers: this.headers });
  }

  async text(): Promise<string> {
    return this.body ?? '';
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }
}

if (typeof globalThis.Request === 'undefined') {
  Object.assign(globalThis, { Request: MinimalRequest });
}
if (typeof globalThis.Response === 'undefined') {
  Object.assign(globalThis, { Response: MinimalResponse });
}

// ---------------------------------------------------------------------------
// The scripted server.

export const BASE_URL = 'http://chat.test';
const API_PREFIX = '/api/unet-chat';
export const ME = 1;
export { CONVERSATION, OTHER_CONVERSATION };

export const users: ChatUser[] = [
  { id: 1, username: 'aibek', full_name: 'Айбек Асанов' },
  { id: 2, username: 'aizada', full_name: 'Айзада Токтогулова' },
  { id: 3, username: 'bakyt', full_name: 'Бакыт Маматов' },
];

/** A message of the server's history: `n` minutes after 09:00 on 1 November 2026, from user 2. */
export function historyMessage(n: number, overrides: Partial<Message> = {}): Message {
  return {
    id: `0190b000-0000-7000-9000-${String(n).padStart(12, '0')}`,
    conversation_id: CONVERSATION,
    sender_id: 2,
    text: `message ${n}`,
    reply_to: null,
    is_edited: false,
    created_at: new Date(Date.UTC(2026, 10, 1, 9, n)).toISOString(),
    ...overrides,
  };
}

export interface FakeChatServer {
  conversations: Conversation[];
  messages: Message[];
  users: ChatUser[];
  /** Every request the client made, in order. */
  requests: RecordedRequest[];
  /** Consulted first: an answer here (or a promise of one, to hold a request) replaces the default route's. */
  intercept: ((request: RecordedRequest) => FakeAnswer | Promise<FakeAnswer> | undefined) | null;
  fetchFn: typeof fetch;
  /** The requests whose method and API path (without the query) match. */
  requestsTo(method: string, path: string | RegExp): RecordedRequest[];
}

function apiPath(request: RecordedRequest): { path: string; params: URLSearchParams } {
  const url = new URL(request.url);
  return { path: url.pathname.slice(API_PREFIX.length), params: url.searchParams };
}

function byTime(a: Message, b: Message): number {
  return Date.parse(a.created_at) - Date.parse(b.created_at) || (a.id < b.id ? -1 : 1);
}

export interface FakeServerSeed {
  conversations?: Conversation[];
  messages?: Message[];
  users?: ChatUser[];
}

/**
 * An in-memory unet-chat server with the contract's routes (and the [ext]
 * `before`/`after`/`limit` paging, `client_id` echo and `/users/`).
 */
export function createFakeChatServer(seed: FakeServerSeed = {}): FakeChatServer {
  let sequence = 0;
  let clock = Date.now();
  const nextId = (kind: string) => `${kind}-${String(++sequence).padStart(4, '0')}`;
  // Server time moves forward with every message it stores, so order is never a tie.
  const stamp = () => new Date((clock = Math.max(clock + 1000, Date.now()))).toISOString();

  const server: Omit<FakeChatServer, 'fetchFn' | 'requests'> = {
    conversations: seed.conversations ?? [
      conversation(CONVERSATION, { title: 'Приёмная комиссия', participant_ids: [1, 2, 3] }),
      conversation(OTHER_CONVERSATION, { title: 'Библиотека', participant_ids: [1, 2] }),
    ],
    messages: seed.messages ?? [],
    users: seed.users ?? users,
    intercept: null,
    requestsTo(method, path) {
      return fake.requests.filter((request) => {
        const actual = apiPath(request).path;
        return (
          request.method === method &&
          (typeof path === 'string' ? actual === path : path.test(actual))
        );
      });
    },
  };

  function route(request: RecordedRequest): FakeAnswer {
    const { path, params } = apiPath(request);
    const [, resource, id, sub] = path.split('/');
    const key = `${request.method} /${resource ?? ''}/${id ? ':id' : ''}${sub ? `/${sub}` : ''}`;

    switch (key) {
      case 'GET /conversations/':
        return { status: 200, body: server.conversations };
      case 'POST /conversations/': {
        const body = request.body as CreateConversationBody;
        const created: Conversation = {
          id: nextId('conversation'),
          type: body.type,
          title: body.title ?? null,
          created_by: ME,
          created_at: stamp(),
          service: body.service ?? null,
          service_id: body.service_id ?? null,
          participant_ids: [ME, ...(body.participant_ids ?? []).filter((user) => user !== ME)],
        };
        server.conversations = [...server.conversations, created];
        return { status: 201, body: created };
      }
      case 'GET /conversations/:id': {
        const found = server.conversations.find((c) => c.id === decodeURIComponent(id ?? ''));
        return found
          ? { status: 200, body: found }
          : { status: 404, body: { detail: 'Not found' } };
      }
      case 'DELETE /conversations/:id':
        server.conversations = server.conversations.filter(
          (c) => c.id !== decodeURIComponent(id ?? ''),
        );
        return { status: 204 };
      case 'GET /messages/:id': {
        const list = server.messages
          .filter((message) => message.conversation_id === decodeURIComponent(id ?? ''))
          .sort(byTime);
        const limit = Number(params.get('limit') ?? 50);
        const before = params.get('before');
        const after = params.get('after');
        if (before) {
          const index = list.findIndex((message) => message.id === before);
          return { status: 200, body: list.slice(Math.max(0, index - limit), index) };
        }
        if (after) {
          const index = list.findIndex((message) => message.id === after);
          return { status: 200, body: list.slice(index + 1, index + 1 + limit) };
        }
        return { status: 200, body: list.slice(-limit) };
      }
      case 'POST /messages/': {
        const body = request.body as SendMessageBody;
        const stored: Message = {
          id: nextId('message'),
          conversation_id: body.conversation_id,
          sender_id: body.sender_id,
          text: body.text,
          reply_to: body.reply_to ?? null,
          is_edited: false,
          created_at: stamp(),
          client_id: body.client_id ?? null,
        };
        server.messages = [...server.messages, stored];
        return { status: 201, body: stored };
      }
      case 'PUT /messages/:id': {
        const body = request.body as EditMessageBody;
        const found = server.messages.find((m) => m.id === decodeURIComponent(id ?? ''));
        if (!found) return { status: 404, body: { detail: 'Not found' } };
        const edited: Message = { ...found, text: body.text, is_edited: true, updated_at: stamp() };
        server.messages = server.messages.map((m) => (m.id === edited.id ? edited : m));
        return { status: 200, body: edited };
      }
      case 'DELETE /messages/:id':
        server.messages = server.messages.filter((m) => m.id !== decodeURIComponent(id ?? ''));
        return { status: 204 };
      case 'GET /users/':
        return { status: 200, body: server.users };
      default:
        return { status: 404, body: { detail: `no route for ${request.method} ${path}` } };
    }
  }

  const { fetchFn, requests } = createFakeFetch(
    (request) => server.intercept?.(request) ?? route(request),
  );
  const fake: FakeChatServer = Object.assign(server, { fetchFn, requests });
  return fake;
}

// ---------------------------------------------------------------------------
// The store, the sockets and the clock.

export interface HarnessOptions extends FakeServerSeed {
  /** What `getCurrentUserId` answers. Default 1. */
  currentUserId?: number | null;
  /** Messages per history page. Default the package's (50). */
  pageSize?: number;
}

const live: Array<{ chat: { dispose(): void }; environment: { pendingTimers(): number } }> = [];

afterEach(async () => {
  // Answers still on their way land inside act, then components unmount
  // (unsubscribing from a store that still works), then the chats are disposed.
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
  cleanup();
  for (const harness of live.splice(0)) {
    harness.chat.dispose();
    // dispose() promises that no socket timer outlives it.
    expect(harness.environment.pendingTimers()).toBe(0);
  }
});

/** The seed's WebSocket URL of a conversation, as the harness's chat builds it. */
export function socketUrl(conversationId: string): string {
  return `ws://chat.test/api/unet-chat/ws/conversations/${conversationId}/?WWW-Authenticate=Bearer%20t`;
}

/** Creates the harness; it is disposed after the test. */
export function createHarness(options: HarnessOptions = {}) {
  const server = createFakeChatServer(options);
  const transport = createMemoryTransport();
  const environment = createManualEnvironment();
  const currentUserId = options.currentUserId === undefined ? ME : options.currentUserId;
  const chat = createChat({
    baseUrl: BASE_URL,
    fetchFn: server.fetchFn,
    getAccessToken: () => 't',
    getCurrentUserId: () => currentUserId,
    // Conversation sockets at once (with 'auto' they wait for the answer of GET /extensions/).
    socket: { factory: transport.factory, stream: 'never' },
    environment,
    pageSize: options.pageSize,
  });
  const store = configureStore({
    reducer: chat.reducers,
    middleware: (getDefaultMiddleware) => getDefaultMiddleware().concat(chat.middleware),
  });
  live.push({ chat, environment });

  function Wrapper({ children }: { children?: ReactNode }) {
    return <Provider store={store}>{children}</Provider>;
  }

  /** Every socket opened for a conversation, oldest first. */
  function socketsOf(conversationId: string = CONVERSATION): MemorySocket[] {
    return transport.sockets.filter((socket) => socket.url === socketUrl(conversationId));
  }

  /** The newest socket of a conversation; fails the test when there is none. */
  function socketOf(conversationId: string = CONVERSATION): MemorySocket {
    const socket = socketsOf(conversationId).at(-1);
    if (!socket) throw new Error(`no socket was opened for conversation ${conversationId}`);
    return socket;
  }

  /** The server accepts the conversation's newest socket (history then loads over REST). */
  function acceptSocket(conversationId: string = CONVERSATION): MemorySocket {
    const socket = socketOf(conversationId);
    act(() => socket.open());
    return socket;
  }

  /** The server pushes frames; they reach the store after the socket's one-tick batching. */
  function push(socket: MemorySocket, ...frames: unknown[]): void {
    act(() => {
      for (const frame of frames) socket.receive(frame);
      environment.advance(0);
    });
  }

  /** Waits until the conversation's first page of history is in the store. */
  async function historyLoaded(conversationId: string = CONVERSATION): Promise<void> {
    await waitFor(() =>
      expect(store.getState().chat.messages.conversations[conversationId]?.sync.historyLoaded).toBe(
        true,
      ),
    );
  }

  /** Loads the conversation list into the store, as a host screen that lists them would. */
  async function loadConversations(): Promise<void> {
    await act(async () => {
      await store.dispatch(
        chatApi.endpoints.getConversations.initiate(undefined, { subscribe: false }),
      );
    });
  }

  return {
    chat,
    store,
    server,
    transport,
    environment,
    Wrapper,
    socketsOf,
    socketOf,
    acceptSocket,
    push,
    historyLoaded,
    loadConversations,
  };
}

export type Harness = ReturnType<typeof createHarness>;
