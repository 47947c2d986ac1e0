import { reconnectRequested, selectConnection } from 'unet-chat-redux';
import type { ConnectionState } from 'unet-chat-redux';
import { useCallback } from 'react';
import { useChatDispatch, useChatSelector } from './store';

/** What {@link useConnection} returns. */
export interface ConnectionInfo extends ConnectionState {
  isConnected: boolean;
  /** Reconnects now (after `failed`, or to skip a backoff wait). */
  reconnect: () => void;
}

/**
 * A conversation's socket status, for indicators and retry buttons. It does
 * not subscribe: pair it with {@link useConversationMessages} or
 * {@link useWebSocket}.
 *
 * @example
 * ```tsx
 * const { status, attempt, reconnect } = useConnection(conversationId);
 * ```
 */
export function useConnection(conversationId: string): ConnectionInfo {
  const dispatch = useChatDispatch();
  const connection = useChatSelector((state) => selectConnection(state, conversationId));
  const reconnect = useCallback(() => {
    dispatch(reconnectRequested({ conversationId }));
  }, [dispatch, conversationId]);
  return { ...connection, isConnected: connection.status === 'open', reconnect };
}
