import { v7 as uuidv7 } from 'uuid';
import type { ChatUser, Message } from '../src/api/types';
import { checkChangesCursor, encodeChangesCursor } from './changesCursor';
import type { ChangesPosition } from './changesCursor';
import { HttpError, badRequest, conflict, forbidden, invalid, notFound } from './errors';
import type {
  ChatEvent,
  ChatEventListener,
  ConversationFrame,
  ConversationView,
  ParticipantPayload,
  ReadPayload,
} from './events';
import { toConversation, toMessage, toSeedConversation, toSeedMessage } from './serialize';
import type { ConversationRow, Cursor, MessageRow, Store } from './store';
import { Throttle } from './throttle';
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

/** How the chat service behaves beyond its store and clock. */
export interface ChatOptions {
  /**
   * false: seed-only mode. Only what the seed describes: no [ext] fields in answers
   * or frames, no frame but `message:new`, no `client_id` idempotency.
   */
  extensions: boolean;
  /** [ext] A user's typing is relayed at most once per this many ms per conversation. */
  typingIntervalMs: number;
}

// (created_at, id) order, the order of every message list.
const isAfter = (a: Cursor, b: Cursor): boolean =>
  a.created_at > b.created_at || (a.created_at === b.created_at && a.id > b.id);

/**
 * The business rules of the chat: who may see and change what. REST routes and
 * the socket hub both call it, so a rule holds whichever way a request arrives.
 * Every committed change is published to subscribers (the socket hub) after
 * the write, in the order the writes happened.
 */
export class ChatService {
  private readonly listeners = new Set<ChatEventListener>();
  private readonly typingThrottle: Throttle<string>;
  /** Whether the [ext] extensions are on (false: seed-only mode). */
  readonly extensions: boolean;

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    options: ChatOptions = { extensions: true, typingIntervalMs: 3000 },
  ) {
    this.extensions = options.extensions;
    this.typingThrottle = new Throttle(options.typingIntervalMs, now);
  }

  /** Calls `listener` with every change from now on; returns the unsubscribe function. */
  subscribe(listener: ChatEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: ChatEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** `frame` to the conversation's sockets and to the streams of `audience` (default: its participants). */
  private publish(
    conversationId: string,
    frame: ConversationFrame,
    audience: readonly number[] = this.store.participantIds(conversationId),
    except?: number,
  ): void {
    this.emit({ kind: 'conversation', conversationId, frame, audience, except });
  }

  private messageOut(row: MessageRow): Message {
    return this.extensions ? toMessage(row) : toSeedMessage(row);
  }

  /** A conversation as `userId` sees it, with their [ext] read state. */
  private view(row: ConversationRow, userId: number): ConversationView {
    if (!this.extensions) return toSeedConversation(row);
    const participantIds = this.store.participantIds(row.id);
    const cursors = this.store.readCursors(row.id);
    const own = cursors.get(userId);
    return {
      ...toConversation(row, participantIds, this.store.lastMessage(row.id)),
      last_read_message_id: own?.message_id ?? null,
      unread_count: this.store.unreadCount(
        row.id,
        userId,
        own && { created_at: own.created_at, id: own.message_id },
      ),
      read_cursors: participantIds
        .filter((id) => id !== userId)
        .map((id) => ({ user_id: id, last_read_message_id: cursors.get(id)?.message_id ?? null })),
    };
  }

  /** [ext] Sends each of `userIds` their own view of the conversation as `type`. */
  private publishViews(
    type: 'conversation:created' | 'conversation:updated',
    row: ConversationRow,
    userIds: readonly number[],
  ): void {
    for (const userId of userIds) {
      this.emit({ kind: 'user', userId, frame: { type, payload: this.view(row, userId) } });
    }
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

  listConversations(userId: number): ConversationView[] {
    return this.store.conversationsOf(userId).map((row) => this.view(row, userId));
  }

  getConversation(userId: number, id: string): ConversationView {
    return this.view(this.visibleConversation(userId, id), userId);
  }

  /**
   * Creates a conversation with the caller as creator and participant. A private
   * conversation with someone the caller already has one with is returned as is
   * (`created: false`), and nothing is published. A new one is announced as
   * [ext] `conversation:created` to every participant, the creator included.
   */
  createConversation(
    userId: number,
    input: ConversationInput,
  ): { conversation: ConversationView; created: boolean } {
    const others = input.participant_ids.filter((id) => id !== userId);
    const unknown = others.find((id) => this.store.user(id) === undefined);
    if (unknown !== undefined) throw invalid(`participant_ids: no user with id ${unknown}.`);
    const partner = others[0];
    if (input.type === 'private') {
      if (others.length !== 1 || partner === undefined) {
        throw invalid('participant_ids: a private conversation needs exactly one other user.');
      }
      const existing = this.store.privateBetween(userId, partner);
      if (existing) return { conversation: this.view(existing, userId), created: false };
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
    const participantIds = [userId, ...others];
    this.store.transaction(() => this.store.insertConversation(row, participantIds));
    if (this.extensions) {
      this.publishViews('conversation:created', row, participantIds);
      this.emit({
        kind: 'joined',
        conversationId: row.id,
        joined: participantIds,
        audience: participantIds,
      });
    }
    return { conversation: this.view(row, userId), created: true };
  }

  /** Only the creator deletes; messages and participants go with the conversation. */
  deleteConversation(userId: number, id: string): void {
    const row = this.visibleConversation(userId, id);
    if (row.created_by !== userId) throw forbidden('Only the creator may delete a conversation.');
    const audience = this.store.participantIds(id);
    this.store.deleteConversation(id);
    if (this.extensions)
      this.publish(id, { type: 'conversation:deleted', payload: { id } }, audience);
    this.emit({ kind: 'ended', conversationId: id });
  }

  /**
   * Any participant of a group adds members, except someone the creator removed:
   * only the creator brings them back. Private conversations never change.
   * [ext] Everyone, the new member included, gets `participant:added`; then the new
   * member `conversation:created` and the others `conversation:updated`.
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
    if (this.extensions) {
      const audience = this.store.participantIds(conversationId);
      this.publish(conversationId, { type: 'participant:added', payload }, audience);
      this.publishViews('conversation:created', row, [newUserId]);
      this.publishViews(
        'conversation:updated',
        row,
        audience.filter((id) => id !== newUserId),
      );
      this.emit({ kind: 'joined', conversationId, joined: [newUserId], audience });
    }
    return payload;
  }

  /**
   * The creator removes anyone else, anyone removes themselves. The creator
   * cannot leave (they delete the conversation instead), so a conversation is
   * never left without participants. [ext] `participant:removed` goes to everyone
   * who took part, the removed user included (their last event of it); then the
   * others get `conversation:updated`.
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
    const audience = this.store.participantIds(conversationId);
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
    if (this.extensions) {
      this.publish(
        conversationId,
        {
          type: 'participant:removed',
          payload: { conversation_id: conversationId, user_id: removedId },
        },
        audience,
      );
    }
    this.emit({ kind: 'left', conversationId, userId: removedId });
    if (this.extensions) {
      this.publishViews(
        'conversation:updated',
        row,
        audience.filter((id) => id !== removedId),
      );
    }
  }

  /**
   * A page of live messages, oldest first, ordered by (created_at, id); with no
   * page (seed-only mode) every live message.
   */
  listMessages(userId: number, conversationId: string, page: PageQuery | null): Message[] {
    this.visibleConversation(userId, conversationId);
    if (page === null) {
      return this.store.allMessages(conversationId).map((row) => this.messageOut(row));
    }
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
   * [ext] A new message moves the sender's read cursor to it (`read:updated` after
   * its `message:new`). In seed-only mode `client_id` is ignored.
   */
  sendMessage(
    senderId: number,
    conversationId: string,
    draft: MessageDraft,
  ): { message: Message; created: boolean } {
    this.visibleConversation(senderId, conversationId);
    const clientId = this.extensions ? draft.client_id : null;
    if (clientId !== null) {
      const stored = this.store.messageByClientId(senderId, clientId);
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
    // The message ends the sender's typing (the others' indicators clear on it), so typing
    // again right after it is news and is relayed at once.
    this.typingThrottle.forget(`${senderId} ${conversationId}`);
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
      client_id: clientId,
    };
    this.store.transaction(() => {
      this.store.insertMessage(row);
      if (this.extensions) this.store.setReadCursor(conversationId, senderId, id, this.now());
    });
    const message = this.messageOut(row);
    const audience = this.store.participantIds(conversationId);
    this.publish(conversationId, { type: 'message:new', payload: message }, audience);
    if (this.extensions) {
      this.publish(
        conversationId,
        {
          type: 'read:updated',
          payload: { conversation_id: conversationId, user_id: senderId, last_read_message_id: id },
        },
        audience,
      );
    }
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
    const message = this.messageOut({ ...row, text, is_edited: 1, updated_at: updatedAt });
    if (this.extensions) {
      this.publish(row.conversation_id, { type: 'message:updated', payload: message });
    }
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
    if (this.extensions) {
      this.publish(row.conversation_id, {
        type: 'message:deleted',
        payload: { id: messageId, conversation_id: row.conversation_id },
      });
    }
  }

  /**
   * [ext] Moves the caller's read cursor forward to `messageId` (a message of this
   * conversation, deleted ones included: it was read before it went). An older
   * message leaves the cursor as it is. Answers the cursor; publishes
   * `read:updated` when it moved.
   */
  markRead(userId: number, conversationId: string, messageId: string): ReadPayload {
    this.visibleConversation(userId, conversationId);
    const message = this.store.message(messageId);
    if (!message || message.conversation_id !== conversationId) {
      throw badRequest(
        'message_id: no message with that id in this conversation.',
        'invalid_message',
      );
    }
    const current = this.store.readCursor(conversationId, userId);
    const target = { created_at: message.created_at, id: message.id };
    const payload: ReadPayload = {
      conversation_id: conversationId,
      user_id: userId,
      last_read_message_id: current?.message_id ?? null,
    };
    if (current && !isAfter(target, { created_at: current.created_at, id: current.message_id })) {
      return payload;
    }
    this.store.setReadCursor(conversationId, userId, message.id, this.now());
    const moved = { ...payload, last_read_message_id: message.id };
    this.publish(conversationId, { type: 'read:updated', payload: moved });
    return moved;
  }

  /**
   * [ext] Relays that `userId` is typing in `conversationId` to its other
   * participants, at most once per typing interval (the rest are dropped).
   */
  typing(userId: number, conversationId: string): void {
    this.visibleConversation(userId, conversationId);
    if (!this.typingThrottle.pass(`${userId} ${conversationId}`)) return;
    this.publish(
      conversationId,
      { type: 'typing', payload: { conversation_id: conversationId, user_id: userId } },
      this.store.participantIds(conversationId),
      userId,
    );
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
