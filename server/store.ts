import type { Statement } from 'better-sqlite3';
import type { Db } from './db';

/** A `users` row. */
export interface UserRow {
  id: number;
  username: string;
  full_name: string;
  password_hash: string;
  /** [ext] When the user's last socket closed (epoch ms), null if never. */
  last_seen_at: number | null;
}

/** A `conversations` row. */
export interface ConversationRow {
  id: string;
  type: 'private' | 'group';
  title: string | null;
  created_by: number;
  created_at: number;
  service: string | null;
  service_id: string | null;
}

/** A `messages` row; `deleted_at` is set by a (soft) delete. */
export interface MessageRow {
  id: string;
  conversation_id: string;
  sender_id: number;
  text: string;
  reply_to: string | null;
  is_edited: 0 | 1;
  created_at: number;
  updated_at: number | null;
  deleted_at: number | null;
  client_id: string | null;
}

/** Position of a message in its conversation's order, used as a paging cursor. */
export interface Cursor {
  created_at: number;
  id: string;
}

/** What a `message_changes` row records: the latest change of a message. */
export type ChangeKind = 'edited' | 'deleted';

/** A changed message as `changesSince` lists it: its change's sequence number and current row. */
export interface ChangedMessage {
  seq: number;
  kind: ChangeKind;
  message: MessageRow;
}

/** A `removals` row: `removed_by` took `user_id` out of the conversation. */
export interface RemovalRow {
  conversation_id: string;
  user_id: number;
  removed_by: number;
  removed_at: number;
}

/** [ext] A participant's read cursor: the newest message they have read, and its position. */
export interface ReadCursorRow {
  user_id: number;
  message_id: string;
  created_at: number;
}

const LIVE = 'deleted_at IS NULL';

/**
 * Every SQL statement of the server, prepared once. Methods are synchronous
 * (better-sqlite3), so a business operation that calls several of them inside
 * `transaction` is atomic and never interleaves with another request.
 */
export class Store {
  private readonly sql;

  constructor(private readonly db: Db) {
    this.sql = {
      users: db.prepare<[], Omit<UserRow, 'password_hash'>>(
        'SELECT id, username, full_name FROM users ORDER BY id',
      ),
      userById: db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?'),
      userByName: db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?'),
      conversation: db.prepare<[string], ConversationRow>(
        'SELECT * FROM conversations WHERE id = ?',
      ),
      conversationsOf: db.prepare<[number], ConversationRow>(
        // Activity is (time, id) of the last live message, else of the conversation itself;
        // ids are monotonic v7 UUIDs, so the id breaks ties in creation order.
        `SELECT c.* FROM conversations c
         JOIN participants p ON p.conversation_id = c.id AND p.user_id = ?
         LEFT JOIN messages last ON last.id = (
           SELECT m.id FROM messages m WHERE m.conversation_id = c.id AND m.${LIVE}
           ORDER BY m.created_at DESC, m.id DESC LIMIT 1
         )
         ORDER BY COALESCE(last.created_at, c.created_at) DESC, COALESCE(last.id, c.id) DESC`,
      ),
      privateBetween: db.prepare<[number, number], ConversationRow>(
        `SELECT c.* FROM conversations c
         JOIN participants a ON a.conversation_id = c.id AND a.user_id = ?
         JOIN participants b ON b.conversation_id = c.id AND b.user_id = ?
         WHERE c.type = 'private' ORDER BY c.created_at, c.id LIMIT 1`,
      ),
      insertConversation: db.prepare<[ConversationRow]>(
        `INSERT INTO conversations (id, type, title, created_by, created_at, service, service_id)
         VALUES (@id, @type, @title, @created_by, @created_at, @service, @service_id)`,
      ),
      deleteConversation: db.prepare<[string]>('DELETE FROM conversations WHERE id = ?'),
      participantIds: db.prepare<[string], { user_id: number }>(
        'SELECT user_id FROM participants WHERE conversation_id = ? ORDER BY user_id',
      ),
      isParticipant: db.prepare<[string, number], { one: 1 }>(
        'SELECT 1 AS one FROM participants WHERE conversation_id = ? AND user_id = ?',
      ),
      addParticipant: db.prepare<[string, number, number]>(
        'INSERT INTO participants (conversation_id, user_id, joined_at) VALUES (?, ?, ?)',
      ),
      removeParticipant: db.prepare<[string, number]>(
        'DELETE FROM participants WHERE conversation_id = ? AND user_id = ?',
      ),
      message: db.prepare<[string], MessageRow>('SELECT * FROM messages WHERE id = ?'),
      messageByClientId: db.prepare<[number, string], MessageRow>(
        'SELECT * FROM messages WHERE sender_id = ? AND client_id = ?',
      ),
      insertMessage: db.prepare<[MessageRow]>(
        `INSERT INTO messages (id, conversation_id, sender_id, text, reply_to, is_edited,
           created_at, updated_at, deleted_at, client_id)
         VALUES (@id, @conversation_id, @sender_id, @text, @reply_to, @is_edited,
           @created_at, @updated_at, @deleted_at, @client_id)`,
      ),
      editMessage: db.prepare<[string, number, string]>(
        'UPDATE messages SET text = ?, is_edited = 1, updated_at = ? WHERE id = ?',
      ),
      deleteMessage: db.prepare<[number, string]>(
        'UPDATE messages SET deleted_at = ? WHERE id = ?',
      ),
      lastMessage: db.prepare<[string], MessageRow>(
        `SELECT * FROM messages WHERE conversation_id = ? AND ${LIVE}
         ORDER BY created_at DESC, id DESC LIMIT 1`,
      ),
      newest: db.prepare<[string, number], MessageRow>(
        `SELECT * FROM messages WHERE conversation_id = ? AND ${LIVE}
         ORDER BY created_at DESC, id DESC LIMIT ?`,
      ),
      before: db.prepare<[string, number, number, string, number], MessageRow>(
        `SELECT * FROM messages WHERE conversation_id = ? AND ${LIVE}
           AND (created_at < ? OR (created_at = ? AND id < ?))
         ORDER BY created_at DESC, id DESC LIMIT ?`,
      ),
      after: db.prepare<[string, number, number, string, number], MessageRow>(
        `SELECT * FROM messages WHERE conversation_id = ? AND ${LIVE}
           AND (created_at > ? OR (created_at = ? AND id > ?))
         ORDER BY created_at, id LIMIT ?`,
      ),
      newestAny: db.prepare<[string], Cursor>(
        `SELECT created_at, id FROM messages WHERE conversation_id = ?
         ORDER BY created_at DESC, id DESC LIMIT 1`,
      ),
      // REPLACE drops the message's previous change, and AUTOINCREMENT never reuses a number.
      recordChange: db.prepare<[string, string, ChangeKind]>(
        `INSERT OR REPLACE INTO message_changes (message_id, conversation_id, kind)
         VALUES (?, ?, ?)`,
      ),
      changesSince: db.prepare<
        [string, number, number],
        MessageRow & { seq: number; kind: ChangeKind }
      >(
        `SELECT c.seq, c.kind, m.* FROM message_changes c
         JOIN messages m ON m.id = c.message_id
         WHERE c.conversation_id = ? AND c.seq > ?
         ORDER BY c.seq LIMIT ?`,
      ),
      lastChangeSeq: db.prepare<[], { seq: number }>(
        "SELECT seq FROM sqlite_sequence WHERE name = 'message_changes'",
      ),
      databaseId: db.prepare<[], { value: string }>(
        "SELECT value FROM server_meta WHERE key = 'database_id'",
      ),
      removal: db.prepare<[string, number], RemovalRow>(
        'SELECT * FROM removals WHERE conversation_id = ? AND user_id = ?',
      ),
      recordRemoval: db.prepare<[RemovalRow]>(
        `INSERT OR REPLACE INTO removals (conversation_id, user_id, removed_by, removed_at)
         VALUES (@conversation_id, @user_id, @removed_by, @removed_at)`,
      ),
      clearRemoval: db.prepare<[string, number]>(
        'DELETE FROM removals WHERE conversation_id = ? AND user_id = ?',
      ),
      allMessages: db.prepare<[string], MessageRow>(
        `SELECT * FROM messages WHERE conversation_id = ? AND ${LIVE} ORDER BY created_at, id`,
      ),
      // Only the cursors of current participants: a removed member's cursor is kept, not shown.
      readCursors: db.prepare<[string], ReadCursorRow>(
        `SELECT r.user_id, r.message_id, m.created_at FROM read_cursors r
         JOIN participants p ON p.conversation_id = r.conversation_id AND p.user_id = r.user_id
         JOIN messages m ON m.id = r.message_id
         WHERE r.conversation_id = ? ORDER BY r.user_id`,
      ),
      readCursor: db.prepare<[string, number], ReadCursorRow>(
        `SELECT r.user_id, r.message_id, m.created_at FROM read_cursors r
         JOIN messages m ON m.id = r.message_id
         WHERE r.conversation_id = ? AND r.user_id = ?`,
      ),
      setReadCursor: db.prepare<[string, number, string, number]>(
        `INSERT OR REPLACE INTO read_cursors (conversation_id, user_id, message_id, updated_at)
         VALUES (?, ?, ?, ?)`,
      ),
      unreadAll: db.prepare<[string, number], { count: number }>(
        `SELECT COUNT(*) AS count FROM messages
         WHERE conversation_id = ? AND ${LIVE} AND sender_id != ?`,
      ),
      unreadAfter: db.prepare<[string, number, number, number, string], { count: number }>(
        `SELECT COUNT(*) AS count FROM messages
         WHERE conversation_id = ? AND ${LIVE} AND sender_id != ?
           AND (created_at > ? OR (created_at = ? AND id > ?))`,
      ),
      sharers: db.prepare<[number, number], { user_id: number }>(
        `SELECT DISTINCT other.user_id FROM participants mine
         JOIN participants other ON other.conversation_id = mine.conversation_id
         WHERE mine.user_id = ? AND other.user_id != ? ORDER BY other.user_id`,
      ),
      setLastSeen: db.prepare<[number, number]>('UPDATE users SET last_seen_at = ? WHERE id = ?'),
    };
  }

  /** Runs `work` in one SQLite transaction. */
  transaction<Result>(work: () => Result): Result {
    return this.db.transaction(work)();
  }

  users(): Omit<UserRow, 'password_hash'>[] {
    return this.sql.users.all();
  }

  user(id: number): UserRow | undefined {
    return this.sql.userById.get(id);
  }

  userByName(username: string): UserRow | undefined {
    return this.sql.userByName.get(username);
  }

  conversation(id: string): ConversationRow | undefined {
    return this.sql.conversation.get(id);
  }

  /** The caller's conversations, most recent activity (last live message, else creation) first. */
  conversationsOf(userId: number): ConversationRow[] {
    return this.sql.conversationsOf.all(userId);
  }

  privateBetween(a: number, b: number): ConversationRow | undefined {
    return this.sql.privateBetween.get(a, b);
  }

  insertConversation(row: ConversationRow, participantIds: number[]): void {
    this.sql.insertConversation.run(row);
    for (const userId of participantIds) {
      this.sql.addParticipant.run(row.id, userId, row.created_at);
    }
  }

  /** Deletes a conversation; participants and messages go with it (ON DELETE CASCADE). */
  deleteConversation(id: string): void {
    this.sql.deleteConversation.run(id);
  }

  participantIds(conversationId: string): number[] {
    return this.sql.participantIds.all(conversationId).map((row) => row.user_id);
  }

  isParticipant(conversationId: string, userId: number): boolean {
    return this.sql.isParticipant.get(conversationId, userId) !== undefined;
  }

  addParticipant(conversationId: string, userId: number, at: number): void {
    this.sql.addParticipant.run(conversationId, userId, at);
  }

  removeParticipant(conversationId: string, userId: number): void {
    this.sql.removeParticipant.run(conversationId, userId);
  }

  /** A message by id, deleted ones included (they still serve as cursors). */
  message(id: string): MessageRow | undefined {
    return this.sql.message.get(id);
  }

  messageByClientId(senderId: number, clientId: string): MessageRow | undefined {
    return this.sql.messageByClientId.get(senderId, clientId);
  }

  insertMessage(row: MessageRow): void {
    this.sql.insertMessage.run(row);
  }

  editMessage(id: string, text: string, at: number): void {
    this.sql.editMessage.run(text, at, id);
  }

  deleteMessage(id: string, at: number): void {
    this.sql.deleteMessage.run(at, id);
  }

  lastMessage(conversationId: string): MessageRow | undefined {
    return this.sql.lastMessage.get(conversationId);
  }

  /** The newest `limit` live messages, oldest first. */
  newestMessages(conversationId: string, limit: number): MessageRow[] {
    return this.sql.newest.all(conversationId, limit).reverse();
  }

  /** Up to `limit` live messages just older than `cursor`, oldest first. */
  messagesBefore(conversationId: string, cursor: Cursor, limit: number): MessageRow[] {
    const { created_at, id } = cursor;
    return this.sql.before.all(conversationId, created_at, created_at, id, limit).reverse();
  }

  /** The position of the newest message of a conversation, deleted ones included. */
  newestPosition(conversationId: string): Cursor | undefined {
    return this.sql.newestAny.get(conversationId);
  }

  /** Records that a message was edited or deleted, as the newest change of the server. */
  recordChange(messageId: string, conversationId: string, kind: ChangeKind): void {
    this.sql.recordChange.run(messageId, conversationId, kind);
  }

  /** Up to `limit` messages of a conversation whose latest change is after `seq`, in change order. */
  changesSince(conversationId: string, seq: number, limit: number): ChangedMessage[] {
    return this.sql.changesSince
      .all(conversationId, seq, limit)
      .map(({ seq: at, kind, ...row }) => ({
        seq: at,
        kind,
        message: row,
      }));
  }

  /** The number of the newest change ever recorded (0 before the first). */
  lastChangeSeq(): number {
    return this.sql.lastChangeSeq.get()?.seq ?? 0;
  }

  /** A random id made when the database was created. */
  databaseId(): string {
    return this.sql.databaseId.get()?.value ?? '';
  }

  removal(conversationId: string, userId: number): RemovalRow | undefined {
    return this.sql.removal.get(conversationId, userId);
  }

  recordRemoval(row: RemovalRow): void {
    this.sql.recordRemoval.run(row);
  }

  clearRemoval(conversationId: string, userId: number): void {
    this.sql.clearRemoval.run(conversationId, userId);
  }

  /** Every live message of a conversation, oldest first (the seed's unpaged history). */
  allMessages(conversationId: string): MessageRow[] {
    return this.sql.allMessages.all(conversationId);
  }

  /** [ext] The read cursors of a conversation's current participants, by user id. */
  readCursors(conversationId: string): Map<number, ReadCursorRow> {
    return new Map(this.sql.readCursors.all(conversationId).map((row) => [row.user_id, row]));
  }

  /** [ext] One user's read cursor in a conversation (kept across a removal), if any. */
  readCursor(conversationId: string, userId: number): ReadCursorRow | undefined {
    return this.sql.readCursor.get(conversationId, userId);
  }

  setReadCursor(conversationId: string, userId: number, messageId: string, at: number): void {
    this.sql.setReadCursor.run(conversationId, userId, messageId, at);
  }

  /** [ext] Live messages of others after `cursor` (all of them without one). */
  unreadCount(conversationId: string, userId: number, cursor: Cursor | undefined): number {
    const row = cursor
      ? this.sql.unreadAfter.get(
          conversationId,
          userId,
          cursor.created_at,
          cursor.created_at,
          cursor.id,
        )
      : this.sql.unreadAll.get(conversationId, userId);
    return row?.count ?? 0;
  }

  /** [ext] Everyone who shares at least one conversation with `userId`, by id. */
  sharers(userId: number): number[] {
    return this.sql.sharers.all(userId, userId).map((row) => row.user_id);
  }

  setLastSeen(userId: number, at: number): void {
    this.sql.setLastSeen.run(at, userId);
  }

  /** Up to `limit` live messages newer than `cursor`, oldest first. */
  messagesAfter(conversationId: string, cursor: Cursor, limit: number): MessageRow[] {
    const { created_at, id } = cursor;
    return this.sql.after.all(conversationId, created_at, created_at, id, limit);
  }

  private searchStatements?: {
    all: Statement<[number, string, number], MessageRow>;
    inConversation: Statement<[number, string, string, number], MessageRow>;
  };

  /**
   * [ext] Live messages whose text matches the FTS5 expression `match`, in the
   * conversations `userId` takes part in (or in `conversationId` only), newest first.
   */
  searchMessages(
    userId: number,
    match: string,
    conversationId: string | null,
    limit: number,
  ): MessageRow[] {
    const select = `SELECT m.* FROM message_search s
      JOIN message_search_keys k ON k.key = s.rowid
      JOIN messages m ON m.id = k.message_id
      JOIN participants p ON p.conversation_id = m.conversation_id AND p.user_id = ?
      WHERE message_search MATCH ? AND m.${LIVE}`;
    this.searchStatements ??= {
      all: this.db.prepare(`${select} ORDER BY m.created_at DESC, m.id DESC LIMIT ?`),
      inConversation: this.db.prepare(
        `${select} AND m.conversation_id = ? ORDER BY m.created_at DESC, m.id DESC LIMIT ?`,
      ),
    };
    return conversationId === null
      ? this.searchStatements.all.all(userId, match, limit)
      : this.searchStatements.inConversation.all(userId, match, conversationId, limit);
  }
}
