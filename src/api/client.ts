import type { BaseQueryApi } from '@reduxjs/toolkit/query';
import { ChatApiError } from './errors';
import type { ChatQueryError } from './errors';
import type { ChatOptions } from './options';
import { routes } from './routes';
import type { ChatRequest, MessagePageParams } from './routes';
import { createChatRuntime } from './runtime';
import type { ChatRuntime } from './runtime';
import { readStoredUserId } from './tokens';
import type {
  ChatUser,
  Conversation,
  CreateConversationBody,
  Message,
  SendMessageBody,
} from './types';

/**
 * The REST API as plain async functions — the seed's "direct API" style.
 * Each resolves with the server's answer or throws a {@link ChatApiError}.
 * They share the store's auth: token getter, single refresh on 401, retries.
 */
export interface ChatClient {
  getConversations(): Promise<Conversation[]>;
  getConversation(conversationId: string): Promise<Conversation>;
  createConversation(body: CreateConversationBody): Promise<Conversation>;
  deleteConversation(conversationId: string): Promise<void>;
  getMessages(conversationId: string, page?: MessagePageParams): Promise<Message[]>;
  sendMessage(body: SendMessageBody): Promise<Message>;
  editMessage(messageId: string, text: string): Promise<Message>;
  deleteMessage(messageId: string): Promise<void>;
  addParticipant(conversationId: string, userId: number): Promise<unknown>;
  removeParticipant(conversationId: string, userId: number): Promise<void>;
  /** [ext] The reference server's user directory. */
  getUsers(): Promise<ChatUser[]>;
  /** The current user's id, as `options.getCurrentUserId` (or the token) says. */
  getCurrentUserId(): number | null;
}

/** Builds a client on an existing runtime (the store's, so both share one refresh). */
export function clientForRuntime(runtime: ChatRuntime): ChatClient {
  async function call<Result>(request: ChatRequest, endpoint: string): Promise<Result> {
    const controller = new AbortController();
    // The base query only needs these parts of RTK Query's api object.
    const api = {
      signal: controller.signal,
      abort: (reason?: string) => controller.abort(reason),
      dispatch: ((action: unknown) => action) as BaseQueryApi['dispatch'],
      getState: () => undefined,
      extra: undefined,
      endpoint,
      type: request.method === 'GET' ? 'query' : 'mutation',
    } satisfies BaseQueryApi;
    const result = await runtime.baseQuery(request, api, {});
    if (result.error) throw new ChatApiError(result.error as ChatQueryError);
    return result.data as Result;
  }

  return {
    getConversations: () => call(routes.listConversations(), 'getConversations'),
    getConversation: (id) => call(routes.getConversation(id), 'getConversation'),
    createConversation: (body) => call(routes.createConversation(body), 'createConversation'),
    deleteConversation: (id) => call(routes.deleteConversation(id), 'deleteConversation'),
    getMessages: (id, page) => call(routes.listMessages(id, page), 'getMessages'),
    sendMessage: (body) => call(routes.sendMessage(body), 'sendMessage'),
    editMessage: (id, text) => call(routes.editMessage(id, { text }), 'editMessage'),
    deleteMessage: (id) => call(routes.deleteMessage(id), 'deleteMessage'),
    addParticipant: (id, userId) => call(routes.addParticipant(id, userId), 'addParticipant'),
    removeParticipant: (id, userId) =>
      call(routes.removeParticipant(id, userId), 'removeParticipant'),
    getUsers: () => call(routes.listUsers(), 'getUsers'),
    getCurrentUserId: () => runtime.getCurrentUserId(),
  };
}

/**
 * A standalone client, for code outside Redux (scripts, server-side
 * rendering, tests). `onAuthExpired` is called when a refresh fails.
 *
 * @example
 * ```ts
 * const client = createChatClient({ baseUrl: 'https://uadmin.kstu.kg', getAccessToken: () => token });
 * const conversations = await client.getConversations();
 * ```
 */
export function createChatClient(
  options: ChatOptions & { onAuthExpired?: () => void } = {},
): ChatClient {
  return clientForRuntime(createChatRuntime(options, options.onAuthExpired ?? (() => undefined)));
}

let defaultClient: ChatClient | undefined;

/** The client behind the seed-compatible functions: same origin, token from `localStorage.auth_data`. */
function seedClient(): ChatClient {
  return (defaultClient ??= createChatClient());
}

/**
 * Lists the caller's conversations (seed name). Uses the page's origin and
 * `localStorage.auth_data`; for another server use {@link createChatClient}.
 *
 * @example
 * ```ts
 * const conversations = await getConversations();
 * ```
 */
export const getConversations = (): Promise<Conversation[]> => seedClient().getConversations();

/**
 * Sends a message over REST (seed name and body).
 *
 * @example
 * ```ts
 * const message = await sendMessage({ conversation_id: id, sender_id: getCurrentUserId()!, text: 'Привет!', reply_to: null });
 * ```
 */
export const sendMessage = (body: SendMessageBody): Promise<Message> =>
  seedClient().sendMessage(body);

/**
 * The current user's id (seed name): the access token's `user_id` claim, else
 * `auth_data.user.id`, else null.
 *
 * @example
 * ```ts
 * const me = getCurrentUserId();
 * ```
 */
export const getCurrentUserId = (): number | null => readStoredUserId();
