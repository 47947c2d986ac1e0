import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';

/** An open better-sqlite3 connection. */
export type Db = Database.Database;

/**
 * Schema versions, applied in order; `PRAGMA user_version` remembers how many ran.
 * Append a new entry to change the schema, never edit an applied one.
 * Times are epoch milliseconds; ids of conversations and messages are UUID text.
 * Tables of the second entry: `auth_sessions` (one per login, the family of its
 * refresh tokens) and `refresh_tokens` (rotation and reuse detection);
 * `message_changes` (the latest edit or delete of each message, numbered by a
 * server-wide sequence: the "changes since" cursor); `removals` (who the creator
 * removed from a group); `server_meta` (a random id per database, in cursors).
 * The fourth: `read_cursors` (the newest message each participant has read) and
 * `users.last_seen_at` (presence).
 */
const migrations: readonly string[] = [
  `
  CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    password_hash TEXT NOT NULL
  );
  CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL CHECK (type IN ('private', 'group')),
    title TEXT,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    service TEXT,
    service_id TEXT
  );
  CREATE TABLE participants (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id),
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
  ) WITHOUT ROWID;
  CREATE INDEX participants_by_user ON participants (user_id, conversation_id);
  CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    sender_id INTEGER NOT NULL REFERENCES users (id),
    text TEXT NOT NULL,
    reply_to TEXT,
    is_edited INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER,
    deleted_at INTEGER,
    client_id TEXT
  );
  CREATE INDEX messages_in_order ON messages (conversation_id, created_at, id);
  CREATE UNIQUE INDEX messages_by_client_id ON messages (sender_id, client_id)
    WHERE client_id IS NOT NULL;
  `,
  // [ext] Message search: an FTS5 index of the live messages, kept in step by triggers.
  // FTS rows are keyed through message_search_keys (an INTEGER PRIMARY KEY), because
  // the implicit rowid of `messages` may change on VACUUM.
  `
  CREATE TABLE message_search_keys (
    key INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE
  );
  CREATE VIRTUAL TABLE message_search USING fts5 (
    text,
    tokenize = 'unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_search_keys (message_id) SELECT NEW.id WHERE NEW.deleted_at IS NULL;
    INSERT INTO message_search (rowid, text)
      SELECT key, NEW.text FROM message_search_keys WHERE message_id = NEW.id;
  END;
  -- One trigger, so forgetting the old text always runs before indexing the new.
  CREATE TRIGGER message_search_update AFTER UPDATE OF text, deleted_at ON messages BEGIN
    DELETE FROM message_search
      WHERE rowid = (SELECT key FROM message_search_keys WHERE message_id = OLD.id);
    DELETE FROM message_search_keys WHERE message_id = OLD.id;
    INSERT INTO message_search_keys (message_id) SELECT NEW.id WHERE NEW.deleted_at IS NULL;
    INSERT INTO message_search (rowid, text)
      SELECT key, NEW.text FROM message_search_keys WHERE message_id = NEW.id;
  END;
  CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
    DELETE FROM message_search
      WHERE rowid = (SELECT key FROM message_search_keys WHERE message_id = OLD.id);
    DELETE FROM message_search_keys WHERE message_id = OLD.id;
  END;
  INSERT INTO message_search_keys (message_id)
    SELECT id FROM messages WHERE deleted_at IS NULL ORDER BY created_at, id;
  INSERT INTO message_search (rowid, text)
    SELECT k.key, m.text FROM message_search_keys k JOIN messages m ON m.id = k.message_id;
  `,
  // Hardening (issue 11) and "changes since" (issue 8).
  `
  CREATE TABLE auth_sessions (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    revoked_at INTEGER,
    revoked_reason TEXT
  );
  CREATE TABLE refresh_tokens (
    jti TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
  );
  CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);
  CREATE TABLE message_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL UNIQUE REFERENCES messages (id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('edited', 'deleted'))
  );
  CREATE INDEX message_changes_in_order ON message_changes (conversation_id, seq);
  CREATE TABLE removals (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id),
    removed_by INTEGER NOT NULL REFERENCES users (id),
    removed_at INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
  ) WITHOUT ROWID;
  CREATE TABLE server_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  INSERT INTO server_meta (key, value) VALUES ('database_id', lower(hex(randomblob(8))));
  `,
  // [ext] Live workspace (issue 9): each participant's read cursor, and when each user was
  // last seen (their last socket closed). A cursor outlives a removal, so a member who is
  // added back keeps what they had read; it goes with its conversation.
  `
  CREATE TABLE read_cursors (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id),
    message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
  ) WITHOUT ROWID;
  ALTER TABLE users ADD COLUMN last_seen_at INTEGER;
  `,
];

function migrate(db: Db): void {
  const applied = db.pragma('user_version', { simple: true }) as number;
  if (applied > migrations.length) {
    throw new Error(
      `Database schema version ${applied} is newer than this server (${migrations.length}).`,
    );
  }
  migrations.slice(applied).forEach((sql, index) => {
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${applied + index + 1}`);
    })();
  });
}

/**
 * Opens (creating when needed) the database at `path`, or an in-memory one for
 * `':memory:'`, and brings its schema up to date.
 *
 * @example
 * const db = openDatabase('./data/unet-chat.sqlite');
 */
export function openDatabase(path: string): Db {
  const inMemory = path === ':memory:';
  if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
  const db = new Database(path);
  try {
    // WAL lets readers run beside the writer and makes each commit a single append.
    if (!inMemory) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Folds the WAL back into the main file, then closes the connection. */
export function closeDatabase(db: Db): void {
  if (!db.open) return;
  if (!db.memory) db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}
