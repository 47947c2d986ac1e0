import type { Message } from '../src/api/types';

/** `{conversation_id, user_id}`: the payload of both participant frames. */
export interface ParticipantPayload {
  conversation_id: string;
  user_id: number;
}

/** Every frame the server sends on a conversation socket. */
export type ServerFrame =
  | { type: 'message:new'; payload: Message }
  | { type: 'message:updated'; payload: Message }
  | { type: 'message:deleted'; payload: { id: string; conversation_id: string } }
  | { type: 'participant:added'; payload: ParticipantPayload }
  | { type: 'participant:removed'; payload: ParticipantPayload }
  | { type: 'conversation:deleted'; payload: { id: string } }
  | {
      type: 'error';
      payload: { code: string; detail: string; client_id?: string; retry_after_ms?: number };
    }
  | { type: 'pong'; payload: Record<string, never> };

/** A change to a conversation, as the socket hub fans it out to that conversation's sockets. */
export interface ChatEvent {
  conversationId: string;
  frame: Exclude<ServerFrame, { type: 'error' | 'pong' }>;
}

/** Receives every committed change; returned function unsubscribes. */
export type ChatEventListener = (event: ChatEvent) => void;
