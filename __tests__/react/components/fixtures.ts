import type { ChatUser, Conversation } from '../../../src/api/types';
import type { MessageListProps } from '../../../src/react/components';
import type { ChatMessage } from '../../../src/state/model';

/** 5 March 2024, 10:00 UTC: the fixtures' first message time. */
export const BASE_MS = Date.UTC(2024, 2, 5, 10, 0);

let sequence = 0;

/** A sent message from user 2 in conversation c1, one minute after the previous fixture. */
export function makeMessage(overrides: Partial<ChatMessage> = {}): ChatMessage {
  sequence += 1;
  const createdMs = overrides.created_ms ?? BASE_MS + sequence * 60_000;
  return {
    id: `m${sequence}`,
    conversation_id: 'c1',
    sender_id: 2,
    text: `Message ${sequence}`,
    reply_to: null,
    is_edited: false,
    created_at: new Date(createdMs).toISOString(),
    client_id: null,
    status: 'sent',
    error: null,
    created_ms: createdMs,
    ...overrides,
  };
}

/**
 * An unsent message of one's own (user 1 unless `overrides` says otherwise),
 * as composed here: its id is its client id.
 */
export function makeUnsent(
  id: string,
  status: 'pending' | 'failed',
  overrides: Partial<ChatMessage> = {},
): ChatMessage {
  return makeMessage({ id, client_id: id, sender_id: 1, status, ...overrides });
}

/** `count` messages alternating between users 1 and 2, oldest first. */
export function makeHistory(count: number, start = BASE_MS): ChatMessage[] {
  return Array.from({ length: count }, (_, index) =>
    makeMessage({
      id: `h${index}`,
      text: `History ${index}`,
      sender_id: index % 2 === 0 ? 1 : 2,
      created_ms: start + index * 1000,
      created_at: new Date(start + index * 1000).toISOString(),
    }),
  );
}

export function makeConversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: 'c1',
    type: 'group',
    title: 'Приёмная комиссия',
    created_by: 1,
    created_at: '2024-03-01T09:00:00',
    service: null,
    service_id: null,
    participant_ids: [1, 2, 3],
    ...overrides,
  };
}

export const directory: ChatUser[] = [
  { id: 1, username: 'me', full_name: 'Мария Иванова' },
  { id: 2, username: 'ivan', full_name: 'Иван Петров' },
  { id: 3, username: 'anna', full_name: 'Анна Смирнова' },
  { id: 4, username: 'oleg', full_name: 'Олег Ким' },
];

export const usersById: Record<number, ChatUser> = Object.fromEntries(
  directory.map((user) => [user.id, user]),
);

/**
 * Props for a `MessageList` of user 1 with callbacks that do nothing; replies
 * are resolved among `props.messages` as they stand (tests reassign them).
 */
export function messageListProps(overrides: Partial<MessageListProps> = {}): MessageListProps {
  const props: MessageListProps = {
    messages: [],
    currentUserId: 1,
    users: usersById,
    resolveMessage: (id) => props.messages.find((message) => message.id === id),
    hasMoreOlder: false,
    loadingOlder: false,
    onLoadOlder: () => {},
    onReply: () => {},
    onEdit: () => {},
    onDelete: () => {},
    onRetry: () => {},
    onDiscard: () => {},
    ...overrides,
  };
  return props;
}
