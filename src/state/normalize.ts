import { normalize, schema } from 'normalizr';
import type { Conversation, Message } from '../api/types';
import { isReservedName } from './reservedNames';

/**
 * normalizr schemas of the two wire entities. A message's `reply_to` refers
 * to another message (the contract sends its id; a server that nests the
 * message itself is normalized the same way), and a conversation's [ext]
 * `last_message` is a message.
 */
export const messageSchema = /*#__PURE__*/ (() => {
  const message = new schema.Entity<Message>('messages');
  message.define({ reply_to: message });
  return message;
})();

export const conversationSchema = /*#__PURE__*/ new schema.Entity<Conversation>('conversations', {
  last_message: messageSchema,
});

/** Messages keyed by id, plus their ids in the order they were given. */
export interface NormalizedMessages {
  entities: Record<string, Message>;
  ids: string[];
}

/** Conversations keyed by id and the messages they embed. */
export interface NormalizedConversations {
  conversations: Record<string, Conversation>;
  messages: Record<string, Message>;
  ids: string[];
}

/**
 * Normalizes a list of messages. Later copies of the same id win, so a list
 * that repeats a message (a server answer merged with an echo) stays unique.
 */
export function normalizeMessages(messages: readonly Message[]): NormalizedMessages {
  // The contract's messages are flat (`reply_to` is an id): for them normalizr's
  // result is the messages by id, and building it directly is several times
  // cheaper for a burst of thousands. A nested `reply_to` goes through normalizr.
  if (messages.every(isFlat)) {
    const entities: Record<string, Message> = {};
    const ids: string[] = [];
    for (const message of messages) {
      if (entities[message.id] === undefined) ids.push(message.id);
      entities[message.id] = message;
    }
    return { entities, ids };
  }
  const { entities, result } = normalize<Message, { messages?: Record<string, Message> }, string[]>(
    messages,
    [messageSchema],
  );
  return { entities: entities.messages ?? {}, ids: [...new Set(result)] };
}

function isFlat(message: Message): boolean {
  const reply = (message as { reply_to: unknown }).reply_to;
  // An id naming a prototype member (`__proto__`) cannot key a plain object:
  // such a list takes normalizr's way, which refuses it.
  return (reply === null || typeof reply !== 'object') && !isReservedName(message.id);
}

/** Normalizes a list of conversations (and their embedded last messages). */
export function normalizeConversations(
  conversations: readonly Conversation[],
): NormalizedConversations {
  const { entities, result } = normalize<
    Conversation,
    { conversations?: Record<string, Conversation>; messages?: Record<string, Message> },
    string[]
  >(conversations, [conversationSchema]);
  return {
    conversations: entities.conversations ?? {},
    messages: entities.messages ?? {},
    ids: [...new Set(result)],
  };
}
