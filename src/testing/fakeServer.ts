import type {
  ChatUser,
  Conversation,
  CreateConversationBody,
  EditMessageBody,
  Message,
  SendMessageBody,
} from 'unet-chat-redux';
import { createFakeFetch } from './fakeFetch';
import type { FakeAnswer, RecordedRequest } from './fakeFetch';
import { FIXTURE_EPOCH } from './fixtures';

/**
 * What a {@link FakeChatServer} starts with.
 *
 * @example
 * ```ts
 * const seed: FakeChatServerSeed = { conversations: [fakeConversation(1)], messages: fakeMessages(1, 3) };
 * ```
 */
export interface FakeChatServerSeed {
  conversations?: Conversation[];
  messages?: Message[];
  users?: ChatUser[];
  /** The user the server takes the caller for (creator of new conversations). Default 1. */
  currentUserId?: number;
  /** Path of the REST API. Default `'/api/unet-chat'`, as `createChat`'s `apiPrefix`. */
  apiPrefix?: string;
}

/**
 * An in-memory unet-chat server behind a fake `fetch`: the contract's REST
 * routes with the reference server's paging (`limit`/`before`/`after`), the
 * `client_id` echo and `GET /users/`. Its lists are plain arrays a test may
 * read or replace at any time.
 *
 * @example
 * ```ts
 * const server = createFakeChatServer({ conversations: [fakeConversation(1)] });
 * const chat = createChat({ baseUrl: 'http://chat.test', fetchFn: server.fetchFn });
 * // … later
 * expect(server.requestsTo('POST', '/messages/')).toHaveLength(1);
 * ```
 */
export interface FakeChatServer {
  conversations: Conversation[];
  messages: Message[];
  users: ChatUser[];
  /** Every request the client made, in order. */
  requests: RecordedRequest[];
  /**
   * Consulted first: an answer (or a promise of one, to hold a request back)
   * replaces the route's; `undefined` lets the route answer.
   */
  intercept: ((request: RecordedRequest) => FakeAnswer | Promise<FakeAnswer> | undefined) | null;
  fetchFn: typeof fetch;
  /** The requests with this method whose API path (without the query) matches. */
  requestsTo(method: string, path: string | RegExp): RecordedRequest[];
}

function byTime(a: Message, b: Message): number {
  return Date.parse(a.created_at) - Date.parse(b.created_at) || (a.id < b.id ? -1 : 1);
}

const notFound: FakeAnswer = { status: 404, body: { detail: 'Not found.' } };

/**
 * Creates a {@link FakeChatServer}.
 *
 * @example
 * ```ts
 * const server = createFakeChatServer({ conversations: [fakeConversation(1)], messages: fakeMessages(1, 120) });
 * server.intercept = (request) => (request.method === 'POST' ? { status: 503 } : undefined);
 * ```
 */
export function createFakeChatServer(seed: FakeChatServerSeed = {}): FakeChatServer {
  const prefix = seed.apiPrefix ?? '/api/unet-chat';
  const me = seed.currentUserId ?? 1;
  let sequence = 0;
  let clock = FIXTURE_EPOCH + 86_400_000;
  const nextId = (kind: 'c' | 'm') =>
    `0190f000-0000-7000-${kind === 'c' ? 8 : 9}000-${String(++sequence).padStart(12, '0')}`;
  // Server time moves forward with every write, so order is never a tie.
  const stamp = () => new Date((clock += 1000)).toISOString();

  const apiPath = (request: RecordedRequest) => {
    const url = new URL(request.url);
    return { path: url.pathname.slice(prefix.length), params: url.searchParams };
  };

  const server: Omit<FakeChatServer, 'fetchFn' | 'requests'> = {
    conversations: [...(seed.conversations ?? [])],
    messages: [...(seed.messages ?? [])],
    users: [...(seed.users ?? [])],
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
    const [, resource, rawId, sub, rawSubId] = path.split('/');
    const id = decodeURIComponent(rawId ?? '');
    const key = `${request.method} /${resource ?? ''}/${id ? ':id' : ''}${sub ? `/${sub}/` : ''}${rawSubId ? ':user' : ''}`;

    switch (key) {
      case 'GET /conversations/':
        return { status: 200, body: server.conversations };
      case 'POST /conversations/': {
        const body = request.body as CreateConversationBody;
        const created: Conversation = {
          id: nextId('c'),
          type: body.type,
          title: body.title ?? null,
          created_by: me,
          created_at: stamp(),
          service: body.service ?? null,
          service_id: body.service_id ?? null,
          participant_ids: [me, ...(body.participant_ids ?? []).filter((user) => user !== me)],
        };
        server.conversations = [...server.conversations, created];
        return { status: 201, body: created };
      }
      case 'GET /conversations/:id': {
        const found = server.conversations.find((c) => c.id === id);
        return found ? { status: 200, body: found } : notFound;
      }
      case 'DELETE /conversations/:id':
        if (!server.conversations.some((c) => c.id === id)) return notFound;
        server.conversations = server.conversations.filter((c) => c.id !== id);
        server.messages = server.messages.filter((m) => m.conversation_id !== id);
        return { status: 204 };
      case 'POST /conversations/:id/participants/': {
        const userId = (request.body as { user_id?: unknown } | undefined)?.user_id;
        if (typeof userId !== 'number')
          return { status: 400, body: { detail: 'user_id is required' } };
        server.conversations = server.conversations.map((c) =>
          c.id === id ? { ...c, participant_ids: [...(c.participant_ids ?? []), userId] } : c,
        );
        return { status: 201, body: { conversation_id: id, user_id: userId } };
      }
      case 'DELETE /conversations/:id/participants/:user': {
        const userId = Number(rawSubId);
        server.conversations = server.conversations.map((c) =>
          c.id === id
            ? { ...c, participant_ids: (c.participant_ids ?? []).filter((u) => u !== userId) }
            : c,
        );
        return { status: 204 };
      }
      case 'GET /messages/:id': {
        const list = server.messages.filter((m) => m.conversation_id === id).sort(byTime);
        const limit = Number(params.get('limit') ?? 50);
        const before = params.get('before');
        const after = params.get('after');
        if (before) {
          const index = list.findIndex((m) => m.id === before);
          return { status: 200, body: list.slice(Math.max(0, index - limit), Math.max(0, index)) };
        }
        if (after) {
          const index = list.findIndex((m) => m.id === after);
          return { status: 200, body: list.slice(index + 1, index + 1 + limit) };
        }
        return { status: 200, body: list.slice(-limit) };
      }
      case 'POST /messages/': {
        const body = request.body as SendMessageBody;
        const again = body.client_id
          ? server.messages.find(
              (m) => m.client_id === body.client_id && m.sender_id === body.sender_id,
            )
          : undefined;
        if (again) return { status: 200, body: again };
        const stored: Message = {
          id: nextId('m'),
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
        const found = server.messages.find((m) => m.id === id);
        if (!found) return notFound;
        const edited: Message = { ...found, text: body.text, is_edited: true, updated_at: stamp() };
        server.messages = server.messages.map((m) => (m.id === id ? edited : m));
        return { status: 200, body: edited };
      }
      case 'DELETE /messages/:id':
        if (!server.messages.some((m) => m.id === id)) return notFound;
        server.messages = server.messages.filter((m) => m.id !== id);
        return { status: 204 };
      case 'GET /users/':
        return { status: 200, body: server.users };
      default:
        return { status: 404, body: { detail: `No route for ${request.method} ${path}` } };
    }
  }

  const { fetchFn, requests } = createFakeFetch(
    async (request) => (await server.intercept?.(request)) ?? route(request),
  );
  const fake: FakeChatServer = Object.assign(server, { fetchFn, requests });
  return fake;
}
