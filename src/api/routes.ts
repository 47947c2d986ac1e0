import type { CreateConversationBody, EditMessageBody, SendMessageBody } from './types';
import type { AnswerShape } from './validate';

/**
 * The unet-chat REST calls, written once and shared by the RTK Query endpoints
 * and the direct client. Paths are exactly those of the contract (trailing
 * slash or not), relative to the API prefix.
 */
export interface ChatRequest {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  params?: Record<string, string | number>;
  /**
   * What a successful answer must be: the base query checks it (validate.ts)
   * and turns any other answer into an error, so no endpoint, reducer or
   * caller of the direct client meets an answer of the wrong shape.
   */
  expects?: AnswerShape;
}

const id = (value: string | number) => encodeURIComponent(String(value));

/** Query parameters of `GET /messages/{conversation_id}` ([ext]; a seed server ignores them). */
export interface MessagePageParams {
  limit?: number;
  before?: string;
  after?: string;
}

function pageParams({ limit, before, after }: MessagePageParams): Record<string, string | number> {
  const params: Record<string, string | number> = {};
  if (limit !== undefined) params.limit = limit;
  if (before !== undefined) params.before = before;
  if (after !== undefined) params.after = after;
  return params;
}

export const routes = {
  listConversations: (): ChatRequest => ({
    url: '/conversations/',
    method: 'GET',
    expects: 'conversations',
  }),
  getConversation: (conversationId: string): ChatRequest => ({
    url: `/conversations/${id(conversationId)}`,
    method: 'GET',
    expects: 'conversation',
  }),
  createConversation: (body: CreateConversationBody): ChatRequest => ({
    url: '/conversations/',
    method: 'POST',
    body,
    expects: 'conversation',
  }),
  deleteConversation: (conversationId: string): ChatRequest => ({
    url: `/conversations/${id(conversationId)}`,
    method: 'DELETE',
  }),
  listMessages: (conversationId: string, page: MessagePageParams = {}): ChatRequest => ({
    url: `/messages/${id(conversationId)}`,
    method: 'GET',
    params: pageParams(page),
  }),
  sendMessage: (body: SendMessageBody): ChatRequest => ({
    url: '/messages/',
    method: 'POST',
    body,
    expects: 'message',
  }),
  editMessage: (messageId: string, body: EditMessageBody): ChatRequest => ({
    url: `/messages/${id(messageId)}`,
    method: 'PUT',
    body,
    expects: 'message',
  }),
  deleteMessage: (messageId: string): ChatRequest => ({
    url: `/messages/${id(messageId)}`,
    method: 'DELETE',
  }),
  addParticipant: (conversationId: string, userId: number): ChatRequest => ({
    url: `/conversations/${id(conversationId)}/participants/`,
    method: 'POST',
    body: { user_id: userId },
  }),
  removeParticipant: (conversationId: string, userId: number): ChatRequest => ({
    url: `/conversations/${id(conversationId)}/participants/${id(userId)}`,
    method: 'DELETE',
  }),
  /** [ext] Edits and deletions of a conversation's messages since a cursor (no `since`: the current cursor). */
  listMessageChanges: (
    conversationId: string,
    since: string | null,
    limit?: number,
  ): ChatRequest => ({
    url: `/messages/${id(conversationId)}/changes/`,
    method: 'GET',
    params: {
      ...(since !== null ? { since } : {}),
      ...(limit !== undefined ? { limit } : {}),
    },
  }),
  /** [ext] Which extensions the server has (a seed server answers 404). */
  listExtensions: (): ChatRequest => ({ url: '/extensions/', method: 'GET' }),
  /** [ext] Moves the caller's read cursor of a conversation forward. */
  markRead: (conversationId: string, messageId: string): ChatRequest => ({
    url: `/conversations/${id(conversationId)}/read/`,
    method: 'POST',
    body: { message_id: messageId },
    expects: 'read',
  }),
  /** [ext] Who of the people sharing a conversation with the caller is online. */
  listPresence: (): ChatRequest => ({ url: '/presence/', method: 'GET', expects: 'presence' }),
  /** [ext] The user directory of the reference server. */
  listUsers: (): ChatRequest => ({ url: '/users/', method: 'GET', expects: 'users' }),
} as const;
