import { createReducer } from '@reduxjs/toolkit';
import {
  connectionStatusChanged,
  conversationRemoved,
  conversationSubscribed,
  conversationUnsubscribed,
} from './events';
import type { ConnectionStatus } from './model';

/** One conversation's socket, as the UI may show it. */
export interface ConnectionState {
  status: ConnectionStatus;
  /** Reconnect attempt in progress (1-based), 0 when none. */
  attempt: number;
  /** Delay before the next attempt, while `reconnecting`. */
  nextDelayMs: number | null;
  /** Close code of the last close, when there was one. */
  code: number | null;
  /** Why the socket is not open, in words. */
  error: string | null;
  /** Whether a manual reconnect can help (false after 4403/4404 or a failed refresh). */
  retryable: boolean;
  /** Components currently subscribed (the socket stays open while > 0). */
  subscribers: number;
}

/** The `chat.connections` state, by conversation id. */
export type ConnectionsState = Record<string, ConnectionState>;

export const idleConnection: ConnectionState = {
  status: 'idle',
  attempt: 0,
  nextDelayMs: null,
  code: null,
  error: null,
  retryable: true,
  subscribers: 0,
};

/** The `chat.connections` reducer. */
export const connectionsReducer = createReducer<ConnectionsState>({}, (builder) => {
  builder
    .addCase(conversationSubscribed, (state, { payload }) => {
      const connection = (state[payload.conversationId] ??= { ...idleConnection });
      connection.subscribers += 1;
    })
    .addCase(conversationUnsubscribed, (state, { payload }) => {
      const connection = state[payload.conversationId];
      if (connection) connection.subscribers = Math.max(0, connection.subscribers - 1);
    })
    .addCase(connectionStatusChanged, (state, { payload }) => {
      const connection = (state[payload.conversationId] ??= { ...idleConnection });
      connection.status = payload.status;
      connection.attempt = payload.status === 'open' ? 0 : (payload.attempt ?? connection.attempt);
      connection.nextDelayMs = payload.nextDelayMs ?? null;
      connection.code = payload.code ?? null;
      connection.error = payload.status === 'open' ? null : (payload.error ?? null);
      connection.retryable = payload.retryable ?? true;
    })
    .addCase(conversationRemoved, (state, { payload }) => {
      delete state[payload.id];
    });
});
