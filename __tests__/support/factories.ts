import type { Conversation, Message } from 'unet-chat-redux';

export const CONVERSATION = '0190a000-0000-7000-8000-000000000001';
export const OTHER_CONVERSATION = '0190a000-0000-7000-8000-000000000002';

const BASE = Date.parse('2026-01-01T12:00:00.000Z');

/** A server message `n` seconds after the base time (or at `at` ms). */
export function message(n: number, overrides: Partial<Message> = {}): Message {
  return {
    id: `0190a000-0000-7000-9000-${String(n).padStart(12, '0')}`,
    conversation_id: CONVERSATION,
    sender_id: 2,
    text: `message ${n}`,
    reply_to: null,
    is_edited: false,
    created_at: new Date(BASE + n * 1000).toISOString(),
    ...overrides,
  };
}

/** Messages `from`..`to` inclusive, oldest first. */
export function messages(from: number, to: number, overrides: Partial<Message> = {}): Message[] {
  const list: Message[] = [];
  for (let n = from; n <= to; n++) list.push(message(n, overrides));
  return list;
}

export function conversation(id: string, overrides: Partial<Conversation> = {}): Conversation {
  return {
    id,
    type: 'group',
    title: `Group ${id.slice(-1)}`,
    created_by: 1,
    created_at: '2026-01-01T10:00:00.000Z',
    service: null,
    service_id: null,
    participant_ids: [1, 2],
    ...overrides,
  };
}
