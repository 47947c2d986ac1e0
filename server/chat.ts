import { v7 as uuidv7 } from 'uuid';
import type { ChatUser, Conversation, Message } from '../src/api/types';
import { checkChangesCursor, encodeChangesCursor } from './changesCursor';
import type { ChangesPosition } from './changesCursor';
import { HttpError, conflict, forbidden, invalid, notFound } from './errors';
import type { ChatEvent, ChatEventListener, ParticipantPayload } from './events';
import { toConversation, toMessage } from './serialize';
import type { ConversationRow, MessageRow, Store } from './store';
import type { ConversationInput, MessageDraft, PageQuery, SendMessageInput } from './validation';

/** [ext] The answer of `GET /messages/{conversation_id}/changes/`. */
export interface ChangesPage {
  /** Where to ask from next time (opaque). */
  cursor: string;
  /** Messages edited after the cursor, in their current state, in change order. */
  messages: Message[];
  /** Messages deleted after the cursor. */
  deleted: { id: string; conversation_id: string }[];
  /** Whether more changes wait beyond `cursor`. */
  has_more: boolean;
}

/**
 * The business rules of the chat: who may see and change what. REST routes and
 * the socket hub both call it, so a rule holds whichever way a request arrives.
 * Every committed change is published to subscribers (the socket hub) after
 * the write, in the order the writes happened.
 */
export class ChatService {
  private readonly listeners = new Set<ChatEventListener>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  /** Calls `listener` with every change from now on; returns the unsubscribe function. */
  subscribe(listener: ChatEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private publish(conversationId: string, frame: ChatEvent['frame']): void {
    for (const listener of this.listeners) listener({ conversationId, frame });
  }

  private view(row: ConversationRow): Conversation {
    return toConversation(row, this.store.participantIds(row.id), this.store.lastMessage(row.id));
  }

  // Conversations of others answer exactly like conversations that do not exist.
  private visibleConversation(userId: number, id: string): ConversationRow {
    const row = this.store.conversation(id);
    if (!row || !this.store.isParticipant(id, userId)) throw notFound('Conversation not found.');
    return row;
  }

  // Deleted messages are gone for every purpose but paging cursors.
  private visibleMessage(userId: number, id: string): MessageRow {
    const row = this.store.message(id);
    if (!row || row.deleted_at !== null || !this.store.isParticipant(row.conversation_id, userId)) {
      throw notFound('Message not found.');
    }
    return row;
  }

  users(): ChatUser[] {
    return this.store.users();
  }

  listConversations(userId: number): Conversation[] {
    return this.store.conversationsOf(userId).map((row) => this.view(row));
  }

  getConversation(userId: number, id: string): Conversation {
    return this.view(this.visibleConversation(userId, id));
  }

  /**
   * Creates a conversation with the caller as creator and participant. A private
   * conversation with someone the caller already has one with is returned as is
   * (`created: false`).
   */
  createConversation(
    userId: number,
    input: ConversationInput,
  ): { conversation: Conversation; created: boolean } {
    const others = input.participant_ids.filter((id) => id !== userId);
    const unknown = others.find((id) => this.store.user(id) === undefined);
    if (unknown !== undefined) throw invalid(`participant_ids: no user with id ${unknown}.`);
    const partner = others[0];
    if (input.type === 'private') {
      if (others.length !== 1 || partner === undefined) {
        throw invalid('participant_ids: a private conversation needs exactly one other user.');
      }
      const existing = this.store.privateBetween(userId, partner);
      if (existing) return { conversation: this.view(existing), created: false };
    }
    const row: ConversationRow = {
      id: uuidv7(),
      type: input.type,
      title: input.title,
      created_by: userId,
      created_at: this.now(),
      service: input.service,
      service_id: input.service_id,
    };
    this.store.transaction(() => this.store.insertConversation(row, [userId, ...others]));
    return { conversation: this.view(row), created: true };
  }

  /** Only the creator deletes; messages and participants go with the conversation. */
  deleteConversation(userId: number, id: string): void {
    const row = this.visibleConversation(userId, id);
    if (row.created_by !== userId) throw forbidden('Only the creator may delete a conversation.');
    this.store.deleteConversation(id);
    this.publish(id, { type: 'conversation:deleted', payload: { id } });
  }

  /**
   * Any participant of a group adds members, except someone the creator removed:
   * only the creator brings them back. Private conversations never change.
   */
  addParticipant(userId: number, conversationId: string, newUserId: number): ParticipantPayload {
    const row = this.visibleConversation(userId, conversationId);
    if (row.type === 'private') {
      throw conflict('A private conversation has no participant changes.', 'private_conversation');
    }
    if (this.store.user(newUserId) === undefined)
      throw invalid(`user_id: no user with id ${newUserId}.`);
    if (this.store.isParticipant(conversationId, newUserId)) {
      throw conflict('That user already takes part in the conversation.', 'already_participant');
    }
    const removal = this.store.removal(conversationId, newUserId);
    if (removal && removal.removed_by === row.created_by && userId !== row.created_by) {
      throw new HttpError(
        403,
        'Only the creator may add back a user the creator removed.',
        'removed_by_creator',
      );
    }
    this.store.transaction(() => {
      this.store.clearRemoval(conversationId, newUserId);
      this.store.addParticipant(conversationId, newUserId, this.now());
    });
    const payload = { conversation_id: conversationId, user_id: newUserId };
    this.publish(conversationId, { type: 'participant:added', payload });
    return payload;
  }

  /**
   * The creator removes anyone else, anyone removes themselves. The creator
   * cannot leave (they delete the conversation instead), so a conversation is
   * never left without participants.
   */
  removeParticipant(userId: number, conversationId: string, removedId: number): void {
    const row = this.visibleConversation(userId, conversationId);
    if (row.type === 'private') {
      throw conflict('A private conversation has no participant changes.', 'private_conversation');
    }
    if (!this.store.isParticipant(conversationId, removedId)) {
      throw notFound('Participant not found.');
    }
    if (removedId !== userId && row.created_by !== userId) {
      throw forbidden('Only the creator may remove other participants.');
    }
    if (removedId === row.created_by) {
      throw conflict(
        'The creator cannot leave the conversation; delete it instead.',
        'creator_cannot_leave',
      );
    }
    this.store.transaction(() => {
      this.store.removeParticipant(conversationId, removedId);
      // Remembered so that only the creator can undo it; leaving on one's own is not.
      if (removedId !== userId) {
        this.store.recordRemoval({
          conversation_id: conversationId,
          user_id: removedId,
          removed_by: userId,
          removed_at: this.now(),
        });
      }
    });
    this.publish(conversationId, {
      type: 'participant:removed',
      payload: { conversation_id: conversationId, user_id: removedId },
    });
  }

  /** A page of live messages, oldest first, ordered by (created_at, id). */
  listMessages(userId: number, conversationId: string, page: PageQuery): Message[] {
    this.visibleConversation(userId, conversationId);
    const cursorId = page.before ?? page.after;
    if (cursorId === null) {
      return this.store.newestMessages(conversationId, page.limit).map(toMessage);
    }
    const cursor = this.store.message(cursorId);
    if (!cursor || cursor.conversation_id !== conversationId) {
      throw invalid(
        `${page.before ? 'before' : 'after'}: no message with that id in this conversation.`,
        'invalid_cursor',
      );
    }
    const rows = page.before
      ? this.store.messagesBefore(conversationId, cursor, page.limit)
      : this.store.messagesAfter(conversationId, cursor, page.limit);
    return rows.map(toMessage);
  }

  /** `POST /messages/`: like `sendMessage`, once `sender_id` is checked against the caller. */
  postMessage(userId: number, input: SendMessageInput): { message: Message; created: boolean } {
    if (input.sender_id !== userId) throw forbidden('sender_id must be the authenticated user.');
    return this.sendMessage(userId, input.conversation_id, input);
  }

  /**
   * Stores a message from `senderId`. A draft whose `client_id` the sender has
   * already used returns the stored message (`created: false`) and publishes nothing.
   */
  sendMessage(
    senderId: number,
    conversationId: string,
    draft: MessageDraft,
  ): { message: Message; created: boolean } {
    this.visibleConversation(senderId, conversationId);
    if (draft.client_id !== null) {
      const stored = this.store.messageByClientId(senderId, draft.client_id);
      if (stored) {
        if (stored.conversation_id !== conversationId || stored.deleted_at !== null) {
          throw conflict('client_id was already used for another message.', 'client_id_conflict');
        }
        return { message: toMessage(stored), created: false };
      }
    }
    if (draft.reply_to !== null) {
      const original = this.store.message(draft.reply_to);
      if (!original || original.conversation_id !== conversationId) {
        throw invalid('reply_to: must name a message of this conversation.');
      }
    }
    const id = uuidv7();
    const row: MessageRow = {
      id,
      conversation_id: conversationId,
      sender_id: senderId,
      text: draft.text,
      reply_to: draft.reply_to,
      is_edited: 0,
      created_at: this.nextCreatedAt(conversationId),
      updated_at: null,
      deleted_at: null,
      client_id: draft.client_id,
    };
    this.store.insertMessage(row);
    const message = toMessage(row);
    this.publish(conversationId, { type: 'message:new', payload: message });
    return { message, created: true };
  }

  /**
   * A new message's `created_at`: the clock, but never before the newest message
   * of its conversation (deleted ones included, they are cursors too). A clock
   * stepped back, or a restart on a clock behind the database, would otherwise
   * put the message before messages a client already has, and `after=` catch-up
   * would never return it. And never the newest's millisecond either: clients
   * order messages by `created_at`, keeping ties in the order they learned them
   * (the contract), which need not be the id order; strictly increasing times
   * leave no tie to disagree about.
   */
  private nextCreatedAt(conversationId: string): number {
    const now = this.now();
    const newest = this.store.newestPosition(conversationId);
    if (!newest || now > newest.created_at) return now;
    return newest.created_at + 1;
  }

  /** Only the sender edits; the message becomes `is_edited` with a fresh `updated_at`. */
  editMessage(userId: number, messageId: string, text: string): Message {
    const row = this.visibleMessage(userId, messageId);
    if (row.sender_id !== userId) throw forbidden('Only the sender may edit a message.');
    const updatedAt = this.now();
    this.store.transaction(() => {
      this.store.editMessage(messageId, text, updatedAt);
      this.store.recordChange(messageId, row.conversation_id, 'edited');
    });
    const message = toMessage({ ...row, text, is_edited: 1, updated_at: updatedAt });
    this.publish(row.conversation_id, { type: 'message:updated', payload: message });
    return message;
  }

  /** Only the sender deletes. The row stays (soft delete) so its id remains a valid cursor. */
  deleteMessage(userId: number, messageId: string): void {
    const row = this.visibleMessage(userId, messageId);
    if (row.sender_id !== userId) throw forbidden('Only the sender may delete a message.');
    this.store.transaction(() => {
      this.store.deleteMessage(messageId, this.now());
      this.store.recordChange(messageId, row.conversation_id, 'deleted');
    });
    this.publish(row.conversation_id, {
      type: 'message:deleted',
      payload: { id: messageId, conversation_id: row.conversation_id },
    });
  }

  /**
   * [ext] Edits and deletions in a conversation after `since` (none: just the
   * current cursor), each message once in its latest state, in change order.
   */
  listChanges(
    userId: number,
    conversationId: string,
    since: ChangesPosition | null,
    limit: number,
  ): ChangesPage {
    this.visibleConversation(userId, conversationId);
    const databaseId = this.store.databaseId();
    const lastSeq = this.store.lastChangeSeq();
    if (since === null) {
      return {
        cursor: encodeChangesCursor(databaseId, lastSeq),
        messages: [],
        deleted: [],
        has_more: false,
      };
    }
    const after = checkChangesCursor(since, databaseId, lastSeq);
    const rows = this.store.changesSince(conversationId, after, limit + 1);
    const page = rows.slice(0, limit);
    const hasMore = rows.length > limit;
    // A full page ends at its last change; otherwise nothing in this conversation is newer.
    const cursorSeq = hasMore ? (page[page.length - 1]?.seq ?? after) : lastSeq;
    return {
      cursor: encodeChangesCursor(databaseId, cursorSeq),
      messages: page
        .filter((change) => change.kind === 'edited')
        .map((change) => toMessage(change.message)),
      deleted: page
        .filter((change) => change.kind === 'deleted')
        .map(({ message }) => ({ id: message.id, conversation_id: message.conversation_id })),
      has_more: hasMore,
    };
  }

  /** Whether `userId` may open a socket on `conversationId`: it exists and they take part. */
  canJoin(userId: number, conversationId: string): boolean {
    return (
      this.store.conversation(conversationId) !== undefined &&
      this.store.isParticipant(conversationId, userId)
    );
  }

  /** Whether `userId` still takes part in `conversationId`. */
  isParticipant(userId: number, conversationId: string): boolean {
    return this.store.isParticipant(conversationId, userId);
  }
}
