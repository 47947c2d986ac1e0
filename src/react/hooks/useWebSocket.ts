import {
  connectionStatusChanged,
  disconnectRequested,
  messagesReceived,
  protocolErrorReported,
  selectConnection,
  submitMessage,
  subscribeToConversation,
  unbatchChatActions,
  watchChatActions,
} from 'unet-chat-redux';
import type { ConnectionStatus, Message } from 'unet-chat-redux';
import type { UnknownAction } from '@reduxjs/toolkit';
import { useCallback, useEffect, useRef } from 'react';
import { useChatDispatch, useChatSelector, useChatStore } from './store';

/** Options of {@link useWebSocket} (the seed's). */
export interface UseWebSocketOptions {
  conversationId: string;
  /** A new message arrived over the socket. */
  onMessage?: (message: Message) => void;
  /** The socket failed, or a frame could not be understood. */
  onError?: (error: string) => void;
  onOpen?: () => void;
  /** The socket closed (it may reconnect on its own). */
  onClose?: () => void;
}

/** What {@link useWebSocket} returns (the seed's). */
export interface UseWebSocketResult {
  isConnected: boolean;
  /** Sends over the socket when open, else over REST; optimistic, in order, exactly once. */
  sendMessage: (text: string, replyTo?: string | null) => void;
  /** Closes this conversation's socket (it reopens on `reconnectRequested` or a new subscription). */
  disconnect: () => void;
  error: string | null;
}

/**
 * The seed's WebSocket hook, on top of the store: it subscribes on mount and
 * unsubscribes on unmount; the callbacks may change on every render without
 * resubscribing.
 *
 * @example
 * ```tsx
 * const { isConnected, sendMessage, disconnect, error } = useWebSocket({
 *   conversationId: 'uuid',
 *   onMessage: (message) => console.log('New message:', message),
 * });
 * sendMessage('Привет!', null);
 * ```
 */
export function useWebSocket(options: UseWebSocketOptions): UseWebSocketResult {
  const { conversationId } = options;
  const dispatch = useChatDispatch();
  const store = useChatStore();
  const callbacks = useRef(options);
  useEffect(() => {
    callbacks.current = options;
  });

  const connection = useChatSelector((state) => selectConnection(state, conversationId));

  useEffect(() => dispatch(subscribeToConversation(conversationId)), [dispatch, conversationId]);

  useEffect(() => {
    // A component that joins an already open (shared) socket is connected too.
    let lastStatus: ConnectionStatus = selectConnection(store.getState(), conversationId).status;
    if (lastStatus === 'open') callbacks.current.onOpen?.();
    const handle = (action: UnknownAction) => {
      for (const inner of unbatchChatActions(action)) {
        if (messagesReceived.match(inner)) {
          const { payload } = inner;
          if (
            payload.source !== 'socket' ||
            payload.updatesOnly ||
            payload.conversationId !== conversationId
          )
            continue;
          for (const id of payload.ids) {
            const message = payload.entities[id];
            if (message) callbacks.current.onMessage?.(message);
          }
        } else if (
          connectionStatusChanged.match(inner) &&
          inner.payload.conversationId === conversationId
        ) {
          const { status, error } = inner.payload;
          if (status === 'open' && lastStatus !== 'open') callbacks.current.onOpen?.();
          if (status !== 'open' && lastStatus === 'open') callbacks.current.onClose?.();
          if (status === 'failed' || (status === 'reconnecting' && error)) {
            callbacks.current.onError?.(error ?? 'Connection failed');
          }
          lastStatus = status;
        } else if (
          protocolErrorReported.match(inner) &&
          inner.payload.conversationId === conversationId
        ) {
          callbacks.current.onError?.(inner.payload.reason);
        }
      }
    };
    return dispatch(watchChatActions(handle));
  }, [dispatch, store, conversationId]);

  const sendMessage = useCallback(
    (text: string, replyTo: string | null = null) => {
      dispatch(submitMessage({ conversationId, text, replyTo }));
    },
    [dispatch, conversationId],
  );
  const disconnect = useCallback(() => {
    dispatch(disconnectRequested({ conversationId }));
  }, [dispatch, conversationId]);

  return {
    isConnected: connection.status === 'open',
    sendMessage,
    disconnect,
    error: connection.error,
  };
}
