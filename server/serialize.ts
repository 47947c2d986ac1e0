import type { Conversation, Message } from '../src/api/types';
import type { ConversationRow, MessageRow } from './store';

/** Epoch milliseconds as ISO 8601 UTC with milliseconds: `2024-01-01T12:00:00.000Z`. */
export const isoTime = (ms: number): string => new Date(ms).toISOString();

/** The wire shape of a message: the contract's fields plus [ext] `client_id` and `updated_at`. */
export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversation_id: row.conversation_id,
    sender_id: row.sender_id,
    text: row.text,
    reply_to: row.reply_to,
    is_edited: row.is_edited === 1,
    created_at: isoTime(row.created_at),
    client_id: row.client_id,
    updated_at: row.updated_at === null ? null : isoTime(row.updated_at),
  };
}

/** The wire shape of a conversation plus [ext] `participant_ids` and `last_message`. */
export function toConversation(
  row: ConversationRow,
  participantIds: number[],
  lastMessage: MessageRow | undefined,
): Conversation {
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    created_by: row.created_by,
    created_at: isoTime(row.created_at),
    service: row.service,
    service_id: row.service_id,
    participant_ids: participantIds,
    last_message: lastMessage ? toMessage(lastMessage) : null,
  };
}

/** A message exactly as the seed describes it: no [ext] `client_id` or `updated_at`. */
export function toSeedMessage(row: MessageRow): Message {
  const { client_id: _clientId, updated_at: _updatedAt, ...seed } = toMessage(row);
  return seed;
}

/** A conversation exactly as the seed describes it: no [ext] field at all. */
export function toSeedConversation(row: ConversationRow): Conversation {
  const {
    participant_ids: _participants,
    last_message: _last,
    ...seed
  } = toConversation(row, [], undefined);
  return seed;
}
