import type { ChatUser, Conversation, Message } from 'unet-chat-redux';

/*
 * Deterministic server-shaped data: the same `n` gives the same id and time in
 * every run, and ids sort like the reference server's time-ordered UUIDs.
 */

/** The time of message `n` = 0: 2026-01-01T12:00:00.000Z. */
export const FIXTURE_EPOCH = Date.parse('2026-01-01T12:00:00.000Z');

const pad = (n: number) => String(n).padStart(12, '0');

/**
 * The id {@link fakeConversation}`(n)` has.
 *
 * @example
 * ```ts
 * fakeConversationId(1); // '0190a000-0000-7000-8000-000000000001'
 * ```
 */
export const fakeConversationId = (n: number): string => `0190a000-0000-7000-8000-${pad(n)}`;

/**
 * The id {@link fakeMessage}`(n)` has.
 *
 * @example
 * ```ts
 * fakeMessageId(3); // '0190a000-0000-7000-9000-000000000003'
 * ```
 */
export const fakeMessageId = (n: number): string => `0190a000-0000-7000-9000-${pad(n)}`;

/**
 * A message as the server sends it: number `n`, `n` seconds after
 * {@link FIXTURE_EPOCH}, in conversation 1, from user 2.
 *
 * @example
 * ```ts
 * fakeMessage(1, { text: 'Салам!', sender_id: 1 });
 * ```
 */
export function fakeMessage(n: number, overrides: Partial<Message> = {}): Message {
  return {
    id: fakeMessageId(n),
    conversation_id: fakeConversationId(1),
    sender_id: 2,
    text: `message ${n}`,
    reply_to: null,
    is_edited: false,
    created_at: new Date(FIXTURE_EPOCH + n * 1000).toISOString(),
    ...overrides,
  };
}

/**
 * Messages `from`..`to` inclusive, oldest first (a history answer).
 *
 * @example
 * ```ts
 * fakeMessages(1, 50, { conversation_id: fakeConversationId(2) });
 * ```
 */
export function fakeMessages(
  from: number,
  to: number,
  overrides: Partial<Message> = {},
): Message[] {
  const list: Message[] = [];
  for (let n = from; n <= to; n++) list.push(fakeMessage(n, overrides));
  return list;
}

/**
 * A group conversation as the server sends it, with users 1 and 2.
 *
 * @example
 * ```ts
 * fakeConversation(1, { type: 'private', title: null });
 * ```
 */
export function fakeConversation(n: number, overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: fakeConversationId(n),
    type: 'group',
    title: `Group ${n}`,
    created_by: 1,
    created_at: new Date(FIXTURE_EPOCH - 3_600_000 + n * 1000).toISOString(),
    service: null,
    service_id: null,
    participant_ids: [1, 2],
    ...overrides,
  };
}

/**
 * A person of the user directory.
 *
 * @example
 * ```ts
 * fakeUser(2, { full_name: 'Айзада Бекова' });
 * ```
 */
export function fakeUser(id: number, overrides: Partial<ChatUser> = {}): ChatUser {
  return { id, username: `user${id}`, full_name: `User ${id}`, ...overrides };
}

/**
 * Server frames, as `MemorySocket.receive` takes them.
 *
 * @example
 * ```ts
 * socket.receive(serverFrames.messageNew(fakeMessage(4)));
 * socket.receive(serverFrames.error('forbidden', 'Not a participant'));
 * ```
 */
export const serverFrames = {
  messageNew: (message: Message) => ({ type: 'message:new', payload: message }),
  messageUpdated: (message: Message) => ({ type: 'message:updated', payload: message }),
  messageDeleted: (message: Pick<Message, 'id' | 'conversation_id'>) => ({
    type: 'message:deleted',
    payload: { id: message.id, conversation_id: message.conversation_id },
  }),
  participantAdded: (conversationId: string, userId: number) => ({
    type: 'participant:added',
    payload: { conversation_id: conversationId, user_id: userId },
  }),
  participantRemoved: (conversationId: string, userId: number) => ({
    type: 'participant:removed',
    payload: { conversation_id: conversationId, user_id: userId },
  }),
  conversationDeleted: (conversationId: string) => ({
    type: 'conversation:deleted',
    payload: { id: conversationId },
  }),
  error: (code: string, detail: string, clientId: string | null = null) => ({
    type: 'error',
    payload: { code, detail, client_id: clientId },
  }),
} as const;
