/**
 * Wire types of the unet-chat API, as ../shared/CONTRACT.md defines them.
 * Fields marked [ext] are sent only by servers that implement the extensions;
 * the package tolerates their absence everywhere.
 */

/** A conversation as the server sends it. */
export interface Conversation {
  id: string;
  type: 'private' | 'group';
  title: string | null;
  created_by: number;
  /** ISO 8601; a value without a zone is read as UTC. */
  created_at: string;
  service: string | null;
  service_id: string | null;
  /** [ext] Ids of the participants. */
  participant_ids?: number[];
  /** [ext] The newest message, for list previews. */
  last_message?: Message | null;
  /** [ext] The caller's read cursor: the newest message they have read. */
  last_read_message_id?: string | null;
  /** [ext] Messages from others newer than the caller's read cursor. */
  unread_count?: number;
  /** [ext] The other participants' read cursors. */
  read_cursors?: Array<{ user_id: number; last_read_message_id: string | null }>;
}

/** A message as the server sends it. */
export interface Message {
  id: string;
  conversation_id: string;
  sender_id: number;
  text: string | null;
  reply_to: string | null;
  is_edited: boolean;
  /** ISO 8601; a value without a zone is read as UTC. */
  created_at: string;
  /** [ext] Echo of the sender's idempotency key. */
  client_id?: string | null;
  /** [ext] Time of the last edit. */
  updated_at?: string | null;
}

/** A person of the host's user directory ([ext] `GET /users/` or the host's own). */
export interface ChatUser {
  id: number;
  username: string;
  full_name: string;
}

/** Body of `POST /conversations/`. */
export interface CreateConversationBody {
  type: 'private' | 'group';
  title?: string | null;
  participant_ids?: number[];
  service?: string | null;
  service_id?: string | null;
}

/** Body of `POST /messages/`. */
export interface SendMessageBody {
  conversation_id: string;
  sender_id: number;
  text: string;
  reply_to?: string | null;
  /** [ext] Idempotency key: a retried send with the same key never duplicates. */
  client_id?: string;
}

/** Body of `PUT /messages/{id}`. */
export interface EditMessageBody {
  text: string;
}
