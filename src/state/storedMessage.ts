import type { StoredPendingMessage } from './events';
import type { ChatMessage } from './model';
import { sortableTimestamp } from './time';

/**
 * The message an outbox entry kept in storage stands for, as the list shows it
 * (unsent: pending or failed). Shared by this tab's restored outbox and the
 * entries other tabs hold, so both show the same message.
 */
export function messageOfStored(stored: StoredPendingMessage): ChatMessage {
  return {
    id: stored.clientId,
    client_id: stored.clientId,
    conversation_id: stored.conversationId,
    sender_id: stored.senderId,
    text: stored.text,
    reply_to: stored.replyTo,
    is_edited: false,
    created_at: stored.createdAt,
    created_ms: sortableTimestamp(stored.createdAt),
    status: stored.status,
    error: stored.error,
    errorCode: stored.errorCode,
  };
}
