import {
  connectionStatusChanged,
  disconnectRequested,
  eventsBatched,
  messagesReceived,
  protocolErrorReported,
  selectConnection,
  submitMessage,
  subscribeToConversation,
} from 'unet-chat-redux';
import type { ConnectionStatus, Message } from 'unet-chat-redux';
import { addListener, isAnyOf } from '@reduxjs/toolkit';
import type { UnknownAction } from '@reduxjs/toolkit';
import { useCallback, useEffect, useRef } from 'react';
import { useChatDispatch, useChatSelector } from './store';

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

/** Inner actions of a batch, or the action itself. */
function unbatch(action: UnknownAction): UnknownAction[] {
  return eventsBatched.match(action) ? (action.payload.actions as UnknownAction[]) : [action];
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
  const callbacks = useRef(options);
  useEffect(() => {
    callbacks.current = options;
  });

  const connection = useChatSelector((state) => selectConnection(state, conversationId));

  useEffect(() => dispatch(subscribeToConversation(conversationId)), [dispatch, conversationId]);

  useEffect(() => {
    let lastStatus: ConnectionStatus | null = null;
    const handle = (action: UnknownAction) => {
      for (const inner of unbatch(action)) {
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
    // The listener middleware answers `addListener` with the function that removes it.
    const removeListener = dispatch(
      addListener({
        matcher: isAnyOf(
          messagesReceived,
          connectionStatusChanged,
          protocolErrorReported,
          eventsBatched,
        ),
        effect: (action) => handle(action),
      }),
    ) as unknown as () => void;
    return removeListener;
  }, [dispatch, conversationId]);

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
