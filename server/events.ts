import type { Conversation, Message } from '../src/api/types';

/** `{conversation_id, user_id}`: the payload of both participant frames. */
export interface ParticipantPayload {
  conversation_id: string;
  user_id: number;
}

/** [ext] One participant's read cursor, as `read_cursors` lists it. */
export interface ReadCursor {
  user_id: number;
  last_read_message_id: string | null;
}

/** [ext] The payload of `read:updated` and the answer of `POST /conversations/{id}/read/`. */
export interface ReadPayload {
  conversation_id: string;
  user_id: number;
  last_read_message_id: string | null;
}

/** [ext] The payload of `presence` and an entry of `GET /presence/`. */
export interface PresencePayload {
  user_id: number;
  online: boolean;
  /** When their last socket closed (ISO 8601 UTC), null if never. */
  last_seen_at: string | null;
}

/**
 * A conversation as this server answers it to one user: the contract's fields,
 * [ext] `participant_ids` and `last_message`, and [ext] the caller's read state.
 * In seed-only mode only the contract's fields.
 */
export interface ConversationView extends Conversation {
  /** [ext] The newest message the caller has read, or null. */
  last_read_message_id?: string | null;
  /** [ext] Live messages of others newer than the caller's cursor (all of them without one). */
  unread_count?: number;
  /** [ext] The cursors of the other participants, by user id. */
  read_cursors?: ReadCursor[];
}

/** A frame about one conversation: to its sockets and to its participants' user streams. */
export type ConversationFrame =
  | { type: 'message:new'; payload: Message }
  | { type: 'message:updated'; payload: Message }
  | { type: 'message:deleted'; payload: { id: string; conversation_id: string } }
  | { type: 'participant:added'; payload: ParticipantPayload }
  | { type: 'participant:removed'; payload: ParticipantPayload }
  | { type: 'conversation:deleted'; payload: { id: string } }
  | { type: 'read:updated'; payload: ReadPayload }
  | { type: 'typing'; payload: ParticipantPayload };

/** [ext] A frame for one user's streams only (its payload is that user's view). */
export type UserFrame =
  | { type: 'conversation:created'; payload: ConversationView }
  | { type: 'conversation:updated'; payload: ConversationView }
  | { type: 'presence'; payload: PresencePayload };

/** Every frame the server sends on a conversation socket or a user stream. */
export type ServerFrame =
  | ConversationFrame
  | UserFrame
  | {
      type: 'error';
      payload: { code: string; detail: string; client_id?: string; retry_after_ms?: number };
    }
  | { type: 'pong'; payload: Record<string, never> };

/**
 * A committed change, as the socket hub fans it out:
 * - `conversation`: `frame` to the conversation's sockets and to the user streams of
 *   `audience` (its participants when it happened), all but the sockets of `except`;
 * - `user`: `frame` to that user's streams;
 * - `left`: the user no longer takes part: their sockets of the conversation close (4403);
 * - `ended`: the conversation is gone: its sockets close (4404);
 * - `joined`: `joined` now share the conversation with the rest of `audience`
 *   (presence frames follow, see the hub).
 */
export type ChatEvent =
  | {
      kind: 'conversation';
      conversationId: string;
      frame: ConversationFrame;
      audience: readonly number[];
      except?: number;
    }
  | { kind: 'user'; userId: number; frame: UserFrame }
  | { kind: 'left'; conversationId: string; userId: number }
  | { kind: 'ended'; conversationId: string }
  | {
      kind: 'joined';
      conversationId: string;
      joined: readonly number[];
      audience: readonly number[];
    };

/** Receives every committed change; returned function unsubscribes. */
export type ChatEventListener = (event: ChatEvent) => void;
